#pragma once
// The gradient-ascent step of classic DeepDream and the pixel-range clip.
//
//   x += step * g / mean(|g|)
//
// Dividing by the mean absolute gradient makes the step size independent of
// the objective's scale (which varies by orders of magnitude between layers),
// so one `step` works for every layer: on average each pixel moves by `step`
// (in 0..255 pixel units).
#include <array>

#include "tensor/tensor.h"

namespace dream {

// g / mean(|g|); a zero gradient stays zero.
Tensor normalise_by_mean_abs(const Tensor& g);
// x += step * direction (same shape).
void ascend(Tensor& x, const Tensor& direction, double step);

// Per-channel valid range of a 1x3xHxW image in network space (pixel 0..255
// after the network's mean subtraction: [-mean_c, 255 - mean_c]).
struct ChannelRange {
  std::array<float, 3> lo = {0.0f, 0.0f, 0.0f};
  std::array<float, 3> hi = {255.0f, 255.0f, 255.0f};
};
void clip_to_range(Tensor& x, const ChannelRange& range);

}  // namespace dream
