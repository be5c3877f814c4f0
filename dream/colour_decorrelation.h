#pragma once
// Lucid's colour decorrelation: the Fourier parameterisation optimises
// colours in a decorrelated space (each channel an independent direction of
// ImageNet's colour statistics) and maps them to RGB with the square root of
// ImageNet's colour correlation matrix, so a step in one channel does not
// mostly change brightness.
//
//   rgb[c] = sum_d M[c][d] * decorrelated[d]      at every pixel
//
// M = Lucid's color_correlation_svd_sqrt divided by its largest column norm
// (Lucid: "_linear_decorelate_color", t_flat @ M^T). Rows and columns are in
// RGB order.
#include <array>

#include "tensor/tensor.h"

namespace dream {

using ColourMatrix = std::array<std::array<double, 3>, 3>;

// [[0.26, 0.09, 0.02], [0.27, 0.00, -0.05], [0.27, -0.09, 0.03]] / max_j ||column j||.
ColourMatrix colour_correlation_normalised();

// 1x3xHxW -> 1x3xHxW: out[c] = sum_d M[c][d] in[d] (the forward map above).
Tensor correlate_colours(const Tensor& decorrelated);
// Its adjoint: in_grad[d] = sum_c M[c][d] out_grad[c] (multiply by M^T).
Tensor correlate_colours_adjoint(const Tensor& rgb_grad);

}  // namespace dream
