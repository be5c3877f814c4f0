// Local response normalisation across channels (see tensor/lrn.h):
//   y[c] = x[c] * scale[c]^-beta,  scale[c] = bias + alpha/size * sum_window x^2
//   dL/dx[c] = dL/dy[c] * scale[c]^-beta
//            - 2 alpha beta / size * x[c] * sum_{c' : c in window(c')} dL/dy[c'] y[c'] / scale[c']
// The backward keeps only x: scale and y are recomputed from it inside the
// kernel (a cheap O(C * size * HW) pass on rows in cache), which saves two
// activations of memory and their trips through it.
#include "autograd/op_support.h"
#include "autograd/ops.h"

namespace dream::autograd {

Variable lrn(Tape& t, const Variable& x, const LrnSpec& s) {
  detail::require_nchw(x, "lrn", "input");
  LrnParams p;
  p.n = x.shape()[0];
  p.c = x.shape()[1];
  p.h = x.shape()[2];
  p.w = x.shape()[3];
  p.size = s.size;
  p.alpha = s.alpha;
  p.beta = s.beta;
  p.bias = s.bias;
  p.validate();
  Tensor y = Tensor::uninitialized(x.shape());  // tensor/lrn.h kernels overwrite
  lrn_forward(p, x.value().data(), y.data(), nullptr);
  Tensor saved_x = x.value();
  GradSlot xs = x.grad_slot();
  return t.record("lrn", std::move(y), {x}, [p, saved_x, xs](const Tensor& grad_out) {
    if (!wants_grad(xs)) return;
    Tensor gx = Tensor::uninitialized(saved_x.shape());
    lrn_backward(p, saved_x.data(), nullptr, nullptr, grad_out.data(), gx.data());
    accumulate_grad(xs, std::move(gx));
  });
}

}  // namespace dream::autograd
