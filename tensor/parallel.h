#pragma once
// The engine's only threading primitive: OpenMP when built with DREAM_OPENMP,
// a plain serial loop otherwise, so kernels never mention OpenMP directly.
#include <cstdint>

#if defined(DREAM_HAVE_OPENMP)
#include <omp.h>
#endif

namespace dream {

int max_threads();            // 1 without OpenMP
void set_max_threads(int n);  // no-op without OpenMP

// Calls body(begin, end) on disjoint chunks covering [0, n), one chunk per
// thread. body must not write outside its chunk's data.
template <class Body>
void parallel_for(int64_t n, Body body) {
#if defined(DREAM_HAVE_OPENMP)
  if (n > 1 && omp_get_max_threads() > 1 && !omp_in_parallel()) {
#pragma omp parallel
    {
      int64_t threads = omp_get_num_threads();
      int64_t t = omp_get_thread_num();
      int64_t chunk = (n + threads - 1) / threads;
      int64_t b = t * chunk;
      int64_t e = b + chunk < n ? b + chunk : n;
      if (b < e) body(b, e);
    }
    return;
  }
#endif
  if (n > 0) body(0, n);
}

// As above, but serial when the whole job is small: below about
// kParallelMinWork elementary operations (n * cost_per_item), waking the
// thread team costs more than it saves, and on a loaded machine far more.
constexpr int64_t kParallelMinWork = 1 << 15;
template <class Body>
void parallel_for(int64_t n, int64_t cost_per_item, Body body) {
  if (n * cost_per_item < kParallelMinWork) {
    if (n > 0) body(0, n);
    return;
  }
  parallel_for(n, body);
}

}  // namespace dream
