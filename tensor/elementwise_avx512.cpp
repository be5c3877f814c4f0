// The elementwise kernels instantiated for Avx512 (this file is compiled
// with that instruction set; only called when cpu_features says the CPU has it).
#include "tensor/elementwise_kernels.h"

#if defined(__x86_64__)
#include "tensor/simd_avx512.h"
#endif

namespace dream {
namespace elementwise_detail {

#if defined(__x86_64__)
const ElementwiseKernels& elementwise_kernels_avx512() { return elementwise_kernels_table<simd::Avx512>(); }
#else
const ElementwiseKernels& elementwise_kernels_avx512() { return elementwise_kernels_scalar(); }
#endif

}  // namespace elementwise_detail
}  // namespace dream
