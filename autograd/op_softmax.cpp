// Softmax over the last axis: x (rows, K) -> y, y_k = exp(x_k) / sum_j exp(x_j).
//   dL/dx = y * (dL/dy - sum_k dL/dy_k y_k)   per row; the backward keeps y only.
#include "autograd/op_support.h"
#include "autograd/ops.h"
#include "tensor/softmax.h"

namespace dream::autograd {

Variable softmax(Tape& t, const Variable& x) {
  detail::require_defined(x, "softmax", "input");
  if (x.value().rank() < 1 || x.value().dim(-1) == 0)
    throw Error("softmax: needs at least one element on the last axis, got shape " + shape_string(x.shape()));
  const int64_t cols = x.value().dim(-1);
  const int64_t rows = x.value().numel() / cols;
  Tensor y(x.shape());
  softmax_forward(rows, cols, x.value().data(), y.data());
  Tensor saved_y = y;
  GradSlot xs = x.grad_slot();
  return t.record("softmax", std::move(y), {x}, [rows, cols, saved_y, xs](const Tensor& grad_out) {
    if (!wants_grad(xs)) return;
    Tensor gx(saved_y.shape());
    softmax_backward(rows, cols, saved_y.data(), grad_out.data(), gx.data());
    accumulate_grad(xs, std::move(gx));
  });
}

}  // namespace dream::autograd
