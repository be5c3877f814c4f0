// GEMM: our blocked SIMD GEMM at every SIMD level this CPU has, and the
// gemm() dispatcher with each backend, against the naive double-accumulating
// reference gemm_ref over odd sizes, all transposes, alpha/beta and strides.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "support/tensor_testing.h"
#include "tensor/cpu_features.h"
#include "tensor/error.h"
#include "tensor/gemm.h"
#include "tensor/gemm_backends.h"
#include "tensor/parallel.h"

namespace dream {
namespace {

struct GemmCase {
  int64_t m, n, k;
  bool trans_a, trans_b;
  float alpha, beta;
  int64_t pad_a = 0, pad_b = 0, pad_c = 0;  // extra floats per stored row
  bool bias = false;                         // GemmArgs::bias: M random floats
};

// Value outside C's m x n region: a GEMM that writes past its columns changes it.
constexpr float kPadding = 7.25f;

std::vector<SimdLevel> supported_levels() {
  std::vector<SimdLevel> levels;
  for (SimdLevel l : {SimdLevel::Scalar, SimdLevel::Neon, SimdLevel::Avx2, SimdLevel::Avx512})
    if (cpu_supports(l)) levels.push_back(l);
  return levels;
}

// Runs `fn` and gemm_ref on the same case and checks the whole C buffer
// (padding included). beta == 0 fills C with NaN: reading it would show.
template <class Fn>
void check_against_ref(const GemmCase& t, Fn fn, uint32_t seed) {
  const int64_t a_rows = t.trans_a ? t.k : t.m, a_cols = t.trans_a ? t.m : t.k;
  const int64_t b_rows = t.trans_b ? t.n : t.k, b_cols = t.trans_b ? t.k : t.n;
  const int64_t lda = a_cols + t.pad_a, ldb = b_cols + t.pad_b, ldc = t.n + t.pad_c;
  std::vector<float> a = test::random_floats(a_rows * lda, seed);
  std::vector<float> b = test::random_floats(b_rows * ldb, seed + 1);
  std::vector<float> c = test::random_floats(t.m * ldc, seed + 2);
  for (int64_t i = 0; i < t.m; ++i)
    for (int64_t j = 0; j < ldc; ++j) {
      float& x = c[i * ldc + j];
      if (j >= t.n)
        x = kPadding;
      else if (t.beta == 0.0f)
        x = std::numeric_limits<float>::quiet_NaN();
    }
  std::vector<float> expected = c;
  const std::vector<float> bias = t.bias ? test::random_floats(t.m, seed + 3) : std::vector<float>();

  GemmArgs g;
  g.trans_a = t.trans_a;
  g.trans_b = t.trans_b;
  g.m = t.m;
  g.n = t.n;
  g.k = t.k;
  g.alpha = t.alpha;
  g.beta = t.beta;
  g.a = a.data();
  g.lda = lda > 0 ? lda : 1;
  g.b = b.data();
  g.ldb = ldb > 0 ? ldb : 1;
  g.ldc = ldc;
  g.bias = t.bias ? bias.data() : nullptr;
  g.c = expected.data();
  gemm_ref(g);
  g.c = c.data();
  fn(g);

  INFO("m=" << t.m << " n=" << t.n << " k=" << t.k << " trans_a=" << t.trans_a << " trans_b=" << t.trans_b
            << " alpha=" << t.alpha << " beta=" << t.beta << " pads=" << t.pad_a << "," << t.pad_b << "," << t.pad_c
            << " bias=" << t.bias
            << " simd=" << simd_level_name(active_simd_level()));
  // Float accumulation over k terms of magnitude <= 1 vs double: the error
  // grows with k; a wrong element is off by O(1).
  const double atol = 1e-6 * (static_cast<double>(t.k) + 1.0) * (std::fabs(t.alpha) + 1.0);
  CHECK_ALL_CLOSE(c.data(), expected.data(), static_cast<int64_t>(c.size()), 1e-5, atol);
}

void blocked(const GemmArgs& g) { gemm_blocked(g); }
void dispatched(const GemmArgs& g) { gemm(g); }

// Runs fn() on 1 and on 2 threads at every SIMD level this CPU has, then
// restores the thread count.
template <class Fn>
void on_each_thread_count_and_level(Fn fn) {
  const int restore = max_threads();
  for (int threads : {1, 2}) {
    set_max_threads(threads);
    for (SimdLevel level : supported_levels()) {
      ScopedSimdLevel scoped(level);
      INFO("threads=" << threads);
      fn();
    }
  }
  set_max_threads(restore);
}

}  // namespace

TEST_CASE("gemm_blocked matches gemm_ref on small odd sizes at every SIMD level", "[gemm]") {
  // Sizes around the micro-tiles (scalar 4x4, AVX2 6x16, AVX-512 12x32,
  // NEON 8x12) and across the K block (256).
  const int64_t ms[] = {1, 5, 11, 12, 13, 14, 15, 29};
  const int64_t ns[] = {1, 7, 16, 17, 32, 33, 65};
  const int64_t ks[] = {1, 3, 17, 257};
  uint32_t seed = 1;
  for (SimdLevel level : supported_levels()) {
    ScopedSimdLevel scoped(level);
    for (int trans = 0; trans < 4; ++trans)
      for (int64_t m : ms)
        for (int64_t n : ns)
          for (int64_t k : ks) {
            const float beta = (m + n + k) % 3 == 0 ? 0.0f : 0.5f;
            const float alpha = (m + n) % 2 == 0 ? 1.0f : -1.5f;
            check_against_ref(GemmCase{m, n, k, (trans & 1) != 0, (trans & 2) != 0, alpha, beta}, blocked, seed++);
          }
  }
}

TEST_CASE("gemm_blocked handles strides, alpha and beta at every SIMD level", "[gemm]") {
  uint32_t seed = 1000;
  for (SimdLevel level : supported_levels()) {
    ScopedSimdLevel scoped(level);
    for (int trans = 0; trans < 4; ++trans)
      for (float beta : {0.0f, 1.0f, -0.75f})
        for (float alpha : {1.0f, 0.0f, 2.5f}) {
          GemmCase t{23, 41, 19, (trans & 1) != 0, (trans & 2) != 0, alpha, beta, 3, 5, 7};
          check_against_ref(t, blocked, seed++);
        }
  }
}

TEST_CASE("gemm_blocked with K = 0 scales C by beta", "[gemm]") {
  for (SimdLevel level : supported_levels()) {
    ScopedSimdLevel scoped(level);
    check_against_ref(GemmCase{9, 18, 0, false, false, 1.0f, 0.0f}, blocked, 7);
    check_against_ref(GemmCase{9, 18, 0, true, true, 1.0f, 0.5f, 0, 0, 3}, blocked, 8);
  }
}

TEST_CASE("gemm_blocked matches gemm_ref across all cache blocks and thread splits", "[gemm]") {
  // Larger than one A block (mc), B block (nc 2048) and K block (kc 256);
  // a narrow-N case takes the split-over-M threading path.
  uint32_t seed = 2000;
  int trans = 0;
  for (SimdLevel level : supported_levels()) {
    ScopedSimdLevel scoped(level);
    check_against_ref(GemmCase{341, 2077, 263, (trans & 1) != 0, (trans & 2) != 0, 1.0f, 0.0f, 0, 0, 0}, blocked,
                      seed++);
    ++trans;
    check_against_ref(GemmCase{200, 20, 301, (trans & 1) != 0, (trans & 2) != 0, 0.5f, 1.0f, 1, 2, 3}, blocked, seed++);
    ++trans;
  }
}

TEST_CASE("gemm_blocked's small-A path and the blocked path agree with gemm_ref on either side of the switch",
          "[gemm]") {
  // gemm_blocked packs all of A once (and B two micro-panels at a time) when
  // ceil(M / mr) * mr * K <= mc * kc (AVX-512 12 rows: 288 x 256; AVX2 6:
  // 144 x 256; scalar 4: 128 x 256), else it runs the Goto loops. These
  // shapes sit on both sides of that bound for each kernel, with K over
  // several K blocks (kc 256), N not a multiple of one or two micro-panels,
  // GoogLeNet's narrow convolutions (5x5_reduce forward M = 24, K = 512 and
  // backward M = 512, K = 24; the 5x5's M = 64, K = 601), on 1 and 2 threads
  // (2 splits N, or M when N is narrow).
  const GemmCase cases[] = {
      {24, 1024, 512, false, false, 1.0f, 0.0f}, {512, 1024, 24, true, false, 1.0f, 0.0f},
      {64, 864, 601, false, false, 1.0f, 0.0f},  {600, 160, 64, true, false, 1.0f, 0.0f},
      {24, 97, 513, false, true, -0.5f, 1.0f},   {25, 65, 700, true, true, 2.0f, 0.5f, 3, 1, 2},
      {288, 33, 256, false, false, 1.0f, 0.5f},  {289, 47, 256, false, false, 1.0f, 0.0f},
      {144, 95, 256, true, false, 1.0f, 0.0f},   {145, 31, 257, false, false, 1.0f, 1.0f},
      {128, 129, 256, false, true, 1.0f, 0.0f},  {129, 17, 255, true, true, 1.0f, 0.0f},
      {5, 4099, 3, false, false, 1.0f, 0.0f},    {13, 75, 1, false, false, 1.0f, -1.0f, 0, 0, 5},
      // Several column chunks and K blocks with B not transposed: each block's
      // kernels prefetch the next block's lines (tails not a multiple of 16).
      {16, 600, 700, false, false, 1.0f, 1.0f, 0, 3, 0}, {1, 533, 600, true, false, 1.0f, 0.0f},
      {48, 1001, 832, true, false, 0.5f, 0.0f, 0, 0, 2},
  };
  uint32_t seed = 3000;
  on_each_thread_count_and_level([&] {
    for (const GemmCase& t : cases) check_against_ref(t, blocked, seed++);
  });
}

TEST_CASE("gemm_blocked's small-A path packing B inside the first row tile's kernel agrees with gemm_ref", "[gemm]") {
  // With all of op(A) in one packed block, at most 4 row tiles (AVX-512 12
  // rows: M <= 48; NEON 8: 32; AVX2 6: 24; scalar 4: 16) and B not
  // transposed, gemm_small_a_range walks B one micro-panel at a time and the
  // first tile's kernel reads it in place, storing the packed panel the other
  // tiles read; a last panel that is not whole vectors is packed beforehand.
  // These shapes cross the tile bound for each kernel, with column tails of
  // whole and of partial vectors, a single panel, padded rows, alpha, beta and
  // a bias. K > kc (256) runs there on 2 threads (a column split; on 1 thread
  // the K-strips path takes it), where the kernels prefetch two blocks ahead
  // across K blocks and columns.
  const GemmCase cases[] = {
      {16, 4096, 192, false, false, 1.0f, 0.0f},
      {12, 1040, 100, true, false, 0.5f, 1.0f, 2, 3, 1, true},
      {48, 48, 192, false, false, 1.0f, 0.5f, 0, 5, 0, true},
      {49, 530, 64, false, false, -1.0f, 0.0f},
      {24, 4099, 150, false, false, 1.0f, 1.0f, 1, 0, 3},
      {25, 16, 256, true, false, 2.0f, 0.0f, 0, 0, 0, true},
      {32, 1000, 600, false, false, 1.0f, 0.5f, 0, 2, 1, true},
      {33, 333, 300, true, false, 1.0f, 0.0f},
      {17, 97, 40, false, false, 0.75f, 1.0f, 0, 1, 2, true},
      {3, 5000, 7, false, false, 1.0f, 0.0f},
  };
  uint32_t seed = 6000;
  on_each_thread_count_and_level([&] {
    for (const GemmCase& t : cases) check_against_ref(t, blocked, seed++);
  });
}

TEST_CASE("gemm_blocked's K-strips path (few rows, deep K, B read in place) agrees with gemm_ref around its bounds",
          "[gemm]") {
  // With at most 4 row tiles (AVX-512 12 rows: M <= 48; NEON 8: 32; AVX2 6:
  // 24; scalar 4: 16), K > kc (256), B not transposed and a thread's range
  // covering whole rows, gemm_blocked reads B unpacked in strips of up to 64
  // rows (gemm_k_strips_range). These shapes cross each of those bounds, with
  // several strips and column chunks (M x chunk <= 2^17 floats), column tails
  // that are not whole vectors (packed instead), rows of B, A and C padded,
  // alpha, beta and a bias; on 2 threads, the narrow ones stay one range,
  // and those with M x N <= 2^17 and K >= 128 split K between the threads
  // (gemm_k_split: each slice on the small-A path, slice 0 into C with beta
  // and the bias, the other added).
  const GemmCase cases[] = {
      {16, 1024, 480, true, false, 0.5f, 1.0f, 3, 0, 4, true},
      {32, 256, 833, false, false, -1.0f, 0.5f, 0, 2, 1, true},
      {16, 1024, 480, false, false, 1.0f, 0.0f},
      {48, 3001, 300, false, false, 0.5f, 1.0f, 1, 5, 2},
      {49, 700, 300, false, false, 1.0f, 0.0f},
      {24, 65, 257, false, false, 1.0f, 0.5f, 0, 3, 1, true},
      {25, 90, 257, false, false, -1.0f, 0.0f, 2, 0, 0, true},
      {32, 40, 256, false, false, 1.0f, 1.0f},
      {1, 40, 1000, true, false, 1.0f, 0.5f, 0, 7, 0},
      {7, 1000, 513, false, false, 2.0f, 0.0f, 0, 0, 3, true},
      {16, 33, 700, false, true, 1.0f, 0.0f},
  };
  uint32_t seed = 4000;
  on_each_thread_count_and_level([&] {
    for (const GemmCase& t : cases) check_against_ref(t, blocked, seed++);
  });
}

TEST_CASE("gemm_blocked's small-K path (more rows than K, one K block) agrees with gemm_ref on both sides", "[gemm]") {
  // With all of op(A) packed in one block, K <= kc (256) and M > K (and,
  // above K = 48, M >= 160), gemm_blocked walks each row tile across a wide
  // chunk of B (gemm_small_k_range); otherwise the other loops. GoogLeNet's
  // narrow convolutions backward to the input are M = 192..832 rows, K =
  // 16..64; conv1's backward, M = 147, K = 64, is on the other side.
  const GemmCase cases[] = {
      {192, 300, 16, true, false, 1.0f, 0.0f},          {200, 517, 48, true, false, 2.0f, 1.0f, 1, 3, 5},
      {49, 70, 48, false, false, 1.0f, 0.0f},           {48, 70, 48, false, false, 1.0f, 0.5f},
      {270, 45, 256, true, false, 1.0f, 0.0f},          {260, 45, 257, true, false, 1.0f, 0.0f},
      {97, 2100, 24, true, false, -1.0f, 0.0f, 0, 0, 9}, {832, 40, 32, true, true, 0.5f, 1.0f},
      {64, 4099, 17, false, false, 1.0f, 1.0f},         {25, 1, 1, true, false, 1.0f, 0.0f},
      {147, 1536, 64, true, false, 1.0f, 0.0f},         {159, 70, 64, true, false, 1.0f, 1.0f},
      {160, 70, 64, false, false, 1.0f, 0.0f},          {159, 95, 49, true, false, 0.5f, 0.0f, 0, 0, 4},
  };
  // And a grid of tiny M and K around both the switch (M vs K) and the tile
  // sizes, with column tails.
  const int64_t ms[] = {1, 2, 13, 17, 47, 48, 49, 64};
  const int64_t ks[] = {1, 2, 15, 16, 47, 48};
  const int64_t ns[] = {1, 17, 33, 95};
  uint32_t seed = 5000;
  on_each_thread_count_and_level([&] {
    for (const GemmCase& t : cases) check_against_ref(t, blocked, seed++);
    for (int64_t m : ms)
      for (int64_t k : ks)
        for (int64_t n : ns) {
          const bool trans_a = (m + k) % 2 == 0;
          const float beta = n % 2 == 0 ? 0.0f : 1.0f;
          const float alpha = k % 3 == 0 ? 1.0f : 0.75f;
          check_against_ref(GemmCase{m, n, k, trans_a, false, alpha, beta, 0, 0, n % 3}, blocked, seed++);
        }
  });
}

TEST_CASE("gemm with a bias adds bias[i] to row i exactly once, on every path, backend, SIMD level and thread count",
          "[gemm]") {
  // Each of gemm_blocked's paths applies the bias in its first K block only:
  // tiny (edge tiles), small-A over several K blocks (with and without the
  // prefetching kernels), small-K, the Goto loops over several K and B blocks,
  // the row split, K = 0; beta 0 (C unread), 1 and 0.5; alpha != 1.
  const GemmCase cases[] = {
      {5, 7, 3, false, false, 1.0f, 0.0f, 0, 0, 2, true},     {24, 1024, 512, false, false, 1.0f, 0.0f, 0, 0, 0, true},
      {16, 600, 700, false, false, -0.5f, 1.0f, 0, 3, 0, true}, {512, 300, 24, true, false, 1.0f, 0.0f, 0, 0, 1, true},
      {341, 2077, 263, false, false, 1.0f, 0.5f, 0, 0, 0, true}, {200, 20, 301, true, true, 2.0f, 0.0f, 1, 2, 3, true},
      {64, 4099, 64, false, false, 1.0f, 0.0f, 0, 0, 0, true},  {9, 18, 0, false, false, 1.0f, 0.5f, 0, 0, 3, true},
  };
  const GemmBackend saved = gemm_backend();
  uint32_t seed = 7000;
  for (GemmBackend backend : {GemmBackend::Blocked, GemmBackend::Blas}) {
    set_gemm_backend(backend);
    INFO("backend " << gemm_backend_name());
    on_each_thread_count_and_level([&] {
      for (const GemmCase& t : cases) check_against_ref(t, dispatched, seed++);
    });
  }
  set_gemm_backend(saved);
}

TEST_CASE("gemm dispatcher gives reference results with each backend", "[gemm]") {
  const GemmBackend saved = gemm_backend();
  for (GemmBackend backend : {GemmBackend::Blocked, GemmBackend::Blas}) {
    set_gemm_backend(backend);
    // Blas silently stays Blocked when OpenBLAS is not built in.
    if (backend == GemmBackend::Blocked) CHECK(gemm_backend() == GemmBackend::Blocked);
    INFO("backend " << gemm_backend_name());
    uint32_t seed = 3000;
    for (int trans = 0; trans < 4; ++trans) {
      check_against_ref(GemmCase{37, 53, 29, (trans & 1) != 0, (trans & 2) != 0, 1.0f, 0.0f, 2, 0, 1}, dispatched,
                        seed++);
      check_against_ref(GemmCase{64, 784, 192, (trans & 1) != 0, (trans & 2) != 0, -1.0f, 0.5f}, dispatched, seed++);
      check_against_ref(GemmCase{3, 5, 0, (trans & 1) != 0, (trans & 2) != 0, 1.0f, 0.0f}, dispatched, seed++);
    }
  }
  set_gemm_backend(saved);
  CHECK(gemm_backend() == saved);
}

TEST_CASE("gemm backend choice prefers OpenBLAS only when its kernels are as wide as ours", "[gemm]") {
  using gemm_detail::choose_gemm_backend;
  const GemmBackend blas = GemmBackend::Blas, blocked = GemmBackend::Blocked;
  // Debian 12's OpenBLAS on a CPU newer than its table falls back to Prescott.
  CHECK(choose_gemm_backend(true, "Prescott", SimdLevel::Avx512, nullptr) == blocked);
  CHECK(choose_gemm_backend(true, "Prescott", SimdLevel::Avx2, nullptr) == blocked);
  CHECK(choose_gemm_backend(true, "Haswell", SimdLevel::Avx512, nullptr) == blocked);
  CHECK(choose_gemm_backend(true, "Haswell", SimdLevel::Avx2, nullptr) == blas);
  CHECK(choose_gemm_backend(true, "SkylakeX", SimdLevel::Avx512, nullptr) == blas);
  CHECK(choose_gemm_backend(true, "Zen", SimdLevel::Avx2, nullptr) == blas);
  CHECK(choose_gemm_backend(true, "NeoverseN1", SimdLevel::Neon, nullptr) == blas);
  CHECK(choose_gemm_backend(true, "Prescott", SimdLevel::Scalar, nullptr) == blas);
  CHECK(choose_gemm_backend(true, nullptr, SimdLevel::Avx2, nullptr) == blocked);
  // Without OpenBLAS there is nothing to choose.
  CHECK(choose_gemm_backend(false, "", SimdLevel::Scalar, nullptr) == blocked);
  CHECK(choose_gemm_backend(false, "", SimdLevel::Avx512, "blas") == blocked);
  // DREAM_GEMM overrides the heuristic both ways; unknown values are ignored.
  CHECK(choose_gemm_backend(true, "Prescott", SimdLevel::Avx512, "blas") == blas);
  CHECK(choose_gemm_backend(true, "SkylakeX", SimdLevel::Avx512, "blocked") == blocked);
  CHECK(choose_gemm_backend(true, "SkylakeX", SimdLevel::Avx512, "fastest") == blas);
}

TEST_CASE("gemm rejects negative sizes and strides shorter than a row", "[gemm]") {
  std::vector<float> a(64, 1.0f), b(64, 1.0f), c(64, 0.0f);
  GemmArgs g;
  g.m = 4;
  g.n = 4;
  g.k = 4;
  g.a = a.data();
  g.b = b.data();
  g.c = c.data();
  g.lda = 4;
  g.ldb = 4;
  g.ldc = 4;
  CHECK_NOTHROW(gemm(g));
  CHECK(c[0] == 4.0f);
  GemmArgs bad = g;
  bad.lda = 3;
  CHECK_THROWS_AS(gemm(bad), Error);
  bad = g;
  bad.trans_b = true;
  bad.n = 5;  // op(B) = B^T: B is stored 5 x 4, ldb 4 is fine; ldc 4 < n is not
  CHECK_THROWS_WITH(gemm(bad), Catch::Contains("ldc"));
  bad = g;
  bad.k = -1;
  CHECK_THROWS_AS(gemm(bad), Error);
}

}  // namespace dream
