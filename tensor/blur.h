#pragma once
// Separable Gaussian blur of NCHW planes, kernel radius ceil(3 sigma),
// weights normalised to sum 1, borders by clamping (replicate) the edge.
//   in, out: (planes, H, W)
// The backward overwrites grad_in (does not accumulate).
#include <cstdint>
#include <vector>

namespace dream {

struct BlurParams {
  int64_t planes = 1, h = 0, w = 0;
  float sigma = 1.0f;
  void validate() const;
};

std::vector<float> gaussian_kernel_1d(float sigma);  // length 2*radius+1, sums to 1

void gaussian_blur_forward(const BlurParams& p, const float* in, float* out);
void gaussian_blur_forward_ref(const BlurParams& p, const float* in, float* out);
// The adjoint of the forward (not the same as blurring again at the borders).
void gaussian_blur_backward(const BlurParams& p, const float* grad_out, float* grad_in);
void gaussian_blur_backward_ref(const BlurParams& p, const float* grad_out, float* grad_in);

}  // namespace dream
