#pragma once
// Direct (implicit-GEMM) convolution for kernels larger than 1x1, stride 1 or
// 2: GoogLeNet's conv1/7x7_s2 and the inception 5x5 layers. Like im2col +
// GEMM it is a product W[Co x K] * col[K x pixels], but the micro-kernel
// reads its B vectors straight from a zero-padded copy of a band of input
// rows (tensor/conv2d_direct_kernels.h), so there is no column matrix to
// write, read back and pack again:
//   stride 1: tap (ci, ky, kx) of a run of output pixels of one row is a
//             contiguous run of the padded input row y + ky;
//   stride 2: the band is split into even and odd columns first, so tap kx
//             is a contiguous run of phase kx % 2 from column x + kx / 2.
//
//   forward:         out (N, Co, Ho, Wo) as conv2d_forward
//   backward input:  grad_in (N, Ci, H, W) as conv2d_backward_input. For
//                    stride 1 it is the forward convolution of grad_out with
//                    the filters rotated 180 degrees, Ci and Co swapped and
//                    pads k - 1 - pad; for stride 2, grad_in's four phases
//                    (y % 2, x % 2) are each such a stride-1 convolution with
//                    the taps of matching parity, interleaved afterwards.
//
// conv2d_forward / conv2d_backward_input call these when
// conv2d_direct_preferred() says so; the tests call them directly too.
#include "tensor/conv2d.h"

namespace dream {

// Square stride 1 or 2, dilation 1 (any kernel size and pads).
bool conv2d_direct_supported(const Conv2dParams& p);

// The dispatch rules, forward and backward to input: shapes where this path
// measured faster than im2col + GEMM (see conv2d_direct.cpp).
bool conv2d_direct_preferred(const Conv2dParams& p);
bool conv2d_direct_backward_input_preferred(const Conv2dParams& p);

// Both throw dream::Error if !conv2d_direct_supported(p). With a cache the
// packed weights are taken from it (built there on first use).
void conv2d_forward_direct(const Conv2dParams& p, const float* in, const float* w, const float* bias, float* out,
                           Conv2dWeightCache* cache = nullptr);
void conv2d_backward_input_direct(const Conv2dParams& p, const float* grad_out, const float* w, float* grad_in,
                                  Conv2dWeightCache* cache = nullptr);

}  // namespace dream
