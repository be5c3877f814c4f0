#pragma once
// Winograd F(4x4, 3x3) convolution for 3x3, stride-1, undilated layers
// (GoogLeNet's conv2/3x3 and every inception */3x3): each 4x4 block of
// outputs costs 36 multiplications per (input, output) channel pair instead
// of 144, at the price of two tile transforms and a weight transform.
//
//   forward:         out (N, Co, Ho, Wo) as conv2d_forward
//   backward input:  grad_in (N, Ci, H, W) as conv2d_backward_input, run as
//                    the forward Winograd convolution of grad_out with the
//                    filters flipped spatially and Ci/Co swapped (pads 2 - pad)
//
// Exact in real arithmetic; in float it differs from the direct sum by
// ~1e-6..1e-5 relative to the output scale (the transforms multiply by up to
// 8 and 1/24). conv2d_forward / conv2d_backward_input call these when
// conv2d_winograd_preferred() says so; the tests call them directly too.
#include "tensor/conv2d.h"

namespace dream {

// 3x3 kernel, stride 1, dilation 1, every pad in [0, 2] (backward input
// needs 2 - pad >= 0).
bool conv2d_winograd_supported(const Conv2dParams& p);

// The dispatch rule: supported and large enough that the transforms pay off
// (measured on GoogLeNet's 3x3 layers, see conv2d_winograd.cpp).
bool conv2d_winograd_preferred(const Conv2dParams& p);

// Both throw dream::Error if !conv2d_winograd_supported(p).
void conv2d_forward_winograd(const Conv2dParams& p, const float* in, const float* w, const float* bias, float* out);
void conv2d_backward_input_winograd(const Conv2dParams& p, const float* grad_out, const float* w, float* grad_in);

}  // namespace dream
