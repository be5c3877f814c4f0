#pragma once
// Bilinear resize of NCHW planes with half-pixel centres (ONNX
// coordinate_transformation_mode="half_pixel", OpenCV INTER_LINEAR,
// PyTorch align_corners=False), any ratio, edges clamped:
//   src_y = (y + 0.5) * (H_in / H_out) - 0.5, clamped to [0, H_in - 1]
// Used for image pyramids. No antialiasing when shrinking (as those engines).
//   in: (planes, H_in, W_in)   out: (planes, H_out, W_out)   planes = N*C
// The backward overwrites grad_in (does not accumulate).
#include <cstdint>

namespace dream {

struct ResizeParams {
  int64_t planes = 1, h_in = 0, w_in = 0, h_out = 0, w_out = 0;
  void validate() const;
};

void resize_bilinear_forward(const ResizeParams& p, const float* in, float* out);
void resize_bilinear_forward_ref(const ResizeParams& p, const float* in, float* out);
// The adjoint: grad_in (planes, H_in, W_in) from grad_out (planes, H_out, W_out).
void resize_bilinear_backward(const ResizeParams& p, const float* grad_out, float* grad_in);
void resize_bilinear_backward_ref(const ResizeParams& p, const float* grad_out, float* grad_in);

}  // namespace dream
