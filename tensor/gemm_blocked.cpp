// Our own GEMM: cache blocking with packed panels around a register-blocked
// SIMD micro-kernel (gemm_microkernel.h), in the classic Goto/BLIS order:
//
//   for jc over N by nc:            B block  kc x nc  (packed, L3)
//     for pc over K by kc:
//       pack B(pc:pc+kc, jc:jc+nc)
//       for ic over M by mc:        A block  mc x kc  (packed, L2)
//         pack A(ic:ic+mc, pc:pc+kc)
//         for jr over nc by nr:     B micro-panel kc x nr (L1)
//           for ir over mc by mr:   C tile mr x nr in registers
//
// When all of A fits in one A block (small M x K), gemm_small_a_range packs
// it once and walks B a few micro-panels at a time instead, or, when K is
// also short and C has more rows than K, gemm_small_k_range walks each row
// tile across a wide chunk of B so that C's rows are written in long runs.
//
// Threads split C into column ranges (or row ranges when N is too narrow,
// or when A is small and K short, see gemm_blocked);
// each thread runs the serial loops above on its own range with its own
// packing buffers, so there is no synchronisation inside a GEMM.

#include "tensor/cpu_features.h"
#include "tensor/gemm.h"
#include "tensor/gemm_backends.h"
#include "tensor/gemm_microkernel.h"
#include "tensor/parallel.h"
#include "tensor/scratch_buffer.h"

