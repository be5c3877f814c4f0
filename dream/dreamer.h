#pragma once
// The classic DeepDream loop (Google's 2015 notebook), generalised:
//
//   bases = pyramid(image)            smallest level first when dreaming
//   detail = 0
//   for each level (small -> large):
//     x = base + upsample(detail)
//     repeat `iterations` times:
//       roll x by a random shift (jitter; plus a random tile offset when tiled)
//       g = d objective / dx          (tile by tile, through the robustness transforms)
//       x += step * normalise(g) + regulariser terms; roll back; clip to the pixel range
//     detail = x - base
//
// Everything random comes from one Rng seeded by settings.seed, so a run is
// reproducible. The loop works on any GradientSource (network or analytic).
#include <cstdint>
#include <functional>
#include <string>

#include "dream/gradient_source.h"
#include "dream/jitter.h"
#include "dream/regularisers.h"
#include "dream/rng.h"
#include "dream/step_rule.h"
#include "dream/transform_robustness.h"
#include "tensor/tensor.h"

namespace dream {

struct DreamSettings {
  int octaves = 4;
  double octave_scale = 1.4;
  int iterations = 10;
  double step = 1.5;    // mean pixel change per step (0..255 units)
  int64_t jitter = 32;  // max circular shift per step, pixels
  int64_t tile = 512;   // gradient computed in tiles of at most tile x tile pixels
  uint64_t seed = 0;
  bool clip = true;
  ChannelRange range;                    // valid network-space range per channel (see step_rule.h)
  bool laplacian_normalisation = false;  // else g / mean|g|
  int laplacian_levels = 4;
  Regularisers regularisers;
  TransformRobustness transforms;

  void validate() const;  // throws dream::Error naming the setting
};

struct DreamProgress {
  int octave = 0;     // 0-based, smallest level first
  int octaves = 0;    // levels actually dreamed
  int iteration = 0;  // 0-based within the octave
  int iterations = 0;
  int64_t height = 0, width = 0;
  int64_t step_index = 0;  // 0-based over the whole run
  int64_t total_steps = 0;
  double objective = 0.0;  // before this step's update
};

struct DreamCallbacks {
  std::function<void(const DreamProgress&)> on_step;   // after every step
  std::function<void(const std::string&)> on_message;  // notes for the user (e.g. pyramid truncated)
};

// The two halves of a step that every parameterisation shares (the pixel
// path below and --param fft, dream/fourier_dream.cpp), in the order they
// draw from rng:
// the whole-image roll for this step: the jitter, plus -- when an image of
// height x width needs several tiles -- a uniform offset over a whole tile so
// the seams land somewhere new each step;
Shift random_step_roll(Rng& rng, int64_t height, int64_t width, const DreamSettings& s);
// the objective's gradient at `rolled` (robustness transforms, tiles),
// normalised (g / mean|g|, or the Laplacian pyramid), plus the regularisers'
// gradients; sets g and returns the objective.
double normalised_gradient(GradientSource& source, const Tensor& rolled, const DreamSettings& s, Rng& rng, Tensor& g);

// One gradient-ascent step on x (network space, 1x3xHxW) in place. Returns
// the objective before the step. step_index counts from 0 (blur schedule).
double dream_step(GradientSource& source, Tensor& x, const DreamSettings& s, Rng& rng, int64_t step_index);

// The whole multi-octave dream of `image` (network space); returns the result.
Tensor dream_image(GradientSource& source, const Tensor& image, const DreamSettings& s,
                   const DreamCallbacks& callbacks = {});

// Gaussian noise image (network space) for feature visualisation from
// scratch: mean colour plus N(0, sigma) pixel values, clipped to range.
Tensor noise_image(int64_t height, int64_t width, uint64_t seed, const ChannelRange& range, double sigma = 20.0);

}  // namespace dream
