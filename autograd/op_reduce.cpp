// Reductions to a one-element value (shape {1}), the losses and objectives.
// Sums accumulate in double (tensor/elementwise.h), then round to float once.
//   sum:          L = sum x              dL/dx = dL/dL' * 1
//   mean:         L = sum x / n          dL/dx = g / n
//   mean_squares: L = sum x^2 / n        dL/dx = g * 2 x / n   (keeps x)
//   dot_constant: L = sum x * c          dL/dx = g * c         (keeps c)
#include "autograd/op_support.h"
#include "autograd/ops.h"
#include "tensor/elementwise.h"

namespace dream::autograd {

namespace {

Tensor scalar_tensor(double v) { return Tensor({1}, static_cast<float>(v)); }

int64_t checked_numel(const Variable& x, const char* op) {
  detail::require_defined(x, op, "input");
  if (x.value().numel() == 0)
    throw Error(std::string(op) + ": input of shape " + shape_string(x.shape()) + " is empty");
  return x.value().numel();
}

}  // namespace

Variable sum(Tape& t, const Variable& x) {
  checked_numel(x, "sum");
  const Shape xshape = x.shape();
  GradSlot xs = x.grad_slot();
  return t.record("sum", scalar_tensor(dream::sum(x.value().numel(), x.value().data())), {x},
                  [xshape, xs](const Tensor& grad_out) {
                    if (wants_grad(xs)) accumulate_grad(xs, Tensor(xshape, grad_out[0]));
                  });
}

Variable mean(Tape& t, const Variable& x) {
  const int64_t n = checked_numel(x, "mean");
  const Shape xshape = x.shape();
  GradSlot xs = x.grad_slot();
  return t.record("mean", scalar_tensor(dream::sum(n, x.value().data()) / static_cast<double>(n)), {x},
                  [xshape, n, xs](const Tensor& grad_out) {
                    if (wants_grad(xs))
                      accumulate_grad(xs, Tensor(xshape, static_cast<float>(grad_out[0] / static_cast<double>(n))));
                  });
}

Variable mean_squares(Tape& t, const Variable& x) {
  const int64_t n = checked_numel(x, "mean_squares");
  Tensor saved_x = x.value();
  GradSlot xs = x.grad_slot();
  return t.record("mean_squares", scalar_tensor(dream::sum_squares(n, saved_x.data()) / static_cast<double>(n)), {x},
                  [saved_x, n, xs](const Tensor& grad_out) {
                    if (!wants_grad(xs)) return;
                    Tensor gx(saved_x.shape());
                    dream::scale(n, static_cast<float>(2.0 * grad_out[0] / static_cast<double>(n)), saved_x.data(),
                                 gx.data());
                    accumulate_grad(xs, std::move(gx));
                  });
}

Variable dot_constant(Tape& t, const Variable& x, const Tensor& g) {
  const int64_t n = checked_numel(x, "dot_constant");
  if (g.shape() != x.shape())
    throw Error("dot_constant: constant of shape " + shape_string(g.shape()) + " does not match input of shape " +
                shape_string(x.shape()));
  double acc = 0.0;
  const float* xv = x.value().data();
  for (int64_t i = 0; i < n; ++i) acc += static_cast<double>(xv[i]) * g[i];
  Tensor saved_g = g;
  GradSlot xs = x.grad_slot();
  return t.record("dot_constant", scalar_tensor(acc), {x}, [saved_g, n, xs](const Tensor& grad_out) {
    if (!wants_grad(xs)) return;
    Tensor gx(saved_g.shape());
    dream::scale(n, grad_out[0], saved_g.data(), gx.data());
    accumulate_grad(xs, std::move(gx));
  });
}

}  // namespace dream::autograd
