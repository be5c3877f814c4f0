#pragma once
// Random circular shifts (the notebook's np.roll jitter): shifting the image
// before each gradient step and shifting back afterwards moves the network's
// grid (and the tile seams) over the image, so no fixed pattern of strides or
// tile borders builds up.
#include <cstdint>

#include "dream/rng.h"
#include "tensor/tensor.h"

namespace dream {

struct Shift {
  int64_t dy = 0, dx = 0;
};

// Uniform in [-max_shift, max_shift] on each axis (0 if max_shift <= 0).
Shift random_shift(Rng& rng, int64_t max_shift);
// out[y][x] = in[(y - dy) mod H][(x - dx) mod W] for every plane of a NCHW tensor.
Tensor roll_image(const Tensor& image, Shift shift);
// The inverse shift: roll_image(roll_image(t, s), inverse(s)) == t.
inline Shift inverse(Shift s) { return {-s.dy, -s.dx}; }

}  // namespace dream
