// Fully connected layer: y (N, O) = x (N, I) w^T (I, O) + b (O).
//   dL/dx = dL/dy w            (needs w, not x)
//   dL/dw = dL/dy^T x          (needs x)
//   dL/db = column sums of dL/dy
// x may have any shape with N * I elements (N = its first dimension), e.g.
// the (N, C, 1, 1) output of a global pool; dL/dx gets x's own shape.
#include <string>

#include "autograd/op_support.h"
#include "autograd/ops.h"
#include "tensor/linear.h"

namespace dream::autograd {

Variable linear(Tape& t, const Variable& x, const Variable& w, const Variable& b) {
  detail::require_defined(x, "linear", "input");
  detail::require_defined(w, "linear", "weight");
  if (w.value().rank() != 2) throw Error("linear: weight must be (O, I), got shape " + shape_string(w.shape()));
  if (x.value().rank() < 1) throw Error("linear: input must have a batch dimension, got a scalar");
  LinearParams p;
  p.n = x.shape()[0];
  p.out_features = w.shape()[0];
  p.in_features = w.shape()[1];
  if (p.n * p.in_features != x.value().numel())
    throw Error("linear: input of shape " + shape_string(x.shape()) + " does not fit weight of shape " +
                shape_string(w.shape()) + " (needs " + std::to_string(p.in_features) + " features per row)");
  if (b.defined() && b.shape() != Shape{p.out_features})
    throw Error("linear: bias of shape " + shape_string(b.shape()) + " does not match weight of shape " +
                shape_string(w.shape()));

  Tensor y({p.n, p.out_features});
  linear_forward(p, x.value().data(), w.value().data(), b.defined() ? b.value().data() : nullptr, y.data());

  Tensor saved_w = x.requires_grad() ? w.value() : Tensor();
  Tensor saved_x = w.requires_grad() ? x.value() : Tensor();
  const Shape xshape = x.shape();
  GradSlot xs = x.grad_slot(), ws = w.grad_slot(), bs = b.defined() ? b.grad_slot() : GradSlot();
  std::vector<Variable> inputs{x, w};
  if (b.defined()) inputs.push_back(b);
  return t.record("linear", std::move(y), inputs, [p, xshape, saved_w, saved_x, xs, ws, bs](const Tensor& grad_out) {
    if (wants_grad(xs)) {
      Tensor gx(xshape);
      linear_backward_input(p, grad_out.data(), saved_w.data(), gx.data());
      accumulate_grad(xs, std::move(gx));
    }
    if (wants_grad(ws)) {
      Tensor gw({p.out_features, p.in_features});
      Tensor gb = wants_grad(bs) ? Tensor({p.out_features}) : Tensor();
      linear_backward_weights(p, saved_x.data(), grad_out.data(), gw.data(), gb.empty() ? nullptr : gb.data());
      detail::note_parameter_gradient_run();
      accumulate_grad(ws, std::move(gw));
      if (!gb.empty()) accumulate_grad(bs, std::move(gb));
    } else if (wants_grad(bs)) {
      Tensor gb({p.out_features});
      for (int64_t i = 0; i < p.n; ++i)
        for (int64_t o = 0; o < p.out_features; ++o) gb[o] += grad_out[i * p.out_features + o];
      detail::note_parameter_gradient_run();
      accumulate_grad(bs, std::move(gb));
    }
  });
}

}  // namespace dream::autograd
