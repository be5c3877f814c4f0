#include "tensor/parallel.h"

namespace dream {

#if defined(DREAM_HAVE_OPENMP)
int max_threads() { return omp_get_max_threads(); }
void set_max_threads(int n) {
  if (n > 0) omp_set_num_threads(n);
}
#else
int max_threads() { return 1; }
void set_max_threads(int) {}
#endif

}  // namespace dream
