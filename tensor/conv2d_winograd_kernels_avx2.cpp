// The Winograd tile transforms compiled with AVX2 enabled (the same loops as
// the portable ones, vectorised 8 tiles at a time); only reached when the
// CPU reports AVX2 (cpu_features).
#include "tensor/conv2d_winograd_kernels.h"

namespace dream {
namespace winograd_detail {

#if defined(__x86_64__)
namespace {
struct Avx2 {};
}  // namespace

const WinogradKernels& winograd_kernels_avx2() {
  static const WinogradKernels k = make_winograd_kernels<Avx2>("avx2");
  return k;
}
#else
const WinogradKernels& winograd_kernels_avx2() { return winograd_kernels_portable(); }
#endif

}  // namespace winograd_detail
}  // namespace dream
