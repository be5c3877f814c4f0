#pragma once
// Internal to tensor/: the tile transforms of Winograd F(4x4, 3x3) (Lavin &
// Gray 2015), written once as plain loops over a row of tiles and compiled
// per instruction set (conv2d_winograd_kernels[_avx2|_avx512].cpp), where
// the compiler vectorises the loops across tiles. conv2d_winograd.cpp calls
// them through WinogradKernels.
//
// One output tile is 4x4 pixels computed from a 6x6 input patch:
//   Y (4x4) = A^T [ (G g G^T) .* (B^T d B) ] A,
//   g: 3x3 filter, d: 6x6 input patch, G: 6x3, B^T: 6x6, A^T: 4x6 (below).
// The element-wise product summed over input channels is 36 independent
// GEMMs, one per position xi = 6*i + j of the 6x6 transformed tile.
//
// Layouts (a "row of tiles" = tiles_w tiles side by side, tile tx covering
// output columns [4*tx, 4*tx+4) and input columns [4*tx - pad_left, +6)):
//   transformed input  v[xi * v_stride + ...]  (36 planes, each packed as the
//                      GEMM micro-kernel's B panels, see input_row)
//   GEMM output        m[xi * m_stride + tx]   (36 planes of tiles_w floats)
#include <cstdint>

#include "tensor/cpu_features.h"

