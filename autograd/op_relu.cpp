// relu: y = max(x, 0); dL/dx = dL/dy where y > 0, else 0.
// The backward keeps y (the mask), never x: y is usually kept anyway by the
// next op (a max pool keeps its input), so the mask costs no extra memory.
#include "autograd/op_support.h"
#include "autograd/ops.h"
#include "tensor/elementwise.h"

namespace dream::autograd {

Variable relu(Tape& t, const Variable& x) {
  detail::require_defined(x, "relu", "input");
  Tensor y = Tensor::uninitialized(x.shape());  // the kernels overwrite
  relu_forward(y.numel(), x.value().data(), y.data());
  Tensor saved_y = y;
  GradSlot xs = x.grad_slot();
  return t.record("relu", std::move(y), {x}, [saved_y, xs](const Tensor& grad_out) {
    if (!wants_grad(xs)) return;
    Tensor gx = Tensor::uninitialized(grad_out.shape());
    relu_backward(gx.numel(), saved_y.data(), grad_out.data(), gx.data());
    accumulate_grad(xs, std::move(gx));
  });
}

}  // namespace dream::autograd
