#include "dream/dreamer.h"

#include <algorithm>
#include <cmath>

#include "dream/jitter.h"
#include "dream/laplacian_normalise.h"
#include "dream/octave_pyramid.h"
#include "tensor/elementwise.h"
#include "tensor/roll.h"

namespace dream {

void DreamSettings::validate() const {
  if (octaves < 1 || octaves > 64) throw Error("--octaves must be 1..64, got " + std::to_string(octaves));
  if (!(octave_scale > 1.0) || octave_scale > 16.0 || !std::isfinite(octave_scale))
    throw Error("--octave-scale must be in (1, 16], got " + std::to_string(octave_scale));
  if (iterations < 0 || iterations > 100000)
    throw Error("--iterations must be 0..100000, got " + std::to_string(iterations));
  if (!std::isfinite(step) || step < 0.0 || step > 255.0)
    throw Error("--step must be 0..255, got " + std::to_string(step));
  if (jitter < 0 || jitter > 4096) throw Error("--jitter must be 0..4096 pixels, got " + std::to_string(jitter));
  if (tile < 1 || tile > 32768) throw Error("--tile must be 1..32768 pixels, got " + std::to_string(tile));
  if (laplacian_levels < 0 || laplacian_levels > 16)
    throw Error("Laplacian levels must be 0..16, got " + std::to_string(laplacian_levels));
  if (regularisers.blur_every < 0) throw Error("--blur-every must be >= 0");
  if (regularisers.blur_every > 0 && !(regularisers.blur_sigma > 0.0f && regularisers.blur_sigma <= 64.0f))
    throw Error("--blur-sigma must be in (0, 64], got " + std::to_string(regularisers.blur_sigma));
  if (transforms.pad < 0 || transforms.pad > 1024) throw Error("--pad must be 0..1024 pixels");
  if (transforms.jitter < 0 || transforms.jitter > 1024) throw Error("--transform-jitter must be 0..1024 pixels");
  if (!(transforms.scale_jitter >= 0.0 && transforms.scale_jitter < 1.0))
    throw Error("--random-scale must be in [0, 1), got " + std::to_string(transforms.scale_jitter));
  if (!(transforms.rotate_degrees >= 0.0 && transforms.rotate_degrees <= 180.0))
    throw Error("--random-rotate must be 0..180 degrees, got " + std::to_string(transforms.rotate_degrees));
}

Shift random_step_roll(Rng& rng, int64_t height, int64_t width, const DreamSettings& s) {
  Shift shift = random_shift(rng, s.jitter);
  if (height > s.tile || width > s.tile) {
    shift.dy += rng.uniform_int(0, s.tile - 1);
    shift.dx += rng.uniform_int(0, s.tile - 1);
  }
  return shift;
}

double normalised_gradient(GradientSource& source, const Tensor& rolled, const DreamSettings& s, Rng& rng, Tensor& g) {
  const double objective = transformed_objective_and_gradient(source, rolled, s.transforms, s.tile, rng, g);
  check_same_shape(g, rolled, "gradient from the objective");
  if (s.laplacian_normalisation) {
    g = laplacian_normalise(g, s.laplacian_levels);
  } else {
    const double mean_abs = sum_abs(g.numel(), g.data()) / static_cast<double>(g.numel());
    if (mean_abs > 0.0) scale(g.numel(), static_cast<float>(1.0 / mean_abs), g.data(), g.data());
  }
  if (s.regularisers.any_gradient_term()) add_regulariser_gradients(s.regularisers, rolled, g);
  return objective;
}

double dream_step(GradientSource& source, Tensor& x, const DreamSettings& s, Rng& rng, int64_t step_index) {
  const Shift shift = random_step_roll(rng, x.h(), x.w(), s);
  Tensor rolled = roll_image(x, shift);
  Tensor g;
  const double objective = normalised_gradient(source, rolled, s, rng, g);
  ascend(rolled, g, s.step);
  g = Tensor();
  // Roll back into x's own storage: no third full-size image at the peak.
  const Shift back = inverse(shift);
  roll2d(x.n() * x.c(), x.h(), x.w(), back.dy, back.dx, rolled.data(), x.data());
  rolled = Tensor();
  if (s.regularisers.blur_every > 0 && (step_index + 1) % s.regularisers.blur_every == 0)
    blur_image(x, s.regularisers.blur_sigma);
  if (s.clip) clip_to_range(x, s.range);
  return objective;
}

Tensor dream_image(GradientSource& source, const Tensor& image, const DreamSettings& s,
                   const DreamCallbacks& callbacks) {
  s.validate();
  if (image.rank() != 4 || image.n() != 1 || image.c() != 3)
    throw Error("dream: expected a 1x3xHxW image, got " + shape_string(image.shape()));
  const int64_t min_size = source.min_input_size();
  const OctavePlan plan = plan_octaves(image.h(), image.w(), s.octaves, s.octave_scale, min_size);
  if (plan.truncated && callbacks.on_message)
    callbacks.on_message("note: only " + std::to_string(plan.sizes.size()) + " of " + std::to_string(s.octaves) +
                         " octaves fit: a smaller octave would be under " + std::to_string(min_size) +
                         " pixels, the smallest input the chosen layer accepts");
  std::vector<Tensor> bases = build_octave_bases(image, plan);
  const int levels = static_cast<int>(bases.size());
  Rng rng(s.seed);
  DreamProgress progress;
  progress.octaves = levels;
  progress.iterations = s.iterations;
  progress.total_steps = static_cast<int64_t>(levels) * s.iterations;

  Tensor detail;
  Tensor x;
  for (int octave = 0; octave < levels; ++octave) {
    const Tensor& base = bases[static_cast<size_t>(levels - 1 - octave)];
    if (detail.empty()) {
      x = base.clone();
    } else {
      x = resize_image(detail, base.h(), base.w());
      add(x.numel(), x.data(), base.data(), x.data());
    }
    detail = Tensor();
    progress.octave = octave;
    progress.height = x.h();
    progress.width = x.w();
    for (int it = 0; it < s.iterations; ++it) {
      progress.iteration = it;
      progress.objective = dream_step(source, x, s, rng, progress.step_index);
      if (callbacks.on_step) callbacks.on_step(progress);
      ++progress.step_index;
    }
    if (octave + 1 < levels) {
      detail = Tensor(x.shape());
      for (int64_t i = 0; i < x.numel(); ++i) detail[i] = x[i] - base[i];
    }
  }
  return x;
}

Tensor noise_image(int64_t height, int64_t width, uint64_t seed, const ChannelRange& range, double sigma) {
  if (height < 1 || width < 1) throw Error("noise image size must be at least 1x1");
  Tensor x({1, 3, height, width});
  Rng rng(seed);
  const int64_t plane = height * width;
  for (int64_t c = 0; c < 3; ++c) {
    // Centre of the valid range: the mean colour for a mean-subtracted input.
    const double centre = 0.5 * (range.lo[static_cast<size_t>(c)] + range.hi[static_cast<size_t>(c)]);
    for (int64_t i = 0; i < plane; ++i) x[c * plane + i] = static_cast<float>(centre + sigma * rng.normal());
  }
  clip_to_range(x, range);
  return x;
}

}  // namespace dream
