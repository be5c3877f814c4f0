// AVX-512 GEMM micro-kernel: 12 x 32 tile = 24 zmm accumulators, plus two
// B vectors and one broadcast of A (27 of 32 zmm registers; 12 rows beat 14
// on GoogLeNet shapes, whose channel counts are multiples of 16). Compiled with
// AVX-512 flags; only reached when the CPU reports AVX-512 (cpu_features).
#include "tensor/gemm_microkernel.h"

#if defined(__x86_64__)
#include "tensor/simd_avx512.h"
#endif

namespace dream {
namespace gemm_detail {

#if defined(__x86_64__)
const MicroKernel& micro_kernel_avx512() {
  // kc 256: a B micro-panel (256 x 32 floats = 32 KiB) stays in L1 (48 KiB);
  // mc 288: an A block (288 x 256 floats = 288 KiB) stays in L2 (2 MiB).
  static const MicroKernel k = make_micro_kernel<simd::Avx512, 12, 2>(288, 256, 2048, "avx512 12x32");
  return k;
}
#else
const MicroKernel& micro_kernel_avx512() { return micro_kernel_scalar(); }
#endif

}  // namespace gemm_detail
}  // namespace dream
