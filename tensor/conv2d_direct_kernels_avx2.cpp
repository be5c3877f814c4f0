// AVX2 direct-convolution tiles: wide 4 rows x 3 vectors (24 pixels) = 12 ymm
// accumulators + 3 B vectors + 1 broadcast of the 16 ymm registers; narrow
// 3 x 3 vectors. Only reached when the CPU reports AVX2 (cpu_features).
#include "tensor/conv2d_direct_kernels.h"

#if defined(__x86_64__)
#include "tensor/simd_avx2.h"
#endif

namespace dream {
namespace direct_detail {

#if defined(__x86_64__)
const DirectKernelSet& direct_kernels_avx2() {
  static const DirectKernelSet k = make_direct_kernel_set<simd::Avx2, 4, 3, 3>("avx2 4x24");
  return k;
}
#else
const DirectKernelSet& direct_kernels_avx2() { return direct_kernels_scalar(); }
#endif

}  // namespace direct_detail
}  // namespace dream
