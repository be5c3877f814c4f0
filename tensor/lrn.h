#pragma once
// Local response normalisation across channels (Caffe ACROSS_CHANNELS, ONNX LRN):
//   scale[c] = bias + (alpha / size) * sum_{c' in window(c)} in[c']^2
//   out[c]   = in[c] * scale[c]^(-beta)
// window(c) = [c - (size-1)/2, c + size/2] clipped to [0, C).
// (PyTorch's LocalResponseNorm agrees for odd sizes; for even sizes its window
// is [c - size/2, c + (size-1)/2], one channel lower.)
//   in, out, scale: (N, C, H, W)
// The backward overwrites grad_in (does not accumulate).
#include <cstdint>

namespace dream {

struct LrnParams {
  int64_t n = 1, c = 0, h = 0, w = 0;
  int64_t size = 5;
  float alpha = 1e-4f, beta = 0.75f, bias = 1.0f;
  void validate() const;
};

// scale may be null (not kept); the backward needs it, or recomputes it.
void lrn_forward(const LrnParams& p, const float* in, float* out, float* scale);
void lrn_forward_ref(const LrnParams& p, const float* in, float* out, float* scale);
// scale may be null (recomputed from in). out may be null: this optimised
// backward never reads it (it recomputes y = in * scale^-beta where needed,
// so callers need not keep the forward's output); the reference does.
void lrn_backward(const LrnParams& p, const float* in, const float* out, const float* scale, const float* grad_out,
                  float* grad_in);
void lrn_backward_ref(const LrnParams& p, const float* in, const float* out, const float* scale,
                      const float* grad_out, float* grad_in);

}  // namespace dream
