#include "tensor/malloc_tuning.h"

#include <cstdlib>  // defines __GLIBC__ under glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace dream {

void keep_freed_memory() {
#if defined(__GLIBC__)
  constexpr int kThreshold = 1 << 30;  // 1 GiB: above any tensor of a dream that fits this machine
  mallopt(M_MMAP_THRESHOLD, kThreshold);
  mallopt(M_TRIM_THRESHOLD, kThreshold);
#endif
}

}  // namespace dream
