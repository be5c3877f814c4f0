// The reference GEMM: a plain triple loop with double accumulation, slow and
// obviously right; every faster GEMM is tested against it.
#include "tensor/gemm.h"

namespace dream {

void gemm_ref(const GemmArgs& g) {
  for (int64_t i = 0; i < g.m; ++i) {
    for (int64_t j = 0; j < g.n; ++j) {
      double acc = 0.0;
      for (int64_t p = 0; p < g.k; ++p) {
        // op(A)(i, p) and op(B)(p, j) as stored row-major.
        const float a = g.trans_a ? g.a[p * g.lda + i] : g.a[i * g.lda + p];
        const float b = g.trans_b ? g.b[j * g.ldb + p] : g.b[p * g.ldb + j];
        acc += static_cast<double>(a) * static_cast<double>(b);
      }
      float& c = g.c[i * g.ldc + j];
      const double prior = g.beta == 0.0f ? 0.0 : static_cast<double>(g.beta) * c;  // beta 0: never read C
      const double bias = g.bias ? static_cast<double>(g.bias[i]) : 0.0;
      c = static_cast<float>(static_cast<double>(g.alpha) * acc + prior + bias);
    }
  }
}

}  // namespace dream
