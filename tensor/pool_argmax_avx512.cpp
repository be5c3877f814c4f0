// The max-pool argmax search (pool_argmax_kernels.h) built for AVX512: this
// file is compiled with that instruction set, and is only called when
// cpu_features says the CPU has it.
#include "tensor/pool_argmax_kernels.h"

namespace dream {
namespace pool_argmax_detail {

#if defined(__x86_64__)

namespace {
struct Avx512Tag {};
}  // namespace

ForwardArgmaxPlane forward_argmax_plane_avx512() { return &forward_argmax_plane<Avx512Tag>; }

#else

ForwardArgmaxPlane forward_argmax_plane_avx512() { return forward_argmax_plane_baseline(); }

#endif

}  // namespace pool_argmax_detail
}  // namespace dream
