// AVX2+FMA GEMM micro-kernel: 6 x 16 tile = 12 ymm accumulators, plus two
// B vectors and one broadcast of A: 15 of the 16 ymm registers.
#include "tensor/gemm_microkernel.h"

#if defined(__x86_64__)
#include "tensor/simd_avx2.h"
#endif

namespace dream {
namespace gemm_detail {

#if defined(__x86_64__)
const MicroKernel& micro_kernel_avx2() {
  // kc 256: a B micro-panel (256 x 16 floats = 16 KiB) stays in L1;
  // mc 144: an A block (144 x 256 floats = 144 KiB) stays in L2.
  static const MicroKernel k = make_micro_kernel<simd::Avx2, 6, 2>(144, 256, 2048, "avx2 6x16");
  return k;
}
#else
const MicroKernel& micro_kernel_avx2() { return micro_kernel_scalar(); }
#endif

}  // namespace gemm_detail
}  // namespace dream
