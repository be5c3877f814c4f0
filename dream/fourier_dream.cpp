#include "dream/fourier_dream.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "dream/jitter.h"

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
  // The pixel path's roll and normalised gradient (dreamer.h), so the
  // regulariser weights mean the same there and here (Adam itself would not
  // need the normalisation).
  const Shift shift = random_step_roll(rng, image.network.h(), image.network.w(), s);
  const Tensor rolled = roll_image(image.network, shift);
  Tensor g;
  const double objective = normalised_gradient(source, rolled, s, rng, g);
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
