// Portable GEMM micro-kernel (4 x 4 tile of plain floats) and the table that
// maps a SIMD level to its kernel.
#include "tensor/gemm_microkernel.h"
#include "tensor/simd_scalar.h"

namespace dream {
namespace gemm_detail {

const MicroKernel& micro_kernel_scalar() {
  static const MicroKernel k = make_micro_kernel<simd::Scalar, 4, 4>(128, 256, 1024, "scalar 4x4");
  return k;
}

const MicroKernel& micro_kernel_for(SimdLevel level) {
  switch (level) {
    case SimdLevel::Avx512:
      return micro_kernel_avx512();
    case SimdLevel::Avx2:
      return micro_kernel_avx2();
    case SimdLevel::Neon:
      return micro_kernel_neon();
    case SimdLevel::Scalar:
      break;
  }
  return micro_kernel_scalar();
}

}  // namespace gemm_detail
}  // namespace dream
