#pragma once
// --original-colors: keep the input's colours and take only the brightness
// from the dream. In YIQ, Y = 0.299 R + 0.587 G + 0.114 B and the chroma
// axes I, Q have coefficients summing to zero, so adding the same value to
// R, G and B changes Y by that value and leaves I and Q alone. The result
// is therefore original + (Y_dream - Y_original) on every channel: the
// dream's luminance with the original's chroma, clamped to 0..255.
#include "tensor/tensor.h"

namespace dream {

// Both 1x3xHxW RGB in 0..255 pixel space, same shape.
Tensor transfer_luminance(const Tensor& dreamed_rgb, const Tensor& original_rgb);
// Y of each pixel of a 1x3xHxW RGB tensor -> 1x1xHxW.
Tensor luminance(const Tensor& rgb);

}  // namespace dream
