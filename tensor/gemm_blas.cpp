// OpenBLAS backend of gemm(): a thin cblas_sgemm call.
#include "tensor/gemm_backends.h"

#if defined(DREAM_HAVE_BLAS)
#include <cblas.h>
#endif

#include "tensor/error.h"

namespace dream {
namespace gemm_detail {

#if defined(DREAM_HAVE_BLAS)
bool blas_compiled_in() { return true; }

void gemm_blas(const GemmArgs& g) {
  // cblas takes int sizes; our callers never come close, but say so if one does.
  const int64_t limit = 0x7fffffff;
  if (g.m > limit || g.n > limit || g.k > limit || g.lda > limit || g.ldb > limit || g.ldc > limit)
    throw Error("gemm_blas: a size or stride exceeds cblas's int range");
  cblas_sgemm(CblasRowMajor, g.trans_a ? CblasTrans : CblasNoTrans, g.trans_b ? CblasTrans : CblasNoTrans,
              static_cast<int>(g.m), static_cast<int>(g.n), static_cast<int>(g.k), g.alpha, g.a,
              static_cast<int>(g.lda), g.b, static_cast<int>(g.ldb), g.beta, g.c, static_cast<int>(g.ldc));
}

const char* blas_core_name() {
  const char* name = openblas_get_corename();
  return name != nullptr ? name : "";
}
#else
bool blas_compiled_in() { return false; }
void gemm_blas(const GemmArgs&) { throw Error("gemm_blas: built without DREAM_BLAS (OpenBLAS)"); }
const char* blas_core_name() { return ""; }
#endif

}  // namespace gemm_detail
}  // namespace dream
