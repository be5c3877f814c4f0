// The portable Winograd tile transforms (baseline instruction set: SSE2 on
// x86-64, NEON on aarch64, whatever the compiler vectorises the loops to),
// and the choice of transform kernels for a SIMD level.
#include "tensor/conv2d_winograd_kernels.h"

namespace dream {
namespace winograd_detail {

namespace {
struct Portable {};
}  // namespace

const WinogradKernels& winograd_kernels_portable() {
  static const WinogradKernels k = make_winograd_kernels<Portable>("portable");
  return k;
}

const WinogradKernels& winograd_kernels_for(SimdLevel level) {
  switch (level) {
    case SimdLevel::Avx512:
      return winograd_kernels_avx512();
    case SimdLevel::Avx2:
      return winograd_kernels_avx2();
    default:
      return winograd_kernels_portable();
  }
}

}  // namespace winograd_detail
}  // namespace dream
