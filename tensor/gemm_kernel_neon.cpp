// NEON GEMM micro-kernel: 8 x 12 tile = 24 q-register accumulators, plus
// three B vectors and one broadcast of A, of AArch64's 32 q registers.
#include "tensor/gemm_microkernel.h"

#if defined(__aarch64__)
#include "tensor/simd_neon.h"
#endif

namespace dream {
namespace gemm_detail {

#if defined(__aarch64__)
const MicroKernel& micro_kernel_neon() {
  static const MicroKernel k = make_micro_kernel<simd::Neon, 8, 3>(128, 256, 2040, "neon 8x12");
  return k;
}
#else
const MicroKernel& micro_kernel_neon() { return micro_kernel_scalar(); }
#endif

}  // namespace gemm_detail
}  // namespace dream
