#pragma once
// Laplacian-pyramid gradient normalisation (the TensorFlow DeepDream
// notebook's lap_normalize): split the gradient into frequency bands, scale
// every band to unit RMS, merge. Low frequencies, which a plain gradient
// barely contains, then get as much weight as high ones -- smoother, larger
// structures when dreaming from noise.
//
// Bands use the 5x5 binomial kernel k = outer([1,4,6,4,1])/256 per plane:
//   down(x) = conv(x, k), stride 2, zero "SAME" padding (TF's convention:
//             out = ceil(n/2), pad_before = floor(total/2))
//   up(y)   = 4 * adjoint of down, to the finer level's size
//   split:  lo = down(x), hi = x - up(lo);   merge: x = up(lo) + hi
// so merge(split(x)) == x exactly (up to float rounding).
#include <vector>

#include "tensor/tensor.h"

namespace dream {

// levels[0] is the coarsest (the remaining low-pass), then band-pass levels
// from coarse to fine (the notebook's order). levels.size() == n + 1.
std::vector<Tensor> laplacian_split(const Tensor& x, int n);
Tensor laplacian_merge(const std::vector<Tensor>& levels);

// split into n bands (+ low-pass), each / max(rms, eps), merge.
Tensor laplacian_normalise(const Tensor& g, int n = 4, double eps = 1e-10);

// The two resampling halves, exposed for tests. x: NxCxHxW.
Tensor binomial_downsample(const Tensor& x);
Tensor binomial_upsample(const Tensor& y, int64_t height, int64_t width);

}  // namespace dream
