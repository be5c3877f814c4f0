// The elementwise kernels instantiated for NEON (AArch64 only).
#include "tensor/elementwise_kernels.h"

#if defined(__aarch64__)
#include "tensor/simd_neon.h"
#endif

namespace dream {
namespace elementwise_detail {

#if defined(__aarch64__)
const ElementwiseKernels& elementwise_kernels_neon() { return elementwise_kernels_table<simd::Neon>(); }
#else
const ElementwiseKernels& elementwise_kernels_neon() { return elementwise_kernels_scalar(); }
#endif

}  // namespace elementwise_detail
}  // namespace dream
