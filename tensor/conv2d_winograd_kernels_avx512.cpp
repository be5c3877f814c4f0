// The Winograd tile transforms compiled with AVX-512 enabled (the same loops as
// the portable ones, vectorised 16 tiles at a time); only reached when the
// CPU reports AVX-512 (cpu_features).
#include "tensor/conv2d_winograd_kernels.h"

namespace dream {
namespace winograd_detail {

#if defined(__x86_64__)
namespace {
struct Avx512 {};
}  // namespace

const WinogradKernels& winograd_kernels_avx512() {
  static const WinogradKernels k = make_winograd_kernels<Avx512>("avx512");
  return k;
}
#else
const WinogradKernels& winograd_kernels_avx512() { return winograd_kernels_portable(); }
#endif

}  // namespace winograd_detail
}  // namespace dream
