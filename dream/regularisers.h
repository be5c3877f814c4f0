#pragma once
// Priors that prefer natural-image statistics, for feature visualisation
// (dreaming from noise). Their weights are relative to the normalised
// objective gradient (mean |g| = 1), so they mean the same for every layer.
#include <cstdint>

#include "tensor/tensor.h"

namespace dream {

// Anisotropic total variation of each plane of an NCHW tensor:
//   TV(x) = sum |x[y][x+1] - x[y][x]| + sum |x[y+1][x] - x[y][x]|
double total_variation(const Tensor& x);
// d TV / dx (sign of each difference, pushed to both ends; 0 at ties).
Tensor total_variation_gradient(const Tensor& x);

struct Regularisers {
  double tv_weight = 0.0;   // direction -= tv_weight * dTV/dx
  double l2_weight = 0.0;   // direction -= l2_weight * x / 128 (x in 0..255 pixel units minus mean)
  int blur_every = 0;       // blur the image every k steps (0 = never)
  float blur_sigma = 0.5f;  // pixels
  bool any_gradient_term() const { return tv_weight != 0.0 || l2_weight != 0.0; }
};

// direction += the regularisers' (negative) gradients at x.
void add_regulariser_gradients(const Regularisers& r, const Tensor& x, Tensor& direction);
// Gaussian blur of the image in place (sigma in pixels).
void blur_image(Tensor& x, float sigma);

}  // namespace dream
