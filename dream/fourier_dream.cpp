#include "dream/fourier_dream.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "dream/jitter.h"
#include "dream/laplacian_normalise.h"
#include "tensor/elementwise.h"
#include "tensor/roll.h"

namespace dream {

void FourierSettings::validate() const {
  if (!(learning_rate > 0.0 && learning_rate <= 10.0))
    throw Error("--fft-lr must be in (0, 10], got " + std::to_string(learning_rate));
  if (!(decay_power >= 0.0 && decay_power <= 4.0))
    throw Error("Fourier decay power must be 0..4, got " + std::to_string(decay_power));
  if (!(init_sd >= 0.0 && init_sd <= 10.0))
    throw Error("Fourier initial sd must be 0..10, got " + std::to_string(init_sd));
}

Tensor initial_spectrum(const FourierParam& param, const DreamSettings& s, const FourierSettings& f) {
  // Its own stream of the seed: the jitter draws (Rng(s.seed)) stay those
  // of a pixel run with the same seed.
  return param.random_spectrum(mix_seed(s.seed, 0xF0F7), f.init_sd);
}

double fourier_step(GradientSource& source, const FourierParam& param, Tensor& spectrum, AdamAscent& adam,
                    const DreamSettings& s, Rng& rng) {
  const FourierParam::Image image = param.image(spectrum);
  // The same roll as the pixel path (dreamer.cpp): jitter, plus a random
  // tile offset when the image needs several tiles, so seams move.
  Shift shift = random_shift(rng, s.jitter);
  if (image.network.h() > s.tile || image.network.w() > s.tile) {
    shift.dy += rng.uniform_int(0, s.tile - 1);
    shift.dx += rng.uniform_int(0, s.tile - 1);
  }
  const Tensor rolled = roll_image(image.network, shift);
  Tensor g;
  const double objective = transformed_objective_and_gradient(source, rolled, s.transforms, s.tile, rng, g);
  check_same_shape(g, rolled, "gradient from the objective");
  // Normalised as the pixel path does, so the regulariser weights mean the
  // same there and here (Adam itself would not need it).
  if (s.laplacian_normalisation) {
    g = laplacian_normalise(g, s.laplacian_levels);
  } else {
    const double mean_abs = sum_abs(g.numel(), g.data()) / static_cast<double>(g.numel());
    if (mean_abs > 0.0) scale(g.numel(), static_cast<float>(1.0 / mean_abs), g.data(), g.data());
  }
  if (s.regularisers.any_gradient_term()) add_regulariser_gradients(s.regularisers, rolled, g);
  // Rolling is a permutation: its adjoint is the inverse roll.
  const Tensor g_image = roll_image(g, inverse(shift));
  adam.step(spectrum, param.gradient(image, g_image));
  return objective;
}

Tensor dream_fourier(GradientSource& source, int64_t height, int64_t width, const DreamSettings& s,
                     const FourierSettings& f, const PixelTransform& transform, const DreamCallbacks& callbacks) {
  s.validate();
  f.validate();
  if (s.regularisers.blur_every > 0)
    throw Error("--blur-every edits pixels, which --param fft cannot: its image is made from a spectrum");
  const int64_t min_size = source.min_input_size();
  if (std::min(height, width) < min_size)
    throw Error("--param fft: the image is " + std::to_string(width) + "x" + std::to_string(height) +
                ", smaller than the " + std::to_string(min_size) + " pixels the chosen layer needs");
  const FourierParam param(height, width, f.decay_power, transform);
  Tensor spectrum = initial_spectrum(param, s, f);
  AdamAscent adam(f.learning_rate);
  Rng rng(s.seed);
  DreamProgress progress;
  progress.octaves = 1;
  progress.iterations = s.iterations;
  progress.total_steps = s.iterations;
  progress.height = height;
  progress.width = width;
  for (int it = 0; it < s.iterations; ++it) {
    progress.iteration = it;
    progress.step_index = it;
    progress.objective = fourier_step(source, param, spectrum, adam, s, rng);
    if (callbacks.on_step) callbacks.on_step(progress);
  }
  return param.image(spectrum).network;
}

}  // namespace dream
