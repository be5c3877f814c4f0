// The machine's FP32 fused-multiply-add peak, measured, so kernel speeds can
// be reported as a fraction of it in the same run (issue 5: convolutions at
// >= 60% of peak). A register-only loop: 12 independent accumulators (enough
// to cover 4-cycle FMA latency on 2 FMA ports), no memory traffic.
// Counter GFLOP/s = 2 FLOP per lane per FMA.
//   bench_fma_peak                 # scalar, AVX2, AVX-512 where the CPU has them; 1 and 2 threads
// bench/conv_efficiency.sh runs this and bench_conv and prints the ratios.
#include <benchmark/benchmark.h>

#include <thread>
#include <vector>

#include "tensor/cpu_features.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace {

constexpr int kAccumulators = 12;
constexpr int64_t kIterations = 1 << 22;  // FMAs per accumulator per call

// Returns a value depending on every accumulator so nothing is optimised away.
float fma_loop_scalar(float seed) {
  float acc[kAccumulators];
  for (int i = 0; i < kAccumulators; ++i) acc[i] = seed + static_cast<float>(i);
  const float a = 0.999999f, b = 1e-7f;
  for (int64_t it = 0; it < kIterations; ++it)
    for (int i = 0; i < kAccumulators; ++i) acc[i] = acc[i] * a + b;
  float s = 0;
  for (float v : acc) s += v;
  return s;
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) float fma_loop_avx2(float seed) {
  __m256 acc[kAccumulators];
  for (int i = 0; i < kAccumulators; ++i) acc[i] = _mm256_set1_ps(seed + static_cast<float>(i));
  const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
  for (int64_t it = 0; it < kIterations; ++it)
    for (int i = 0; i < kAccumulators; ++i) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
  __m256 s = acc[0];
  for (int i = 1; i < kAccumulators; ++i) s = _mm256_add_ps(s, acc[i]);
  float out[8];
  _mm256_storeu_ps(out, s);
  return out[0] + out[7];
}

__attribute__((target("avx512f"))) float fma_loop_avx512(float seed) {
  __m512 acc[kAccumulators];
  for (int i = 0; i < kAccumulators; ++i) acc[i] = _mm512_set1_ps(seed + static_cast<float>(i));
  const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
  for (int64_t it = 0; it < kIterations; ++it)
    for (int i = 0; i < kAccumulators; ++i) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
  __m512 s = acc[0];
  for (int i = 1; i < kAccumulators; ++i) s = _mm512_add_ps(s, acc[i]);
  float out[16];
  _mm512_storeu_ps(out, s);
  return out[0] + out[15];
}
#endif

// Runs `loop` on `threads` threads at once; FLOPs counted over all of them.
template <typename Loop>
void run_peak(benchmark::State& state, Loop loop, int lanes) {
  const int threads = static_cast<int>(state.range(0));
  float sink = 0;
  for (auto _ : state) {
    std::vector<std::thread> pool;
    std::vector<float> out(static_cast<size_t>(threads));
    for (int t = 0; t < threads; ++t) pool.emplace_back([&out, t, loop] { out[static_cast<size_t>(t)] = loop(1.0f + t); });
    for (std::thread& th : pool) th.join();
    for (float v : out) sink += v;
  }
  benchmark::DoNotOptimize(sink);
  const double flops = 2.0 * lanes * kAccumulators * static_cast<double>(kIterations) * threads;
  state.counters["GFLOP/s"] =
      benchmark::Counter(flops * static_cast<double>(state.iterations()) / 1e9, benchmark::Counter::kIsRate);
}

void BM_fma_peak_scalar(benchmark::State& state) { run_peak(state, fma_loop_scalar, 1); }
BENCHMARK(BM_fma_peak_scalar)->Name("fma_peak/scalar")->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

#if defined(__x86_64__)
void BM_fma_peak_avx2(benchmark::State& state) {
  if (!dream::cpu_supports(dream::SimdLevel::Avx2)) return state.SkipWithError("no AVX2 on this CPU");
  run_peak(state, fma_loop_avx2, 8);
}
BENCHMARK(BM_fma_peak_avx2)->Name("fma_peak/avx2")->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_fma_peak_avx512(benchmark::State& state) {
  if (!dream::cpu_supports(dream::SimdLevel::Avx512)) return state.SkipWithError("no AVX-512 on this CPU");
  run_peak(state, fma_loop_avx512, 16);
}
BENCHMARK(BM_fma_peak_avx512)->Name("fma_peak/avx512")->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
#endif

}  // namespace
BENCHMARK_MAIN();
