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
// Rows/columns past the matrix edge are packed as zeros. Each ISA has one
// kernel per tile size r x v (r = 1..MR rows, v = 1..NV vectors of columns,
// all from the same template reading full-size panels), so an edge tile runs
// the smallest kernel that covers it instead of wasting FMAs on padding:
// GoogLeNet's channel counts (16, 32, 48, ...) rarely divide the tile height,
// and its small maps (7x7 = 49, 14x14 = 196 pixels) the tile width. Only the
// store is trimmed to the exact m x n.
#include <cstdint>
#include <utility>

#include "tensor/cpu_features.h"

namespace dream {
namespace gemm_detail {

// c (m x n valid of an MR x NR tile, row stride ldc)
//   = alpha * A_panel * B_panel + beta * c (+ bias[i] on row i when bias is
//   not null);  beta == 0: c is not read.
using MicroKernelFn = void (*)(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, float alpha,
                               float beta, const float* bias, int m, int n);

// Cache lines of B a kernel prefetches for the packing that follows it, one
// per step of its K loop: `count` lines (<= kc) in row order, from line
// `line` of `row`, `lines` lines a row, rows `ld` floats apart.
struct PrefetchWalk {
  const float* row;
  int64_t ld;
  int64_t line, lines, count;
};
// As MicroKernelFn, also walking `pf`.
using MicroKernelPrefetchFn = void (*)(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, float alpha,
                                       float beta, const float* bias, int m, int n, const PrefetchWalk& pf);
// As MicroKernelFn, but B is read where it lies, unpacked: row p of the
// tile's kc x NR piece of B starts at b + p * ldb. Reads whole vectors, so
// the n valid columns are rounded up to a multiple of the vector width.
using MicroKernelBInPlaceFn = void (*)(int64_t kc, const float* a, const float* b, int64_t ldb, float* c, int64_t ldc,
                                       float alpha, float beta, const float* bias, int m, int n);
// As MicroKernelBInPlaceFn, also copying each row of B it reads into
// b_packed as a full-width packed micro-panel (kc x NR, layout above) for
// the next row tiles to read, and walking `pf` as MicroKernelPrefetchFn.
using MicroKernelBPackFn = void (*)(int64_t kc, const float* a, const float* b, int64_t ldb, float* b_packed, float* c,
                                    int64_t ldc, float alpha, float beta, const float* bias, int m, int n,
                                    const PrefetchWalk& pf);

constexpr int kMaxMicroRows = 16;
constexpr int kMaxMicroVectors = 4;

struct MicroKernel {
  // [r][v]: kernel for an r-row, v-vector tile (r = 1..mr, v = 1..nr / vector_width)
  MicroKernelFn by_tile[kMaxMicroRows + 1][kMaxMicroVectors + 1];
  MicroKernelPrefetchFn by_tile_prefetch[kMaxMicroRows + 1][kMaxMicroVectors + 1];
  MicroKernelBInPlaceFn by_tile_b_in_place[kMaxMicroRows + 1][kMaxMicroVectors + 1];
  MicroKernelBPackFn by_tile_b_pack[kMaxMicroRows + 1][kMaxMicroVectors + 1];
  int mr, nr;        // full register tile
  int vector_width;  // floats per SIMD vector

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

// S: one of the simd:: structs; tile MR x (NV * S::width); A_STRIDE,
// B_STRIDE: rows / columns of the packed micro-panels (>= the tile: the edge
// kernels read full-size panels); B_STRIDE 0: B unpacked, rows ldb apart.
// PF: also walk the PrefetchWalk (null when !PF). PACK_NR > 0: also store
// each row of B read into b_packed, PACK_NR floats apart. Always inlined: otherwise
// GCC makes micro_kernel a jump to a shared out-of-line copy, and the
// kernels Winograd and the Goto loops call would no longer be the exact
// code they were tuned as.
template <class S, int MR, int NV, int A_STRIDE, int B_STRIDE, bool PF, int PACK_NR = 0>
__attribute__((always_inline)) inline void micro_kernel_body(int64_t kc, const float* a, const float* b, int64_t ldb,
                                                             float* c, int64_t ldc, float alpha, float beta,
                                                             const float* bias, int m, int n, const PrefetchWalk* pf,
                                                             float* b_packed = nullptr) {
  using V = typename S::V;
  constexpr int W = S::width;
  constexpr int NR = NV * W;
  V acc[MR][NV];
#pragma GCC unroll 32
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) acc[i][v] = S::zero();

