// AVX-512 direct-convolution tiles: wide 8 rows x 3 vectors (48 pixels) = 24
// zmm accumulators + 3 B vectors + 1 broadcast, so each tap costs 3 loads
// and 8 broadcasts for 24 FMAs; narrow 3 x 7 vectors = 21 accumulators + 7
// B vectors + 1 broadcast (3 x 8 needs 33 registers: GCC spilled one
// accumulator to the stack, a store-to-load chain every tap, and ran at half
// the speed).
// Only reached when the CPU reports AVX-512 (cpu_features).
#include "tensor/conv2d_direct_kernels.h"

#if defined(__x86_64__)
#include "tensor/simd_avx512.h"
#endif

namespace dream {
namespace direct_detail {

#if defined(__x86_64__)
const DirectKernelSet& direct_kernels_avx512() {
  static const DirectKernelSet k = make_direct_kernel_set<simd::Avx512, 8, 3, 7>("avx512 8x48");
  return k;
}
#else
const DirectKernelSet& direct_kernels_avx512() { return direct_kernels_scalar(); }
#endif

}  // namespace direct_detail
}  // namespace dream
