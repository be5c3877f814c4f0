// The portable direct-convolution tiles (plain floats; NEON on aarch64) and
// the choice of tiles for a SIMD level.
#include "tensor/conv2d_direct_kernels.h"

#include "tensor/simd_scalar.h"

#if defined(__aarch64__)
#include "tensor/simd_neon.h"
#endif

namespace dream {
namespace direct_detail {

const DirectKernelSet& direct_kernels_scalar() {
  static const DirectKernelSet k = make_direct_kernel_set<simd::Scalar, 4, 4, 4>("scalar 4x4");
  return k;
}

#if defined(__aarch64__)
// 8 x 3 vectors = 24 of the 32 q registers for accumulators; narrow 3 x 6 = 18.
const DirectKernelSet& direct_kernels_neon() {
  static const DirectKernelSet k = make_direct_kernel_set<simd::Neon, 8, 3, 6>("neon 8x12");
  return k;
}
#else
const DirectKernelSet& direct_kernels_neon() { return direct_kernels_scalar(); }
#endif

const DirectKernelSet& direct_kernels_for(SimdLevel level) {
  switch (level) {
    case SimdLevel::Avx512:
      return direct_kernels_avx512();
    case SimdLevel::Avx2:
      return direct_kernels_avx2();
    case SimdLevel::Neon:
      return direct_kernels_neon();
    case SimdLevel::Scalar:
      break;
  }
  return direct_kernels_scalar();
}

}  // namespace direct_detail
}  // namespace dream
