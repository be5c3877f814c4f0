#pragma once
// Feature visualisation through the Fourier parameterisation (`dream --param
// fft`), Lucid's recipe: start from a small random spectrum and, each step,
//
//   image = param(spectrum)                         (fourier_param.h)
//   roll the image by a random shift (jitter, plus a tile offset when tiled)
//   g = d objective / d image                       (robustness transforms, tiles:
//                                                    the pixel path's machinery)
//   g = normalise(g) + regulariser terms; roll g back
//   spectrum += Adam(param.gradient(image, g))      (adam.h, lr 0.05 by default)
//
// Octaves: Lucid optimises at one scale, and a spectrum already holds every
// scale at once, so this runs `iterations` steps at the requested size only
// (settings.octaves and octave_scale are not used). The sigmoid keeps every
// pixel inside the valid range, so there is no clipping; blur_every would
// edit pixels the spectrum cannot represent, so it is rejected.
#include <cstdint>

#include "dream/adam.h"
#include "dream/dreamer.h"
#include "dream/fourier_param.h"

namespace dream {

struct FourierSettings {
  double learning_rate = 0.05;  // Adam step (Lucid's default)
  double decay_power = 1.0;     // spectrum scale 1 / |f|^decay_power
  double init_sd = 0.01;        // initial spectrum N(0, sd^2)
  void validate() const;        // throws dream::Error naming the setting
};

// The random spectrum a run starts from (seeded by s.seed, sd f.init_sd).
Tensor initial_spectrum(const FourierParam& param, const DreamSettings& s, const FourierSettings& f);

// One step on `spectrum` in place; returns the objective before the step.
double fourier_step(GradientSource& source, const FourierParam& param, Tensor& spectrum, AdamAscent& adam,
                    const DreamSettings& s, Rng& rng);

// The whole run: a height x width image (network space, 1x3xHxW) dreamed
// from a random spectrum seeded by s.seed. Progress reports one octave.
Tensor dream_fourier(GradientSource& source, int64_t height, int64_t width, const DreamSettings& s,
                     const FourierSettings& f, const PixelTransform& transform = caffe_googlenet_transform(),
                     const DreamCallbacks& callbacks = {});

}  // namespace dream
