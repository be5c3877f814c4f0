#pragma once
// Max and average pooling over NCHW.
//   in: (N, C, H, W)   out: (N, C, Ho, Wo)
// Output size: floor mode  Ho = (H + pt + pb - kh) / sh + 1;
// ceil mode (Caffe's rule) Ho = ceil((H + pt + pb - kh) / sh) + 1, then
// reduced by one if the last window would start at or past H + pt (it must
// start inside the input or its top/left padding).
// Average: count_include_pad=true divides by the window clipped to the padded
// extent [-pt, H + pb) (Caffe, ONNX count_include_pad=1); false divides by
// the number of real input pixels in the window (ONNX default).
// Windows never take padding as a value for max (padding is -inf).
// Every function overwrites its output (backwards do not accumulate).
#include <cstdint>

namespace dream {

struct Pool2dParams {
  int64_t n = 1, c = 0, h_in = 0, w_in = 0;
  int64_t kh = 1, kw = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  bool ceil_mode = false;
  bool count_include_pad = false;  // average pooling only

  int64_t h_out() const;
  int64_t w_out() const;
  // Also requires each pad < its kernel extent, so every window holds an input pixel.
  void validate() const;  // throws dream::Error naming the bad field
};

void maxpool2d_forward(const Pool2dParams& p, const float* in, float* out);
void maxpool2d_forward_ref(const Pool2dParams& p, const float* in, float* out);
// Gradient goes to the first maximum of each window (row-major scan), as Caffe.
void maxpool2d_backward(const Pool2dParams& p, const float* in, const float* grad_out, float* grad_in);
void maxpool2d_backward_ref(const Pool2dParams& p, const float* in, const float* grad_out, float* grad_in);

// Max pooling that also records, per output, the plane index y * W + x of the
// pixel maxpool2d_backward_ref routes its gradient to (the window's first
// maximum in a row-major scan; NaN never wins), so that the backward is one
// scatter pass and needs neither the input nor a second search.
//   argmax: (N, C, Ho, Wo) int32, each in [0, H * W)
void maxpool2d_forward_argmax(const Pool2dParams& p, const float* in, float* out, int32_t* argmax);
// grad_in (N, C, H, W) = zeros with each grad_out added at its argmax.
void maxpool2d_backward_argmax(const Pool2dParams& p, const int32_t* argmax, const float* grad_out, float* grad_in);

void avgpool2d_forward(const Pool2dParams& p, const float* in, float* out);
void avgpool2d_forward_ref(const Pool2dParams& p, const float* in, float* out);
void avgpool2d_backward(const Pool2dParams& p, const float* grad_out, float* grad_in);
void avgpool2d_backward_ref(const Pool2dParams& p, const float* grad_out, float* grad_in);

// out: (N, C) mean over H x W.
void global_avgpool_forward(int64_t n, int64_t c, int64_t hw, const float* in, float* out);
void global_avgpool_backward(int64_t n, int64_t c, int64_t hw, const float* grad_out, float* grad_in);

}  // namespace dream