namespace dream {
namespace winograd_detail {

constexpr int kTile = 4;     // output tile side: F(4x4, 3x3)
constexpr int kPatch = 6;    // input patch side = kTile + 3 - 1
constexpr int kPoints = 36;  // kPatch * kPatch transformed positions = GEMMs

// Floats of scratch the two row transforms need for tiles_w tiles.
inline int64_t transform_scratch_floats(int64_t tiles_w) { return (kPatch * 4 + 8) * (tiles_w + 1); }

struct WinogradKernels {
  // Transformed input of one row of tiles of one channel:
  //   plane: (h, w) channel image; y0 = first input row of the patches
  //   (4*ty - pad_top, may be negative), x0 = -pad_left; pixels outside
  //   the plane read as 0. Tile tx is column t = t0 + tx of the band, stored
  //   in GEMM-packed panels of nr columns:
  //   v[xi * v_stride + (t / nr) * panel_stride + t % nr].
  void (*input_row)(const float* plane, int64_t h, int64_t w, int64_t y0, int64_t x0, int64_t tiles_w, float* v,
                    int64_t v_stride, int64_t t0, int64_t nr, int64_t panel_stride, float* scratch);
  // Output rows [y0, y0+4) ∩ [0, h) of one channel from the GEMM output of
  // a row of tiles_w tiles, plus bias: row y starts at out + y * row_stride
  // (out: the plane, offset to the first tile's column); columns from
  // `width` on and rows from h on are dropped.
  void (*output_row)(const float* m, int64_t m_stride, int64_t tiles_w, float bias, float* out, int64_t h,
                     int64_t row_stride, int64_t width, int64_t y0, float* scratch);
  // Transformed filters U[xi] = G g G^T of one GEMM A panel: output
  // channels o0 .. o0 + rows - 1 (rows <= mr) by all c_in inputs, written
  // packed as u[xi * u_stride + i * mr + r] for o = o0 + r, with the rows
  // from `rows` to mr zero. Filter (o, i) has tap k (row-major 3x3) at
  // w[(o * c_in + i) * 9 + k], or, rotated by 180 degrees with w read as
  // (c_in, c_out, 3, 3), at w[(i * c_out + o) * 9 + 8 - k].
  void (*filter_panel)(const float* w, int64_t c_out, int64_t c_in, bool rotated, int64_t o0, int rows, int mr,
                       float* u, int64_t u_stride);
  const char* name;
};

const WinogradKernels& winograd_kernels_for(SimdLevel level);
const WinogradKernels& winograd_kernels_portable();
const WinogradKernels& winograd_kernels_avx2();
const WinogradKernels& winograd_kernels_avx512();

// ---- the transforms, instantiated per ISA by a tag type -------------------

// B^T (6x6) applied to a column of six vectors of n floats: o_i = sum_k B^T[i][k] d_k.
//   B^T = [ 4  0 -5  0  1  0 ]
//         [ 0 -4 -4  1  1  0 ]
//         [ 0  4 -4 -1  1  0 ]
//         [ 0 -2 -1  2  1  0 ]
//         [ 0  2 -1 -2  1  0 ]
//         [ 0  4  0 -5  0  1 ]
template <class Isa>
void apply_bt(const float* __restrict d0, const float* __restrict d1, const float* __restrict d2,
              const float* __restrict d3, const float* __restrict d4, const float* __restrict d5, float* __restrict o0,
              float* __restrict o1, float* __restrict o2, float* __restrict o3, float* __restrict o4,
              float* __restrict o5, int64_t n) {
  for (int64_t t = 0; t < n; ++t) {
    const float a = d4[t] - 4.0f * d2[t];  // shared by rows 1 and 2
    const float b = d3[t] - 4.0f * d1[t];
    const float c = d4[t] - d2[t];  // shared by rows 3 and 4
    const float e = 2.0f * (d3[t] - d1[t]);
    o0[t] = 4.0f * d0[t] - 5.0f * d2[t] + d4[t];
    o1[t] = a + b;
    o2[t] = a - b;
    o3[t] = c + e;
    o4[t] = c - e;
    o5[t] = 4.0f * d1[t] - 5.0f * d3[t] + d5[t];
  }
}

// A^T (4x6) applied to six vectors of n floats: o_a = sum_i A^T[a][i] m_i.
//   A^T = [ 1  1  1  1  1  0 ]
//         [ 0  1 -1  2 -2  0 ]
//         [ 0  1  1  4  4  0 ]
//         [ 0  1 -1  8 -8  1 ]
template <class Isa>
void apply_at(const float* __restrict m0, const float* __restrict m1, const float* __restrict m2,
              const float* __restrict m3, const float* __restrict m4, const float* __restrict m5, float* __restrict o0,
              float* __restrict o1, float* __restrict o2, float* __restrict o3, float bias, int64_t n) {
  for (int64_t t = 0; t < n; ++t) {
    const float s12 = m1[t] + m2[t], d12 = m1[t] - m2[t];
    const float s34 = m3[t] + m4[t], d34 = m3[t] - m4[t];
    o0[t] = m0[t] + s12 + s34 + bias;
    o1[t] = d12 + 2.0f * d34 + bias;
    o2[t] = s12 + 4.0f * s34 + bias;
    o3[t] = d12 + 8.0f * d34 + m5[t] + bias;
  }
}

// dst[q * len + t] = src[4 * t + q], t < len, q < 4: a row split by column
// mod 4 (a grouped access the compiler vectorises with permutes).
inline void deinterleave4(const float* __restrict src, int64_t len, float* __restrict dst) {
  for (int64_t t = 0; t < len; ++t)
    for (int q = 0; q < 4; ++q) dst[q * len + t] = src[4 * t + q];
}

template <class Isa>
void input_row(const float* plane, int64_t h, int64_t w, int64_t y0, int64_t x0, int64_t tiles_w, float* v,
               int64_t v_stride, int64_t t0, int64_t nr, int64_t panel_stride, float* scratch) {
  // Vertical pass first, over whole rows (contiguous): rows[i][bx] =
  // sum_r B^T[i][r] * pixel(y0 + r, x0 + bx), bx < 4 * len, zero outside the
  // image. Then per row i, split by column mod 4 so tap k of tile t is
  // phase[k % 4][t + k / 4], and the horizontal pass is contiguous too.
  const int64_t len = tiles_w + 1, width = 4 * len;
  float* rows = scratch;                                   // 6 x width
  float* phase = rows + kPatch * width;                    // 4 x len
  float* zeros = phase + 4 * len;                          // width: stands in for rows outside the image
  const int64_t bx_begin = x0 < 0 ? -x0 : 0;               // first buffer column inside the image
  const int64_t bx_end = w - x0 < width ? w - x0 : width;  // one past the last
  const int64_t n = bx_end > bx_begin ? bx_end - bx_begin : 0;
  for (int64_t i = 0; i < width; ++i) zeros[i] = 0.0f;
  const float* src[kPatch];
  for (int r = 0; r < kPatch; ++r) {
    const int64_t y = y0 + r;
    src[r] = (y >= 0 && y < h) ? plane + y * w + x0 + bx_begin : zeros;
  }
  for (int i = 0; i < kPatch; ++i) {
    float* row = rows + i * width;
    for (int64_t bx = 0; bx < bx_begin; ++bx) row[bx] = 0.0f;
    for (int64_t bx = bx_begin + n; bx < width; ++bx) row[bx] = 0.0f;
  }
  float* o = rows + bx_begin;
  apply_bt<Isa>(src[0], src[1], src[2], src[3], src[4], src[5], o, o + width, o + 2 * width, o + 3 * width,
                o + 4 * width, o + 5 * width, n);
  for (int i = 0; i < kPatch; ++i) {
    deinterleave4(rows + i * width, len, phase);
    // One run of tiles per GEMM panel they fall in.
    for (int64_t tx = 0; tx < tiles_w;) {
      const int64_t t = t0 + tx, in_panel = t % nr;
      const int64_t run = nr - in_panel < tiles_w - tx ? nr - in_panel : tiles_w - tx;
      const float* p = phase + tx;
      float* out = v + kPatch * i * v_stride + (t / nr) * panel_stride + in_panel;  // xi = 6 * i + j
      apply_bt<Isa>(p, p + len, p + 2 * len, p + 3 * len, p + 1, p + len + 1, out, out + v_stride, out + 2 * v_stride,
                    out + 3 * v_stride, out + 4 * v_stride, out + 5 * v_stride, run);
      tx += run;
    }
  }
}

template <class Isa>
void output_row(const float* m, int64_t m_stride, int64_t tiles_w, float bias, float* out, int64_t h,
                int64_t row_stride, int64_t width, int64_t y0, float* scratch) {
  // Vertical pass over the six rows i of the tiles (contiguous over tiles),
  // then per output row a the horizontal pass into four column phases,
  // interleaved into the image row.
  const int64_t len = tiles_w + 1;
  float* cols = scratch;                      // 4 (a) x 6 (j) x len
  float* phase = scratch + 4 * kPatch * len;  // 4 (b) x len
  for (int j = 0; j < kPatch; ++j) {
    const float* mj = m + j * m_stride;
    const int64_t ms = kPatch * m_stride;
    float* o = cols + j * len;
    const int64_t os = kPatch * len;
    apply_at<Isa>(mj, mj + ms, mj + 2 * ms, mj + 3 * ms, mj + 4 * ms, mj + 5 * ms, o, o + os, o + 2 * os, o + 3 * os,
                  0.0f, tiles_w);
  }
  const int64_t full = width / 4;  // tiles wholly inside the row
  for (int a = 0; a < kTile && y0 + a < h; ++a) {
    const float* c = cols + a * kPatch * len;
    apply_at<Isa>(c, c + len, c + 2 * len, c + 3 * len, c + 4 * len, c + 5 * len, phase, phase + len, phase + 2 * len,
                  phase + 3 * len, bias, tiles_w);
    float* __restrict dst = out + (y0 + a) * row_stride;
    for (int64_t t = 0; t < full; ++t)
      for (int q = 0; q < 4; ++q) dst[4 * t + q] = phase[q * len + t];
    for (int64_t x = 4 * full; x < width; ++x) dst[x] = phase[(x & 3) * len + (x >> 2)];
  }
}

// G (6x3) applied to n columns (a, b, c) of filters, o_r = sum_k G[r][k] (a, b, c)_k:
//   G = [  1/4     0     0  ]
//       [ -1/6  -1/6  -1/6  ]
//       [ -1/6   1/6  -1/6  ]
//       [ 1/24  1/12   1/6  ]
//       [ 1/24 -1/12   1/6  ]
//       [    0     0     1  ]
// Output row r at o[r * o_stride].
template <class Isa>
void apply_g(const float* __restrict a, const float* __restrict b, const float* __restrict c, float* __restrict o,
             int64_t o_stride, int64_t n) {
  for (int64_t t = 0; t < n; ++t) {
    const float ac = a[t] + c[t];
    const float p = a[t] * (1.0f / 24) + c[t] * (1.0f / 6);
    o[t] = a[t] * 0.25f;
    o[o_stride + t] = -(ac + b[t]) * (1.0f / 6);
    o[2 * o_stride + t] = -(ac - b[t]) * (1.0f / 6);
    o[3 * o_stride + t] = p + b[t] * (1.0f / 12);
    o[4 * o_stride + t] = p - b[t] * (1.0f / 12);
    o[5 * o_stride + t] = c[t];
  }
}

template <class Isa>
void filter_panel(const float* w, int64_t c_out, int64_t c_in, bool rotated, int64_t o0, int rows, int mr, float* u,
                  int64_t u_stride) {
  // The panel's filters in output order f = i * mr + r, in chunks of 16:
  // taps gathered tap-major first so both products with G are vector loops
  // across filters, every loop over the whole chunk (a fixed trip count the
  // compiler vectorises fully; 12-filter loops stayed scalar) and the
  // results stored as whole vectors (the chunk is contiguous in u).
  constexpr int64_t kChunk = 16;
  float tap[9][kChunk];
  float gg[3][6][kChunk];  // G g: [column c][row r][filter]
  float out[kPoints][kChunk];
  const int64_t count = c_in * mr;
  for (int64_t f0 = 0; f0 < count; f0 += kChunk) {
    const int64_t n = count - f0 < kChunk ? count - f0 : kChunk;
    int64_t i = f0 / mr, r = f0 % mr;
    for (int64_t j = 0; j < kChunk; ++j) {
      if (j < n && r < rows) {
        const int64_t o = o0 + r;
        const float* f = rotated ? w + (i * c_out + o) * 9 : w + (o * c_in + i) * 9;
        for (int k = 0; k < 9; ++k) tap[k][j] = f[rotated ? 8 - k : k];
      } else {
        for (int k = 0; k < 9; ++k) tap[k][j] = 0.0f;  // past the chunk's end or c_out: zero rows
      }
      if (++r == mr) r = 0, ++i;
    }
    for (int c = 0; c < 3; ++c) apply_g<Isa>(tap[c], tap[3 + c], tap[6 + c], gg[c][0], kChunk, kChunk);
    // (G g) G^T: row r of G g times G^T gives out[6r + j], j = 0..5.
    for (int row = 0; row < 6; ++row) apply_g<Isa>(gg[0][row], gg[1][row], gg[2][row], out[6 * row], kChunk, kChunk);
    for (int xi = 0; xi < kPoints; ++xi) {
      float* dst = u + xi * u_stride + f0;
      if (n == kChunk) {
        for (int64_t j = 0; j < kChunk; ++j) dst[j] = out[xi][j];
      } else {
        for (int64_t j = 0; j < n; ++j) dst[j] = out[xi][j];
      }
    }
  }
}

template <class Isa>
WinogradKernels make_winograd_kernels(const char* name) {
  return WinogradKernels{&input_row<Isa>, &output_row<Isa>, &filter_panel<Isa>, name};
}

}  // namespace winograd_detail
}  // namespace dream
