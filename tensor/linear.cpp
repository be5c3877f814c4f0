// Fully connected layer as GEMMs (gemm.h dispatches to OpenBLAS or our own):
//   forward          out(N,O)    = in(N,I) * w(O,I)^T + bias
//   backward input   grad_in(N,I) = grad_out(N,O) * w(O,I)
//   backward weights grad_w(O,I)  = grad_out(N,O)^T * in(N,I)
// Outputs are overwritten, not accumulated.
#include "tensor/linear.h"

#include <algorithm>
#include <string>

#include "tensor/error.h"
#include "tensor/gemm.h"

namespace dream {

namespace {

void check(const LinearParams& p, const char* what) {
  if (p.n < 1 || p.in_features < 1 || p.out_features < 1)
    throw Error(std::string(what) + ": n, in_features, out_features must be >= 1 (got " + std::to_string(p.n) + ", " +
                std::to_string(p.in_features) + ", " + std::to_string(p.out_features) + ")");
}

}  // namespace

void linear_forward(const LinearParams& p, const float* in, const float* w, const float* bias, float* out) {
  check(p, "linear_forward");
  GemmArgs g;
  g.trans_b = true;
  g.m = p.n, g.n = p.out_features, g.k = p.in_features;
  g.a = in, g.lda = p.in_features;
  g.b = w, g.ldb = p.in_features;
  g.c = out, g.ldc = p.out_features;
  if (bias) {
    // Start every row from the bias and let the GEMM add the product.
    for (int64_t r = 0; r < p.n; ++r) std::copy(bias, bias + p.out_features, out + r * p.out_features);
    g.beta = 1.0f;
  }
  gemm(g);
}

void linear_backward_input(const LinearParams& p, const float* grad_out, const float* w, float* grad_in) {
  check(p, "linear_backward_input");
  GemmArgs g;
  g.m = p.n, g.n = p.in_features, g.k = p.out_features;
  g.a = grad_out, g.lda = p.out_features;
  g.b = w, g.ldb = p.in_features;
  g.c = grad_in, g.ldc = p.in_features;
  gemm(g);
}

void linear_backward_weights(const LinearParams& p, const float* in, const float* grad_out, float* grad_w,
                             float* grad_bias) {
  check(p, "linear_backward_weights");
  GemmArgs g;
  g.trans_a = true;
  g.m = p.out_features, g.n = p.in_features, g.k = p.n;
  g.a = grad_out, g.lda = p.out_features;
  g.b = in, g.ldb = p.in_features;
  g.c = grad_w, g.ldc = p.in_features;
  gemm(g);
  if (grad_bias) {
    std::fill(grad_bias, grad_bias + p.out_features, 0.0f);
    for (int64_t r = 0; r < p.n; ++r)
      for (int64_t o = 0; o < p.out_features; ++o) grad_bias[o] += grad_out[r * p.out_features + o];
  }
}

}  // namespace dream