namespace dream {
namespace {

using gemm_detail::MicroKernel;

int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Packed panels, one buffer per thread and role, kept between calls so small
// GEMMs do not pay an allocation each time.
thread_local ScratchBuffer a_pack_buffer;
thread_local ScratchBuffer b_pack_buffer;

// Packs op(A)(i0 : i0+mc, p0 : p0+kc) as mr-row micro-panels (layout in
// gemm_microkernel.h), zero-padding the last panel to mr rows.
void pack_a(const GemmArgs& g, int64_t i0, int64_t mc, int64_t p0, int64_t kc, int mr, float* dst) {
  for (int64_t ir = 0; ir < mc; ir += mr) {
    const int rows = static_cast<int>(min64(mr, mc - ir));
    float* panel = dst + ir * kc;
    if (!g.trans_a) {  // op(A)(i, p) = a[i * lda + p]: read each row once
      for (int i = 0; i < rows; ++i) {
        const float* src = g.a + (i0 + ir + i) * g.lda + p0;
        for (int64_t p = 0; p < kc; ++p) panel[p * mr + i] = src[p];
      }
    } else {  // op(A)(i, p) = a[p * lda + i]: rows of the panel are contiguous
      for (int64_t p = 0; p < kc; ++p) {
        const float* src = g.a + (p0 + p) * g.lda + i0 + ir;
        for (int i = 0; i < rows; ++i) panel[p * mr + i] = src[i];
      }
    }
    for (int i = rows; i < mr; ++i)
      for (int64_t p = 0; p < kc; ++p) panel[p * mr + i] = 0.0f;
  }
}

// Non-transposed B: copies rows p0 .. p0+kc of columns j0 .. j0+nc into
// nr-column micro-panels, row by row of the source. Reading each source row
// left to right keeps the hardware prefetcher on one stream; walking panel by
// panel instead jumps a whole row stride (often 4 KiB: a new page) per 128
// bytes, and those per-piece memcpy calls were a third of a small-M GEMM
// (GoogLeNet's 5x5_reduce, M = 24). NR is a compile-time constant so each
// piece is a couple of vector moves.
template <int NR>
void pack_b_rows(const GemmArgs& g, int64_t j0, int64_t nc, int64_t p0, int64_t kc, float* dst) {
  const int64_t full = nc / NR;
  const int tail = static_cast<int>(nc - full * NR);
  for (int64_t jp = 0; jp < full; ++jp) {
    const float* src = g.b + p0 * g.ldb + j0 + jp * NR;
    float* d = dst + jp * NR * kc;
    for (int64_t p = 0; p < kc; ++p, src += g.ldb, d += NR)
      for (int j = 0; j < NR; ++j) d[j] = src[j];
  }
  if (tail > 0) {
    const float* src = g.b + p0 * g.ldb + j0 + full * NR;
    float* d = dst + full * NR * kc;
    for (int64_t p = 0; p < kc; ++p, src += g.ldb, d += NR) {
      for (int j = 0; j < tail; ++j) d[j] = src[j];
      for (int j = tail; j < NR; ++j) d[j] = 0.0f;
    }
  }
}

// Same as pack_b_rows for a run-time nr (a kernel without a specialisation).
void pack_b_rows_any(const GemmArgs& g, int64_t j0, int64_t nc, int64_t p0, int64_t kc, int nr, float* dst) {
  for (int64_t p = 0; p < kc; ++p) {
    const float* src = g.b + (p0 + p) * g.ldb + j0;
    for (int64_t jr = 0; jr < nc; jr += nr) {
      const int cols = static_cast<int>(min64(nr, nc - jr));
      float* d = dst + jr * kc + p * nr;
      for (int j = 0; j < cols; ++j) d[j] = src[jr + j];
      for (int j = cols; j < nr; ++j) d[j] = 0.0f;
    }
  }
}

// Packs op(B)(p0 : p0+kc, j0 : j0+nc) as nr-column micro-panels,
// zero-padding the last panel to nr columns.
void pack_b(const GemmArgs& g, int64_t j0, int64_t nc, int64_t p0, int64_t kc, int nr, float* dst) {
  if (!g.trans_b) {  // op(B)(p, j) = b[p * ldb + j]
    switch (nr) {
      case 32:
        pack_b_rows<32>(g, j0, nc, p0, kc, dst);
        return;
      case 16:
        pack_b_rows<16>(g, j0, nc, p0, kc, dst);
        return;
      case 12:
        pack_b_rows<12>(g, j0, nc, p0, kc, dst);
        return;
      default:
        pack_b_rows_any(g, j0, nc, p0, kc, nr, dst);
        return;
    }
  }
  for (int64_t jr = 0; jr < nc; jr += nr) {  // op(B)(p, j) = b[j * ldb + p]
    const int cols = static_cast<int>(min64(nr, nc - jr));
    float* panel = dst + jr * kc;
    for (int j = 0; j < cols; ++j) {
      const float* src = g.b + (j0 + jr + j) * g.ldb + p0;
      for (int64_t p = 0; p < kc; ++p) panel[p * nr + j] = src[p];
    }
    for (int64_t p = 0; p < kc; ++p)
      for (int j = cols; j < nr; ++j) panel[p * nr + j] = 0.0f;
  }
}

// gemm_small_a_range: B micro-panels packed at a time; most row tiles for
// which the first tile's kernel packs B as it reads it (one micro-panel at a
// time); and how many blocks ahead those single-panel blocks prefetch.
constexpr int kSmallAPanels = 8;
constexpr int64_t kFusedPackMaxTiles = 4;
constexpr int64_t kFusedPrefetchAhead = 2;

// Row tiles of near-equal height over m rows (M = 16 as 8 + 8, not 12 + 4: a
// 4-row tile has too few accumulators to keep the FMA units busy); tile t
// starts at row(t), has height(t) rows, and has its own mr-row A panel.
struct RowTiles {
  int64_t count, base, extra;
  RowTiles(int64_t m, int mr) : count(ceil_div(m, mr)), base(m / count), extra(m % count) {}
  int64_t row(int64_t t) const { return t * base + min64(t, extra); }
  int height(int64_t t) const { return static_cast<int>(row(t + 1) - row(t)); }
};

// C(i_begin : i_end, j_begin : j_end) when all of op(A)'s rows in the range
// fit in one packed A block (see small_a): GoogLeNet's narrow
// convolutions (M = 16..64 output channels, or K = 16..64 when backward to the
// input). A is packed once, every K block side by side, and B is walked in
// blocks of a few micro-panels, K block by K block. With so few rows, reading
// B is most of the time: each float of B meets only M rows of A.
//
// With at most kFusedPackMaxTiles row tiles and B not transposed, a block is
// one micro-panel and is not packed beforehand: the first row tile's kernel
// reads it where it lies and stores the packed copy the other tiles then
// read from L1. A separate packing loop does little but wait for B's lines
// (one 128-byte piece from each of K rows, a page or more apart): it was a
// third of the time of a 16 x 1024 x 192 GEMM with B in L2. Inside the
// kernel those loads overlap its FMAs. bench_conv forward at 512 input,
// medians of 3 interleaved runs, GFLOP/s, 1 thread: 3a/5x5_reduce (16 x 4096
// x 192) 86 -> 107, 3a/pool_proj (32 x 4096 x 192) 113 -> 133, 3b/5x5_reduce
// 114 -> 125; 2 threads: 187 -> 234, 227 -> 274, 219 -> 256; AVX2 kernels,
// 1 thread, 3a/5x5_reduce 56 -> 63. Up to 6 tiles, the pool_proj of 4a to 4d
// (64 x 1024 x 480..528) were 4-5% slower on 1 thread. Otherwise (more
// tiles, or B transposed) kSmallAPanels micro-panels are packed
// at a time, just before the row tiles use them: the packed piece (kc x 8nr,
// 256 KiB at most) stays in L2, instead of a kc x nc block (up to 2 MiB)
// written out to L2/L3 and read back (forward 5x5_reduce, M = 24: 0.267 ->
// 0.233 ms).
//
// The hardware prefetcher does not follow K streams a page apart, so while a
// block's kernels run they prefetch into L2 the lines of a block further on
// (PrefetchWalk, one line per K step, spread over the block's kernel calls):
// the next one with kSmallAPanels panels, kFusedPrefetchAhead blocks ahead
// with one: a single panel's kernels are too short to hide the wait for its
// lines from L3. 3a/5x5_reduce, prefetching 1, 2, 4 or 8 blocks ahead: 1
// thread 92, 102-108, 105-106, 104 GFLOP/s; 2 threads 2 ahead 242, 4 205-217.
void gemm_small_a_range(const GemmArgs& g, const MicroKernel& kern, int64_t i_begin, int64_t i_end, int64_t j_begin,
                        int64_t j_end) {
  const int mr = kern.mr, nr = kern.nr;
  const int64_t m = i_end - i_begin;
  const int64_t m_padded = ceil_div(m, mr) * mr;
  const int64_t kc_max = min64(kern.kc, g.k);
  // K block pc of A lives at a_pack + pc * m_padded (blocks before it hold pc columns each).
  float* a_pack = a_pack_buffer.get(m_padded * g.k);
  const RowTiles tiles(m, mr);
  const bool fused = !g.trans_b && tiles.count <= kFusedPackMaxTiles;
  // Transposed B with one or two row tiles: one micro-panel per block too,
  // packed straight into L1 (kc x nr, 32 KiB at most) just before its two
  // kernels read it. 1 thread, min of 150: 16 x 4096 x 192 91 -> 94 GFLOP/s
  // (before the fused packing), 24 x 1024 x 512 105 -> 110.
  const int64_t nc_max = int64_t{nr} * (fused || tiles.count <= 2 ? 1 : kSmallAPanels);
  const int64_t ahead = fused ? kFusedPrefetchAhead : 1;  // blocks from the one running to the one prefetched
  float* b_pack = b_pack_buffer.get(kc_max * nc_max);
  for (int64_t pc = 0; pc < g.k; pc += kc_max) {
    const int64_t kc = min64(kc_max, g.k - pc);
    for (int64_t t = 0; t < tiles.count; ++t)
      pack_a(g, i_begin + tiles.row(t), tiles.height(t), pc, kc, mr, a_pack + pc * m_padded + t * mr * kc);
  }
  const int64_t calls = ceil_div(nc_max, nr) * tiles.count;  // kernel calls per block (fewer in the last)
  for (int64_t jc = j_begin; jc < j_end; jc += nc_max) {
    const int64_t nc = min64(nc_max, j_end - jc);
    for (int64_t pc = 0; pc < g.k; pc += kc_max) {
      const int64_t kc = min64(kc_max, g.k - pc);
      const float beta = pc == 0 ? g.beta : 1.0f;
      // The in-place kernels read whole vectors: a last panel of fewer
      // columns is packed first instead (it would read past B's last row).
      const bool in_place = fused && nc % kern.vector_width == 0;
      if (!in_place) pack_b(g, jc, nc, pc, kc, nr, b_pack);
      const float* a_block = a_pack + pc * m_padded;
      // The block prefetched: `ahead` blocks on in loop order, (pc, jc) then
      // (pc + kc_max, jc) ... (0, jc + nc_max).
      int64_t next_p = pc, next_j = jc;
      for (int64_t s = 0; s < ahead; ++s) {
        next_p += kc_max;
        if (next_p >= g.k) {
          next_p = 0;
          next_j += nc_max;
        }
      }
      const bool walk = !g.trans_b && next_j < j_end;
      gemm_detail::PrefetchWalk pf{};
      int64_t total = 0, per_call = 0, done = 0;
      if (walk) {
        pf.ld = g.ldb;
        pf.lines = ceil_div(min64(nc_max, j_end - next_j), 16);
        total = min64(kc_max, g.k - next_p) * pf.lines;
        per_call = ceil_div(total, calls);
      }
      for (int64_t jr = 0; jr < nc; jr += nr) {
        const int n_valid = static_cast<int>(min64(nr, nc - jr));
        const int vectors = (n_valid + kern.vector_width - 1) / kern.vector_width;
        for (int64_t t = 0; t < tiles.count; ++t) {
          const int m_valid = tiles.height(t);
          const float* a = a_block + t * mr * kc;
          float* c = g.c + (i_begin + tiles.row(t)) * g.ldc + jc + jr;
          const float* bias = pc == 0 && g.bias ? g.bias + i_begin + tiles.row(t) : nullptr;
          pf.count = 0;
          if (done < total) {
            pf.row = g.b + (next_p + done / pf.lines) * g.ldb + next_j;
            pf.line = done % pf.lines;
            pf.count = min64(min64(per_call, total - done), kc);
            done += pf.count;
          }
          if (in_place && t == 0)  // in_place: one panel, jr == 0
            kern.by_tile_b_pack[m_valid][vectors](kc, a, g.b + pc * g.ldb + jc, g.ldb, b_pack, c, g.ldc, g.alpha, beta,
                                                  bias, m_valid, n_valid, pf);
          else if (pf.count > 0)
            kern.by_tile_prefetch[m_valid][vectors](kc, a, b_pack + jr * kc, c, g.ldc, g.alpha, beta, bias, m_valid,
                                                    n_valid, pf);
          else
            kern.by_tile[m_valid][vectors](kc, a, b_pack + jr * kc, c, g.ldc, g.alpha, beta, bias, m_valid, n_valid);
        }
      }
    }
  }
}

// Floats of packed B per chunk in gemm_small_k_range: 256 KiB, an eighth of L2.
constexpr int64_t kSmallKChunkFloats = int64_t{1} << 16;

// C(i_begin : i_end, j_begin : j_end) when op(A) is small, K fits in one K
// block and C has more rows than K: GoogLeNet's narrow convolutions backward
// to the input, dX[Ci x HW] = W^T[Ci x Co] * dY[Co x HW] with Co = K = 16..48
// and Ci = M = 192..832. Writing C is then most of the memory traffic (each
// float of C costs only 2K FLOPs). gemm_small_a_range's order, all row tiles
// of one micro-panel before the next, writes 128 bytes to each of M rows in
// turn: hundreds of store streams a page apart, more than the hardware
// prefetcher follows, so each store waits for its line. Here each row tile
// walks a whole chunk of B instead (up to kSmallKChunkFloats packed, reread
// from L2 by every tile), writing each of its rows in runs of nc floats.
// 1 thread, M x N x K = 512 x 1024 x 24: 85 -> 135 GFLOP/s.
void gemm_small_k_range(const GemmArgs& g, const MicroKernel& kern, int64_t i_begin, int64_t i_end, int64_t j_begin,
                        int64_t j_end) {
  const int mr = kern.mr, nr = kern.nr;
  const int64_t m = i_end - i_begin, k = g.k;
  float* a_pack = a_pack_buffer.get(ceil_div(m, mr) * mr * k);
  pack_a(g, i_begin, m, 0, k, mr, a_pack);
  const int64_t panels = kSmallKChunkFloats / (k * nr);
  const int64_t nc_max = min64(ceil_div(j_end - j_begin, nr), panels > 1 ? panels : 1) * nr;
  float* b_pack = b_pack_buffer.get(k * nc_max);
  for (int64_t jc = j_begin; jc < j_end; jc += nc_max) {
    const int64_t nc = min64(nc_max, j_end - jc);
    pack_b(g, jc, nc, 0, k, nr, b_pack);
    for (int64_t ir = 0; ir < m; ir += mr) {
      const int m_valid = static_cast<int>(min64(mr, m - ir));
      float* c_rows = g.c + (i_begin + ir) * g.ldc + jc;
      for (int64_t jr = 0; jr < nc; jr += nr) {
        const int n_valid = static_cast<int>(min64(nr, nc - jr));
        const int vectors = (n_valid + kern.vector_width - 1) / kern.vector_width;
        kern.by_tile[m_valid][vectors](k, a_pack + ir * k, b_pack + jr * k, c_rows + jr, g.ldc, g.alpha, g.beta,
                                       g.bias ? g.bias + i_begin + ir : nullptr, m_valid, n_valid);
      }
    }
  }
}

// gemm_k_strips_range: most rows of B per strip, most row tiles of C, and
// floats of C per column chunk (kept in L2 while every strip adds to it).
constexpr int64_t kStripMaxRows = 64;
constexpr int64_t kStripsMaxTiles = 4;
constexpr int64_t kStripChunkFloats = int64_t{1} << 17;

// C(i_begin : i_end, j_begin : j_end) when k_strips_suit: GoogLeNet's
// 5x5_reduce convolutions forward from inception_4a on (M = 16..48 output
// channels, K = 480..832 input channels, N = the pixels), when they run alone
// rather than stacked with their siblings (nn/pointwise_fusion.h). Each float
// of B then meets only 16..48 rows of A, so reading B is most of the time,
// and gemm_small_a_range reads it a 128-byte piece from each of K rows at a
// time: K streams a page or more apart, which the hardware prefetcher does not
// follow, so its software prefetches have to cover every line. Here B is not
// packed: the kernels read it in place, K in strips of up to kStripMaxRows
// rows, each strip walked left to right across the chunk of columns, so each
// row of B is read in one run and the hardware prefetcher streams it. C, which
// every strip after the first reads and adds to, stays in L2 (M x chunk).
// 1 thread, bench_conv forward at 512 input, medians of 5 interleaved runs,
// GFLOP/s: 4a/5x5_reduce (16 x 1024 x 480) 85-88 -> 104, 4c (24 x 1024 x
// 512) 98-103 -> 110-115, 4e (32 x 1024 x 528) 95-105 -> 116, 5a (32 x 256 x
// 832) 102-103 -> 118; with AVX2 kernels 4a 53 -> 63, 4b 60 -> 67. At K <=
// 256 (3a, 3b: N = 4096) the strips were no faster: they stay on the packed
// path, whose single K block writes C once.
void gemm_k_strips_range(const GemmArgs& g, const MicroKernel& kern, int64_t i_begin, int64_t i_end, int64_t j_begin,
                         int64_t j_end) {
  const int mr = kern.mr, nr = kern.nr, width = kern.vector_width;
  const RowTiles tiles(i_end - i_begin, mr);
  // Tile t's A panel (all K, mr rows) at a_pack + t * mr * k.
  float* a_pack = a_pack_buffer.get(tiles.count * mr * g.k);
  for (int64_t t = 0; t < tiles.count; ++t)
    pack_a(g, i_begin + tiles.row(t), tiles.height(t), 0, g.k, mr, a_pack + t * mr * g.k);
  const int64_t kb_max = ceil_div(g.k, ceil_div(g.k, kStripMaxRows));  // strips of near-equal depth
  const int64_t chunk = ceil_div(kStripChunkFloats / (i_end - i_begin), nr) * nr;
  // A last panel whose columns are not whole vectors is packed (the in-place
  // kernels would read past the end of B's last row).
  float* b_pack = b_pack_buffer.get(kb_max * nr);
  for (int64_t jc = j_begin; jc < j_end; jc += chunk) {
    const int64_t nc = min64(chunk, j_end - jc);
    for (int64_t pc = 0; pc < g.k; pc += kb_max) {
      const int64_t kb = min64(kb_max, g.k - pc);
      const float beta = pc == 0 ? g.beta : 1.0f;
      for (int64_t jr = 0; jr < nc; jr += nr) {
        const int n_valid = static_cast<int>(min64(nr, nc - jr));
        const int vectors = (n_valid + width - 1) / width;
        const float* b = g.b + pc * g.ldb + jc + jr;
        const bool in_place = n_valid % width == 0;
        if (!in_place) pack_b(g, jc + jr, n_valid, pc, kb, nr, b_pack);
        for (int64_t t = 0; t < tiles.count; ++t) {
          const int m_valid = tiles.height(t);
          const float* a = a_pack + t * mr * g.k + pc * mr;
          float* c = g.c + (i_begin + tiles.row(t)) * g.ldc + jc + jr;
          const float* bias = pc == 0 && g.bias ? g.bias + i_begin + tiles.row(t) : nullptr;
          if (in_place)
            kern.by_tile_b_in_place[m_valid][vectors](kb, a, b, g.ldb, c, g.ldc, g.alpha, beta, bias, m_valid, n_valid);
          else
            kern.by_tile[m_valid][vectors](kb, a, b_pack, c, g.ldc, g.alpha, beta, bias, m_valid, n_valid);
        }
      }
    }
  }
}

// Above this K the small-K path is taken only for GEMMs of at least
// kSmallKMinRows rows. Each of its row tiles rereads the packed B chunk
// (K x nc floats) from L2, which grows with K; gemm_small_a_range rereads
// nothing but writes every row of C in turn, which is what limits when rows
// are many. conv1's backward GEMM (M = 147 rows of taps, K = 64, into its
// column buffer), gemm_small_a_range instead: 111 -> 116 GFLOP/s on 1
// thread, 206-217 -> 198-227 on 2 (median +2%; bench_conv, interleaved); the
// pointwise backwards with K = 64 and M = 192..528 were 2-6% slower with it.
constexpr int64_t kSmallKAnyRowsMaxK = 48;
constexpr int64_t kSmallKMinRows = 160;

// Whether gemm_small_a_range suits rows [i_begin, i_end): the whole packed A
// is no bigger than the blocked path's A block (mc x kc, sized for L2).
bool small_a(const GemmArgs& g, const MicroKernel& kern, int64_t i_begin, int64_t i_end) {
  return ceil_div(i_end - i_begin, kern.mr) * kern.mr * g.k <= int64_t{kern.mc} * kern.kc;
}

// Whether gemm_k_strips_range suits C(i_begin : i_end, j_begin : j_end): all
// of op(A) in one packed block (small_a), B not transposed, K deeper than
// one K block of the packed loops, at most kStripsMaxTiles row tiles, and
// whole rows of B (a thread given half the columns reads half-rows, which the
// hardware prefetcher follows less far: on 2 threads the strips measured
// from 10% faster to 10% slower than gemm_small_a_range, layer to layer).
bool k_strips_suit(const GemmArgs& g, const MicroKernel& kern, int64_t i_begin, int64_t i_end, int64_t j_begin,
                   int64_t j_end) {
  return small_a(g, kern, i_begin, i_end) && !g.trans_b && g.k > kern.kc &&
         ceil_div(i_end - i_begin, kern.mr) <= kStripsMaxTiles && j_begin == 0 && j_end == g.n;
}

// The serial blocked loops over C(i_begin : i_end, j_begin : j_end), k > 0.
void gemm_blocked_range(const GemmArgs& g, const MicroKernel& kern, int64_t i_begin, int64_t i_end, int64_t j_begin,
                        int64_t j_end) {
  if (small_a(g, kern, i_begin, i_end)) {
    if (g.k <= kern.kc && i_end - i_begin > g.k && (g.k <= kSmallKAnyRowsMaxK || g.m >= kSmallKMinRows)) {
      gemm_small_k_range(g, kern, i_begin, i_end, j_begin, j_end);
      return;
    }
    if (k_strips_suit(g, kern, i_begin, i_end, j_begin, j_end)) {
      gemm_k_strips_range(g, kern, i_begin, i_end, j_begin, j_end);
      return;
    }
    gemm_small_a_range(g, kern, i_begin, i_end, j_begin, j_end);
    return;
  }
  const int mr = kern.mr, nr = kern.nr;
  const int64_t mc_max = min64(kern.mc, ceil_div(i_end - i_begin, mr) * mr);
  const int64_t nc_max = min64(kern.nc, ceil_div(j_end - j_begin, nr) * nr);
  const int64_t kc_max = min64(kern.kc, g.k);
  float* a_pack = a_pack_buffer.get(mc_max * kc_max);
  float* b_pack = b_pack_buffer.get(nc_max * kc_max);

  for (int64_t jc = j_begin; jc < j_end; jc += nc_max) {
    const int64_t nc = min64(nc_max, j_end - jc);
    for (int64_t pc = 0; pc < g.k; pc += kc_max) {
      const int64_t kc = min64(kc_max, g.k - pc);
      // The first K block applies the caller's beta, later ones accumulate.
      const float beta = pc == 0 ? g.beta : 1.0f;
      pack_b(g, jc, nc, pc, kc, nr, b_pack);
      for (int64_t ic = i_begin; ic < i_end; ic += mc_max) {
        const int64_t mc = min64(mc_max, i_end - ic);
        pack_a(g, ic, mc, pc, kc, mr, a_pack);
        for (int64_t jr = 0; jr < nc; jr += nr) {
          const int n_valid = static_cast<int>(min64(nr, nc - jr));
          const int vectors = (n_valid + kern.vector_width - 1) / kern.vector_width;
          for (int64_t ir = 0; ir < mc; ir += mr) {
            const int m_valid = static_cast<int>(min64(mr, mc - ir));
            kern.by_tile[m_valid][vectors](kc, a_pack + ir * kc, b_pack + jr * kc, g.c + (ic + ir) * g.ldc + jc + jr,
                                           g.ldc, g.alpha, beta, pc == 0 && g.bias ? g.bias + ic + ir : nullptr,
                                           m_valid, n_valid);
          }
        }
      }
    }
  }
}

// Largest K for which gemm_blocked splits a small-A GEMM's rows between
// threads before its columns (see there).
constexpr int64_t kSplitRowsMaxK = 48;

// C = the GEMM over K split into `parts` slices, one per thread, each by
// gemm_small_a_range over all of C: slice 0 into C itself (with the
// caller's beta and bias), the others into partial products that are then
// added into C. For k_strips_suit GEMMs whose C is small (M x N <=
// kStripChunkFloats): split by K, each thread reads whole rows of its slice
// of B and packs only its slice of A. Measured when the slices ran the
// strips, against a column split (each thread reading half-rows of B, which
// cost the strips their streaming; see k_strips_suit); the column split on
// the fused-pack path has not been measured against it since. 2 threads,
// bench_conv forward at 512 input, two runs of medians of 5
// interleaved, GFLOP/s: 5a/5x5_reduce (32 x 256 x 832) 155-163 -> 214-217,
// 5b (48 x 256 x 832) 175-183 -> 223-229. (4a to 4e, 32x32 maps, reach it
// since their convolution leaves threading to the GEMM: conv2d.cpp.) The
// slices on gemm_small_a_range rather than gemm_k_strips_range (which a
// whole GEMM on one thread still takes), medians of 5: 4b and 4c (K = 508,
// 512) 226 -> 237-244 at 512 input, 148 -> 165-166 at 224 (N = 196), 4a
// (K = 480) 200 -> 208 at 512 but 138 -> 131 at 224; slices over one K block,
// 4e (K = 528) 214 -> 230, 5a 196 -> 214, 5b 207 -> 227.
void gemm_k_split(const GemmArgs& g, const MicroKernel& kern, int64_t parts) {
  const int64_t size = g.m * g.n;
  thread_local ScratchBuffer partial_c_buffer;                // on the calling thread
  float* partial = partial_c_buffer.get((parts - 1) * size);  // slice q >= 1 at partial + (q - 1) * size
  parallel_for(parts, [&](int64_t begin, int64_t end) {
    for (int64_t q = begin; q < end; ++q) {
      const int64_t p0 = g.k * q / parts, p1 = g.k * (q + 1) / parts;
      GemmArgs slice = g;
      slice.k = p1 - p0;
      slice.a = g.trans_a ? g.a + p0 * g.lda : g.a + p0;
      slice.b = g.b + p0 * g.ldb;
      if (q > 0) {
        slice.c = partial + (q - 1) * size;
        slice.ldc = g.n;
        slice.beta = 0.0f;
        slice.bias = nullptr;
      }
      gemm_small_a_range(slice, kern, 0, g.m, 0, g.n);
    }
  });
  for (int64_t q = 1; q < parts; ++q)
    for (int64_t i = 0; i < g.m; ++i) {
      float* c = g.c + i * g.ldc;
      const float* add = partial + (q - 1) * size + i * g.n;
      for (int64_t j = 0; j < g.n; ++j) c[j] += add[j];
    }
}

}  // namespace

void gemm_blocked(const GemmArgs& g) {
  if (g.m <= 0 || g.n <= 0) return;
  if (g.k <= 0) {
    gemm_detail::scale_c_add_bias(g);  // op(A) op(B) is the zero matrix
    return;
  }
  const MicroKernel& kern = gemm_detail::micro_kernel_for(active_simd_level());
  const int64_t threads = max_threads();
  // Below ~1 MFLOP thread start-up costs more than it saves.
  const bool worth_threads = threads > 1 && 2.0 * g.m * g.n * g.k > 1.0e6;
  const int64_t n_panels = ceil_div(g.n, kern.nr);
  const int64_t m_panels = ceil_div(g.m, kern.mr);
  // Small A, K at most kSplitRowsMaxK and more rows than K (gemm_small_k_range
  // on each range): split rows, so each thread writes whole rows of C in runs
  // twice as long and packs half of A; B is short (K rows) and cheap to pack
  // twice. 2 threads, M x N x K: 832x256x32 130 -> 258 GFLOP/s, 480x1024x16
  // 109-137 -> 185, 512x1024x24 156 -> 251, 400x2048x48 261 -> 281. With
  // K = 64..256 the column split stays 5-10% ahead.
  // Also split rows when N <= 2M: a column split makes every thread pack all
  // of A (M x K, a transposing copy when A is not transposed), a row split
  // all of B (K x N, straight row copies), which is then no bigger than
  // twice A (GoogLeNet's layers on 14x14 and 16x16 maps).
  const bool split_rows_first =
      (g.m > g.k && g.k <= kSplitRowsMaxK && small_a(g, kern, 0, g.m)) || g.n <= 2 * g.m;
  if (worth_threads && k_strips_suit(g, kern, 0, g.m, 0, g.n) && g.m * g.n <= kStripChunkFloats &&
      g.k >= threads * kStripMaxRows) {
    gemm_k_split(g, kern, threads);
  } else if (worth_threads && split_rows_first && m_panels >= 2 * threads) {
    parallel_for(m_panels, [&](int64_t b, int64_t e) {
      gemm_blocked_range(g, kern, b * kern.mr, min64(e * kern.mr, g.m), 0, g.n);
    });
  } else if (worth_threads && n_panels >= 2 * threads) {
    // Split columns in whole nr panels so tiles stay full.
    parallel_for(n_panels, [&](int64_t b, int64_t e) {
      gemm_blocked_range(g, kern, 0, g.m, b * kern.nr, min64(e * kern.nr, g.n));
    });
  } else if (worth_threads && m_panels >= 2 * threads) {
    // Narrow C (small N): split rows instead, each thread packs all of B.
    parallel_for(m_panels, [&](int64_t b, int64_t e) {
      gemm_blocked_range(g, kern, b * kern.mr, min64(e * kern.mr, g.m), 0, g.n);
    });
  } else {
    gemm_blocked_range(g, kern, 0, g.m, 0, g.n);
  }
}

}  // namespace dream
