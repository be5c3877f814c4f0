#pragma once
// 2-D convolution (cross-correlation, as Caffe/ONNX/PyTorch), groups = 1.
//   out: (N, Co, Ho, Wo)   in: (N, Ci, H, W)   w: (Co, Ci, kh, kw)   bias: (Co) or null
//   Ho = (H + pad_top + pad_bottom - dil_h*(kh-1) - 1) / stride_h + 1   (floor)
// Kernels overwrite their outputs. The *_ref versions are naive loops kept as
// the reference and tested against; the plain names dispatch to the fastest
// path (1x1 -> direct GEMM; 3x3 stride 1 -> Winograd F(4x4,3x3) where it
// wins, tensor/conv2d_winograd.h; larger kernels, stride 1 or 2 -> direct
// implicit-GEMM convolution where it wins, tensor/conv2d_direct.h; else
// im2col + GEMM). A Conv2dWeightCache (tensor/conv2d_weight_cache.h) for
// weights that stay the same across calls keeps them in the direct path's
// packed layout instead of re-packing them every call.
#include <cstdint>

namespace dream {

class Conv2dWeightCache;

struct Conv2dParams {
  int64_t n = 1, c_in = 0, h_in = 0, w_in = 0;
  int64_t c_out = 0, kh = 1, kw = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t dil_h = 1, dil_w = 1;
  int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;

  int64_t h_out() const { return (h_in + pad_top + pad_bottom - dil_h * (kh - 1) - 1) / stride_h + 1; }
  int64_t w_out() const { return (w_in + pad_left + pad_right - dil_w * (kw - 1) - 1) / stride_w + 1; }
  // Throws dream::Error naming the bad field (non-positive sizes, output < 1).
  void validate() const;
};

void conv2d_forward(const Conv2dParams& p, const float* in, const float* w, const float* bias, float* out,
                    Conv2dWeightCache* cache = nullptr);
void conv2d_forward_ref(const Conv2dParams& p, const float* in, const float* w, const float* bias, float* out);

// The im2col + GEMM paths alone (no Winograd dispatch), for tests and benches
// comparing the two; the plain names above pick one of them.
void conv2d_forward_gemm(const Conv2dParams& p, const float* in, const float* w, const float* bias, float* out);
void conv2d_backward_input_gemm(const Conv2dParams& p, const float* grad_out, const float* w, float* grad_in);

// grad_in (N, Ci, H, W) = transposed convolution of grad_out with w.
void conv2d_backward_input(const Conv2dParams& p, const float* grad_out, const float* w, float* grad_in,
                           Conv2dWeightCache* cache = nullptr);
void conv2d_backward_input_ref(const Conv2dParams& p, const float* grad_out, const float* w, float* grad_in);

// grad_w (Co, Ci, kh, kw) and grad_bias (Co, may be null) from in and grad_out.
void conv2d_backward_weights(const Conv2dParams& p, const float* in, const float* grad_out, float* grad_w,
                             float* grad_bias);
void conv2d_backward_weights_ref(const Conv2dParams& p, const float* in, const float* grad_out, float* grad_w,
                                 float* grad_bias);

}  // namespace dream