  const float* pf_row = PF ? pf->row : nullptr;
  int64_t pf_line = PF ? pf->line : 0;
  const int64_t pf_steps = PF ? pf->count : 0;
  for (int64_t p = 0; p < kc; ++p) {
    V bv[NV];
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) bv[v] = S::load(b + v * W);
    if constexpr (PACK_NR > 0) {
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) S::store(b_packed + p * PACK_NR + v * W, bv[v]);
    }
    if constexpr (PF) {
      if (p < pf_steps) {
        __builtin_prefetch(pf_row + pf_line * 16, 0, 2);  // to L2 (prefetcht1 on x86)
        if (++pf_line == pf->lines) {
          pf_line = 0;
          pf_row += pf->ld;
        }
      }
    }
#pragma GCC unroll 32
    for (int i = 0; i < MR; ++i) {
      const V ai = S::broadcast(a[i]);
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) acc[i][v] = S::fma(ai, bv[v], acc[i][v]);
    }
    a += A_STRIDE;
    b += B_STRIDE != 0 ? B_STRIDE : ldb;
  }

  const V valpha = S::broadcast(alpha);
  if (m == MR && n == NR) {
    if (bias != nullptr && beta == 0.0f) {  // c = alpha * acc + bias
#pragma GCC unroll 32
      for (int i = 0; i < MR; ++i) {
        const V bi = S::broadcast(bias[i]);
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) S::store(c + i * ldc + v * W, S::fma(valpha, acc[i][v], bi));
      }
    } else if (bias != nullptr) {  // c = alpha * acc + beta * c + bias
      const V vbeta = S::broadcast(beta);
#pragma GCC unroll 32
      for (int i = 0; i < MR; ++i) {
        const V bi = S::broadcast(bias[i]);
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) {
          float* cp = c + i * ldc + v * W;
          S::store(cp, S::fma(valpha, acc[i][v], S::fma(vbeta, S::load(cp), bi)));
        }
      }
    } else if (beta == 0.0f) {
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
      const float start = (beta == 0.0f ? 0.0f : beta * cij) + (bias != nullptr ? bias[i] : 0.0f);
      cij = tile[i * NR + j] + start;
    }
}

template <class S, int MR, int NV, int A_STRIDE, int B_STRIDE>
void micro_kernel(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, float alpha, float beta,
                  const float* bias, int m, int n) {
  micro_kernel_body<S, MR, NV, A_STRIDE, B_STRIDE, false>(kc, a, b, 0, c, ldc, alpha, beta, bias, m, n, nullptr);
}

template <class S, int MR, int NV, int A_STRIDE, int B_STRIDE>
void micro_kernel_prefetch(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, float alpha, float beta,
                           const float* bias, int m, int n, const PrefetchWalk& pf) {
  micro_kernel_body<S, MR, NV, A_STRIDE, B_STRIDE, true>(kc, a, b, 0, c, ldc, alpha, beta, bias, m, n, &pf);
}

template <class S, int MR, int NV, int A_STRIDE>
void micro_kernel_b_in_place(int64_t kc, const float* a, const float* b, int64_t ldb, float* c, int64_t ldc,
                             float alpha, float beta, const float* bias, int m, int n) {
  micro_kernel_body<S, MR, NV, A_STRIDE, 0, false>(kc, a, b, ldb, c, ldc, alpha, beta, bias, m, n, nullptr);
}

template <class S, int MR, int NV, int A_STRIDE, int PACK_NR>
void micro_kernel_b_pack(int64_t kc, const float* a, const float* b, int64_t ldb, float* b_packed, float* c,
                         int64_t ldc, float alpha, float beta, const float* bias, int m, int n,
                         const PrefetchWalk& pf) {
  micro_kernel_body<S, MR, NV, A_STRIDE, 0, true, PACK_NR>(kc, a, b, ldb, c, ldc, alpha, beta, bias, m, n, &pf,
                                                           b_packed);
}

// Fills row R of the table: kernels R x 1 .. R x NV vectors.
template <class S, int MR, int NV, int R, int... V>
void fill_tile_row(MicroKernel& k, std::integer_sequence<int, V...>) {
  ((k.by_tile[R][V + 1] = &micro_kernel<S, R, V + 1, MR, NV * S::width>), ...);
  ((k.by_tile_prefetch[R][V + 1] = &micro_kernel_prefetch<S, R, V + 1, MR, NV * S::width>), ...);
  ((k.by_tile_b_in_place[R][V + 1] = &micro_kernel_b_in_place<S, R, V + 1, MR>), ...);
  ((k.by_tile_b_pack[R][V + 1] = &micro_kernel_b_pack<S, R, V + 1, MR, NV * S::width>), ...);
}

template <class S, int MR, int NV, int... R>
void fill_tile_table(MicroKernel& k, std::integer_sequence<int, R...>) {
  (fill_tile_row<S, MR, NV, R + 1>(k, std::make_integer_sequence<int, NV>{}), ...);
}

// The MicroKernel of full tile MR x (NV * S::width) with all its edge sizes.
template <class S, int MR, int NV>
MicroKernel make_micro_kernel(int mc, int kc, int nc, const char* name) {
  static_assert(MR <= kMaxMicroRows && NV <= kMaxMicroVectors, "micro-tile larger than MicroKernel::by_tile");
  MicroKernel k{};
  fill_tile_table<S, MR, NV>(k, std::make_integer_sequence<int, MR>{});
  k.mr = MR;
  k.nr = NV * S::width;
  k.vector_width = S::width;
  k.mc = mc;
  k.kc = kc;
  k.nc = nc;
  k.name = name;
  return k;
}

}  // namespace gemm_detail
}  // namespace dream
