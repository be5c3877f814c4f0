#pragma once
// Internal to tensor/: the register-blocked tile of the implicit-GEMM direct
// convolution (conv2d_direct.cpp), written once as a template over a SIMD
// primitive struct (simd_*.h) and instantiated per instruction set
// (conv2d_direct_kernels[_avx2|_avx512].cpp).
//
// A tile is R output channels x V vectors of output pixels (each vector:
// `width` consecutive pixels of one output row). Its reduction runs over
// K = Ci * kh * kw taps p, and reads B straight from the (zero-)padded input
// band instead of from an im2col buffer:
//   B(p, vector v) = the `width` floats at x + voff[v] + koff[p]
// (the driver lays the band out so every tap of every vector is one
// contiguous run, see conv2d_direct.cpp), and A from the weights packed (per
// call, or once in a Conv2dWeightCache) in panels of MR rows: A(i, p) = a[p * MR + i].
//   out[i * ldo + ooff[v] + j] = bias[i] (or 0) + sum_p A(i, p) * B(p, v)[j],
// for j < valid[v] (the rest of a vector is computed and dropped).
#include <cstdint>
#include <utility>

#include "tensor/cpu_features.h"

namespace dream {
namespace direct_detail {

struct DirectTileArgs {
  const float* x;       // input band base
  const int32_t* koff;  // k offsets into x, one per tap
  int64_t k;            // taps
  const float* a;       // packed A panel, MR floats per tap
  const int64_t* voff;  // V input offsets (relative to x)
  const int64_t* ooff;  // V output offsets (relative to out)
  const int* valid;     // V counts of pixels to store (<= width)
  float* out;           // output channel 0 of the panel
  int64_t ldo;          // floats between output channels
  const float* bias;    // R per-channel biases, or null
};

using DirectTileFn = void (*)(const DirectTileArgs& t);

constexpr int kMaxTileRows = 8;
constexpr int kMaxTileVectors = 8;

struct DirectKernels {
  // [r][v]: tile of r rows (1..mr) and v vectors (1..nv).
  DirectTileFn by_tile[kMaxTileRows + 1][kMaxTileVectors + 1];
  int mr, nv;
};

// Per SIMD level: `wide` for many output channels (forward, stride-1
// backward), `narrow` (mr = 3, many vectors) for few: conv1's backward to
// its 3 input channels.
struct DirectKernelSet {
  DirectKernels wide, narrow;
  int width;  // floats per vector
  const char* name;
};

const DirectKernelSet& direct_kernels_for(SimdLevel level);
const DirectKernelSet& direct_kernels_scalar();
const DirectKernelSet& direct_kernels_avx2();
const DirectKernelSet& direct_kernels_avx512();
const DirectKernelSet& direct_kernels_neon();

// R rows, V vectors, of a panel packed MR rows per tap.
template <class S, int R, int V, int MR>
void direct_tile(const DirectTileArgs& t) {
  using Vec = typename S::V;
  constexpr int W = S::width;
  Vec acc[R][V];
#pragma GCC unroll 8
  for (int i = 0; i < R; ++i) {
    const Vec b0 = t.bias ? S::broadcast(t.bias[i]) : S::zero();
#pragma GCC unroll 8
    for (int v = 0; v < V; ++v) acc[i][v] = b0;
  }
  const float* xv[V];
#pragma GCC unroll 8
  for (int v = 0; v < V; ++v) xv[v] = t.x + t.voff[v];
  const float* a = t.a;
  const int32_t* koff = t.koff;
  for (int64_t p = 0; p < t.k; ++p) {
    const int64_t off = koff[p];
    Vec bv[V];
#pragma GCC unroll 8
    for (int v = 0; v < V; ++v) bv[v] = S::load(xv[v] + off);
#pragma GCC unroll 8
    for (int i = 0; i < R; ++i) {
      const Vec ai = S::broadcast(a[i]);
#pragma GCC unroll 8
      for (int v = 0; v < V; ++v) acc[i][v] = S::fma(ai, bv[v], acc[i][v]);
    }
    a += MR;
  }
#pragma GCC unroll 8
  for (int v = 0; v < V; ++v) {
    if (t.valid[v] == W) {
#pragma GCC unroll 8
      for (int i = 0; i < R; ++i) S::store(t.out + i * t.ldo + t.ooff[v], acc[i][v]);
    } else {
      // Unrolled like every loop over acc: indexing it with a run-time i
      // would make GCC keep an accumulator in memory for the whole k loop.
      float spill[W];
#pragma GCC unroll 8
      for (int i = 0; i < R; ++i) {
        S::store(spill, acc[i][v]);
        float* o = t.out + i * t.ldo + t.ooff[v];
        for (int j = 0; j < t.valid[v]; ++j) o[j] = spill[j];
      }
    }
  }
}

template <class S, int MR, int R, int... V>
void fill_direct_row(DirectTileFn* row, std::integer_sequence<int, V...>) {
  ((row[V + 1] = &direct_tile<S, R, V + 1, MR>), ...);
}

template <class S, int MR, int NV, int... R>
void fill_direct_table(DirectKernels& k, std::integer_sequence<int, R...>) {
  (fill_direct_row<S, MR, R + 1>(k.by_tile[R + 1], std::make_integer_sequence<int, NV>{}), ...);
}

template <class S, int MR, int NV>
DirectKernels make_direct_kernels() {
  static_assert(MR <= kMaxTileRows && NV <= kMaxTileVectors, "tile larger than DirectKernels::by_tile");
  DirectKernels k{};
  fill_direct_table<S, MR, NV>(k, std::make_integer_sequence<int, MR>{});
  k.mr = MR;
  k.nv = NV;
  return k;
}

// Wide tile MR x NV, narrow tile 3 x NARROW_NV.
template <class S, int MR, int NV, int NARROW_NV>
DirectKernelSet make_direct_kernel_set(const char* name) {
  return DirectKernelSet{make_direct_kernels<S, MR, NV>(), make_direct_kernels<S, 3, NARROW_NV>(), S::width, name};
}

}  // namespace direct_detail
}  // namespace dream
