// GEMM throughput (FLOP/s counter, 2*M*N*K per call) of our blocked GEMM at
// every SIMD level this CPU supports and of OpenBLAS (when built with it), on
// square sizes and on the shapes GoogLeNet's convolutions become (im2col:
// M = output channels, K = input channels * kernel area, N = output pixels),
// with 1 and 2 threads. Run: ./bench_gemm [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "tensor/cpu_features.h"
#include "tensor/gemm.h"
#include "tensor/parallel.h"

#if defined(DREAM_HAVE_BLAS)
extern "C" void openblas_set_num_threads(int num_threads);  // OpenBLAS's own thread pool
#endif

namespace {

using dream::GemmArgs;
using dream::SimdLevel;

struct Shape {
  const char* name;
  int64_t m, n, k;
  bool trans_a, trans_b;
};

const Shape kShapes[] = {
    {"square256", 256, 256, 256, false, false},
    {"square512", 512, 512, 512, false, false},
    {"square1024", 1024, 1024, 1024, false, false},
    {"conv1_7x7", 64, 12544, 147, false, false},      // 3 -> 64, 112x112 out
    {"conv2_3x3", 192, 3136, 576, false, false},      // 64 -> 192, 56x56
    {"3a_1x1", 64, 784, 192, false, false},           // 192 -> 64, 28x28
    {"4a_1x1", 192, 196, 480, false, false},          // 480 -> 192, 14x14
    {"5b_1x1", 384, 49, 832, false, false},           // 832 -> 384, 7x7
    {"conv2_3x3_dW", 192, 576, 3136, false, true},    // weight gradient: dY * col^T
    {"conv2_3x3_dcol", 576, 3136, 192, true, false},  // input gradient: W^T * dY
    // Narrow pointwise convolutions at 512x512 input (memory-bound: few rows
    // of C, or few K): forward W * X and backward-input W^T * dY.
    {"512_conv2_reduce", 64, 16384, 64, false, false},     // 64 -> 64, 128x128
    {"512_3a_5x5_reduce", 16, 4096, 192, false, false},    // 192 -> 16, 64x64
    {"512_4a_5x5_reduce", 16, 1024, 480, false, false},    // 480 -> 16, 32x32
    {"512_4c_5x5_reduce", 24, 1024, 512, false, false},    // 512 -> 24, 32x32
    {"512_3a_pool_proj", 32, 4096, 192, false, false},     // 192 -> 32, 64x64
    {"512_3a_5x5_reduce_dx", 192, 4096, 16, true, false},  // backward-input of the above
    {"512_4a_5x5_reduce_dx", 480, 1024, 16, true, false},
    {"512_5a_5x5_reduce_dx", 832, 256, 32, true, false},
};

void run_gemm(benchmark::State& state, const Shape& s, bool use_blas, SimdLevel level, int threads) {
  std::vector<float> a(static_cast<size_t>(s.m * s.k), 0.5f), b(static_cast<size_t>(s.k * s.n), 0.25f),
      c(static_cast<size_t>(s.m * s.n), 0.0f);
  GemmArgs g;
  g.trans_a = s.trans_a;
  g.trans_b = s.trans_b;
  g.m = s.m;
  g.n = s.n;
  g.k = s.k;
  g.a = a.data();
  g.lda = s.trans_a ? s.m : s.k;
  g.b = b.data();
  g.ldb = s.trans_b ? s.k : s.n;
  g.c = c.data();
  g.ldc = s.n;
  dream::ScopedSimdLevel scoped(level);
  dream::set_max_threads(threads);
#if defined(DREAM_HAVE_BLAS)
  openblas_set_num_threads(threads);
#endif
  dream::set_gemm_backend(use_blas ? dream::GemmBackend::Blas : dream::GemmBackend::Blocked);
  for (auto _ : state) {
    dream::gemm(g);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  state.counters["FLOPS"] = benchmark::Counter(2.0 * s.m * s.n * s.k, benchmark::Counter::kIsIterationInvariantRate,
                                               benchmark::Counter::kIs1000);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<SimdLevel> levels;
  for (SimdLevel l : {SimdLevel::Scalar, SimdLevel::Neon, SimdLevel::Avx2, SimdLevel::Avx512})
    if (dream::cpu_supports(l)) levels.push_back(l);
  const int max_threads = dream::max_threads();
  for (const Shape& s : kShapes) {
    for (int threads : {1, 2}) {
      if (threads > max_threads) continue;
      for (SimdLevel l : levels) {
        const std::string name =
            std::string("blocked_") + dream::simd_level_name(l) + "/" + s.name + "/threads:" + std::to_string(threads);
        benchmark::RegisterBenchmark(name.c_str(), run_gemm, s, false, l, threads)->UseRealTime();
      }
#if defined(DREAM_HAVE_BLAS)
      const std::string name = std::string("openblas/") + s.name + "/threads:" + std::to_string(threads);
      benchmark::RegisterBenchmark(name.c_str(), run_gemm, s, true, dream::best_simd_level(), threads)->UseRealTime();
#endif
    }
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
