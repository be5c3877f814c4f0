#pragma once
// Internal to tensor/: the register-blocked GEMM micro-kernel, written once
// as a template over a SIMD primitive struct (simd_*.h) and instantiated in
// one file per instruction set (gemm_kernel_<isa>.cpp, compiled with that
// set enabled). gemm_blocked.cpp packs panels and calls it through
// MicroKernel, so only the kernel itself needs the ISA flags.
//
// Packed layouts (kc = depth of the current K block):
//   A micro-panel: kc x MR floats, element (i, p) at a[p * MR + i]
//   B micro-panel: kc x NR floats, element (p, j) at b[p * NR + j]
// Rows/columns past the matrix edge are packed as zeros. Columns: the kernel
// computes all NR and only the store is trimmed to n. Rows: each ISA has one
// kernel per row count 1..MR (same template), so a bottom edge tile of r rows
// runs the r-row kernel instead of wasting MR - r rows of FMAs (GoogLeNet's
// channel counts, 16, 32, 48, 64, ..., rarely divide the tile height).
#include <cstdint>
#include <utility>

#include "tensor/cpu_features.h"

namespace dream {
namespace gemm_detail {

// c (m x n valid of an MR x NR tile, row stride ldc)
//   = alpha * A_panel * B_panel + beta * c;  beta == 0: c is not read.
using MicroKernelFn = void (*)(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, float alpha,
                               float beta, int m, int n);

constexpr int kMaxMicroRows = 16;

struct MicroKernel {
  MicroKernelFn by_rows[kMaxMicroRows + 1];  // [r]: kernel for an r-row tile (r = 1..mr), A stride mr
  int mr, nr;                                // register tile
  int mc, kc, nc;  // cache blocks: A block mc x kc (L2), B micro-panel kc x nr (L1), B block kc x nc
  const char* name;
};

// The kernel for a SIMD level; defined in gemm_kernel_<isa>.cpp. Asking for a
// level not compiled into this binary returns the scalar kernel.
const MicroKernel& micro_kernel_for(SimdLevel level);
const MicroKernel& micro_kernel_scalar();
const MicroKernel& micro_kernel_avx2();
const MicroKernel& micro_kernel_avx512();
const MicroKernel& micro_kernel_neon();

// S: one of the simd:: structs; tile MR x (NV * S::width); A_STRIDE: rows
// in the packed A micro-panel (>= MR: the edge kernels read full panels).
template <class S, int MR, int NV, int A_STRIDE = MR>
void micro_kernel(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, float alpha, float beta, int m,
                  int n) {
  using V = typename S::V;
  constexpr int W = S::width;
  constexpr int NR = NV * W;
  V acc[MR][NV];
#pragma GCC unroll 32
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) acc[i][v] = S::zero();

  for (int64_t p = 0; p < kc; ++p) {
    V bv[NV];
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) bv[v] = S::load(b + v * W);
#pragma GCC unroll 32
    for (int i = 0; i < MR; ++i) {
      const V ai = S::broadcast(a[i]);
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) acc[i][v] = S::fma(ai, bv[v], acc[i][v]);
    }
    a += A_STRIDE;
    b += NR;
  }

  const V valpha = S::broadcast(alpha);
  if (m == MR && n == NR) {
    if (beta == 0.0f) {
#pragma GCC unroll 32
      for (int i = 0; i < MR; ++i)
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) S::store(c + i * ldc + v * W, S::mul(valpha, acc[i][v]));
    } else {
      const V vbeta = S::broadcast(beta);
#pragma GCC unroll 32
      for (int i = 0; i < MR; ++i)
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) {
          float* cp = c + i * ldc + v * W;
          S::store(cp, S::fma(valpha, acc[i][v], S::mul(vbeta, S::load(cp))));
        }
    }
    return;
  }
  // Edge tile: spill to a local tile, then update only the valid m x n part.
  float tile[MR * NR];
  for (int i = 0; i < MR; ++i)
    for (int v = 0; v < NV; ++v) S::store(tile + i * NR + v * W, S::mul(valpha, acc[i][v]));
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      float& cij = c[i * ldc + j];
      cij = beta == 0.0f ? tile[i * NR + j] : tile[i * NR + j] + beta * cij;
    }
}

template <class S, int MR, int NV, int... R>
MicroKernel make_micro_kernel_impl(std::integer_sequence<int, R...>, int mc, int kc, int nc, const char* name) {
  static_assert(MR <= kMaxMicroRows, "micro-tile taller than MicroKernel::by_rows");
  return MicroKernel{{nullptr, &micro_kernel<S, R + 1, NV, MR>...}, MR, NV * S::width, mc, kc, nc, name};
}

// The MicroKernel of tile MR x (NV * S::width) with its 1..MR-row variants.
template <class S, int MR, int NV>
MicroKernel make_micro_kernel(int mc, int kc, int nc, const char* name) {
  return make_micro_kernel_impl<S, MR, NV>(std::make_integer_sequence<int, MR>{}, mc, kc, nc, name);
}

}  // namespace gemm_detail
}  // namespace dream
