#pragma once
// GEMM, row-major:  C(M x N) = alpha * op(A)(M x K) * op(B)(K x N) + beta * C (+ bias)
// op(X) = X or X^T; lda/ldb/ldc are the row strides of A, B, C as stored.
// beta == 0 means C is not read (may hold garbage/NaN). bias, when set, is
// M floats added to every element of their row of C: a convolution's bias
// applied as the GEMM writes C, instead of C filled with it first and read
// back (beta = 1), which costs a pass over C.
#include <cstdint>

namespace dream {

struct GemmArgs {
  bool trans_a = false, trans_b = false;
  int64_t m = 0, n = 0, k = 0;
  float alpha = 1.0f;
  const float* a = nullptr;
  int64_t lda = 0;
  const float* b = nullptr;
  int64_t ldb = 0;
  float beta = 0.0f;
  const float* bias = nullptr;  // M floats, or null
  float* c = nullptr;
  int64_t ldc = 0;
};

// The dispatcher every kernel calls: OpenBLAS when built with it and it is
// fast on this CPU, else our blocked SIMD GEMM (see gemm_backend_name()).
void gemm(const GemmArgs& g);
// Naive triple loop with double accumulation: the reference.
void gemm_ref(const GemmArgs& g);
// Our own cache-blocked GEMM with SIMD micro-kernels (OpenMP over blocks).
void gemm_blocked(const GemmArgs& g);

enum class GemmBackend { Blas, Blocked };
GemmBackend gemm_backend();
void set_gemm_backend(GemmBackend b);  // Blas only if compiled with DREAM_BLAS
const char* gemm_backend_name();

}  // namespace dream
