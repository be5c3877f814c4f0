#pragma once
// The image pyramid of classic DeepDream (Google's 2015 notebook): level 0 is
// the input, each further level is the previous one shrunk by octave_scale
// (bilinear). Dreaming runs from the smallest level up; the detail gained on
// a level is enlarged and added to the next level's base.
//
// A level whose smaller side would fall below min_size (the network's layer
// would have no spatial extent) is not made: the pyramid stops early and
// says so (truncated), it never fails for that reason.
#include <cstdint>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace dream {

struct OctaveSize {
  int64_t height, width;
};

struct OctavePlan {
  std::vector<OctaveSize> sizes;  // largest (the input) first
  bool truncated = false;         // fewer levels than requested because of min_size
  int requested = 0;
};

// Sizes for an input of height x width: level i = round(level_{i-1} / scale)
// per side (at least 1). Throws dream::Error if octaves < 1, scale <= 1 or
// the input itself is smaller than min_size.
OctavePlan plan_octaves(int64_t height, int64_t width, int octaves, double octave_scale, int64_t min_size);

// 1xCxHxW -> 1xCxhxw, bilinear (half-pixel centres).
Tensor resize_image(const Tensor& image, int64_t height, int64_t width);

// The pyramid's base images for a plan, largest first; level i is made from
// level i-1 (as the notebook's successive zooms). Level 0 shares `image`'s
// storage (a view, not a copy): callers must not write to the bases.
std::vector<Tensor> build_octave_bases(const Tensor& image, const OctavePlan& plan);

}  // namespace dream
