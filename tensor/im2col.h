#pragma once
// im2col / col2im for one image, restricted to a band of output rows so the
// column buffer stays bounded however large the image is.
//
// The column matrix of output rows [oy_begin, oy_end) has
//   K = Ci*kh*kw rows, indexed (ci*kh + ky)*kw + kx (the layout of a weight row),
//   (oy_end - oy_begin)*Wo columns, indexed (oy - oy_begin)*Wo + ox,
// and holds the input pixel that tap (ky, kx) of output pixel (oy, ox) reads,
// or 0 where that tap falls in the padding. Then a convolution of the band is
//   out[Co x band] = W[Co x K] * col[K x band].
#include <cstdint>

#include "tensor/conv2d.h"

namespace dream {

// image: (Ci, H, W) of one batch item. col: K x ((oy_end-oy_begin)*Wo), dense.
void im2col_rows(const Conv2dParams& p, const float* image, int64_t oy_begin, int64_t oy_end, float* col);

// The adjoint of im2col_rows: adds every column entry back into the input
// pixel it was read from (taps in the padding are dropped). image: (Ci, H, W)
// is accumulated into, not overwritten.
void col2im_rows_add(const Conv2dParams& p, const float* col, int64_t oy_begin, int64_t oy_end, float* image);

// Plain-loop versions of the two, for the tests.
void im2col_rows_ref(const Conv2dParams& p, const float* image, int64_t oy_begin, int64_t oy_end, float* col);
void col2im_rows_add_ref(const Conv2dParams& p, const float* col, int64_t oy_begin, int64_t oy_end, float* image);

}  // namespace dream
