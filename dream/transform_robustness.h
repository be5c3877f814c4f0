#pragma once
// Transformation robustness (Lucid): before each gradient evaluation the
// image is padded, randomly cropped (jitter), randomly scaled and randomly
// rotated; the gradient is taken through these transforms (each has an exact
// adjoint here), so the features found must survive small geometric changes
// -- far fewer high-frequency artefacts when dreaming from noise.
//
// Order as Lucid's standard_transforms: pad -> jitter -> scale -> rotate.
// Padding uses 0 in network space (the mean colour).
#include <cstdint>

#include "dream/gradient_source.h"
#include "dream/rng.h"

namespace dream {

struct TransformRobustness {
  int64_t pad = 0;              // pixels of mean colour on every side
  int64_t jitter = 0;           // random crop of up to this many pixels (per axis)
  double scale_jitter = 0.0;    // random scale in [1 - s, 1 + s]
  double rotate_degrees = 0.0;  // random rotation in [-d, d] degrees
  bool any() const { return pad > 0 || jitter > 0 || scale_jitter > 0.0 || rotate_degrees > 0.0; }
};

// NCHW: zero border of `pad` pixels; its adjoint crops it off.
Tensor pad_image(const Tensor& x, int64_t pad);
// Crop of size h x w at (y0, x0); its adjoint embeds into zeros of size H x W.
Tensor crop_image(const Tensor& x, int64_t y0, int64_t x0, int64_t h, int64_t w);
Tensor embed_image(const Tensor& g, int64_t y0, int64_t x0, int64_t height, int64_t width);
// Rotation by `radians` about the centre, bilinear, zero outside; and its adjoint.
Tensor rotate_image(const Tensor& x, double radians);
Tensor rotate_image_adjoint(const Tensor& g, double radians);

// The objective and gradient (w.r.t. x) of source(transform(x)) for one
// random draw of the transforms; the transformed image is evaluated tile by
// tile (see tiled_gradient.h). Draws are skipped that would make the image
// smaller than the source's minimum input size.
double transformed_objective_and_gradient(GradientSource& source, const Tensor& x, const TransformRobustness& t,
                                          int64_t tile, Rng& rng, Tensor& grad);

}  // namespace dream
