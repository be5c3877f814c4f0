// Separable Gaussian blur (see tensor/blur.h): y = B x for a fixed linear map
// B (edges replicated), so dL/dx = B^T dL/dy, the kernel's adjoint -- not a
// second blur, since replication makes B non-symmetric at the borders.
// Keeps nothing.
#include "autograd/op_support.h"
#include "autograd/ops.h"
#include "tensor/blur.h"

namespace dream::autograd {

Variable gaussian_blur(Tape& t, const Variable& x, float sigma) {
  detail::require_nchw(x, "gaussian_blur", "input");
  BlurParams p;
  p.planes = x.shape()[0] * x.shape()[1];
  p.h = x.shape()[2];
  p.w = x.shape()[3];
  p.sigma = sigma;
  p.validate();
  Tensor y(x.shape());
  gaussian_blur_forward(p, x.value().data(), y.data());
  GradSlot xs = x.grad_slot();
  return t.record("gaussian_blur", std::move(y), {x}, [p, xs](const Tensor& grad_out) {
    if (!wants_grad(xs)) return;
    Tensor gx(grad_out.shape());
    gaussian_blur_backward(p, grad_out.data(), gx.data());
    accumulate_grad(xs, std::move(gx));
  });
}

}  // namespace dream::autograd
