// The memory-bound ops of a DeepDream step -- max pooling, LRN, channel
// concat -- on GoogLeNet's (bvlc_googlenet) shapes at 512x512 network input,
// optimised kernel against its *_ref, forward and backward. The last
// argument is the thread count (1 or 2). Counter GB/s = bytes the op must
// read and write at least (each input and output once) per second.
//   bench_memops --benchmark_filter='lrn.*/1$'
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "tensor/concat.h"
#include "tensor/lrn.h"
#include "tensor/parallel.h"
#include "tensor/pool.h"

namespace {

struct PoolShape {
  const char* name;
  int64_t c, size, k, stride, pad;
};

// Caffe ceil-mode pools at 512 input: 256 -> 128 -> 64 -> 32.
const PoolShape kPools[] = {
    {"pool1/3x3_s2", 64, 256, 3, 2, 0},      {"pool2/3x3_s2", 192, 128, 3, 2, 0},
    {"inception_3a/pool", 192, 64, 3, 1, 1}, {"inception_3b/pool", 256, 64, 3, 1, 1},
    {"pool3/3x3_s2", 480, 64, 3, 2, 0},      {"inception_4a/pool", 480, 32, 3, 1, 1},
};

struct LrnShape {
  const char* name;
  int64_t c, size;
};

const LrnShape kLrns[] = {{"pool1/norm1", 64, 128}, {"conv2/norm2", 192, 128}};

struct ConcatShape {
  const char* name;
  std::vector<int64_t> channels;
  int64_t size;
};

const ConcatShape kConcats[] = {{"inception_3b/output", {128, 192, 96, 64}, 64},
                                {"inception_4c/output", {128, 256, 64, 64}, 32}};

std::vector<float> ramp(int64_t n) {
  std::vector<float> v(static_cast<size_t>(n));
  // Pseudo-random in [-2, 2): a linear congruential walk, no ties in practice.
  uint32_t s = 12345;
  for (float& x : v) {
    s = s * 1664525u + 1013904223u;
    x = float(s >> 8) / float(1 << 24) * 4.0f - 2.0f;
  }
  return v;
}

dream::Pool2dParams pool_params(const PoolShape& s) {
  dream::Pool2dParams p;
  p.c = s.c, p.h_in = s.size, p.w_in = s.size, p.kh = s.k, p.kw = s.k, p.stride_h = s.stride, p.stride_w = s.stride;
  p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = s.pad;
  p.ceil_mode = true;
  return p;
}

dream::LrnParams lrn_params(const LrnShape& s) {
  dream::LrnParams p;
  p.c = s.c, p.h = s.size, p.w = s.size, p.size = 5, p.alpha = 1e-4f, p.beta = 0.75f, p.bias = 1.0f;
  return p;
}

void set_bytes(benchmark::State& state, int64_t floats) {
  state.counters["GB/s"] =
      benchmark::Counter(double(floats) * 4.0 * double(state.iterations()) / 1e9, benchmark::Counter::kIsRate);
}

enum class PoolRun { Forward, ForwardRef, ForwardArgmax, BackwardArgmax, BackwardSearch, BackwardRef };

void bm_maxpool(benchmark::State& state, PoolRun run) {
  const PoolShape& shape = kPools[state.range(0)];
  dream::set_max_threads(int(state.range(1)));
  const dream::Pool2dParams p = pool_params(shape);
  const int64_t in_n = p.c * p.h_in * p.w_in, out_n = p.c * p.h_out() * p.w_out();
  std::vector<float> x = ramp(in_n), y(static_cast<size_t>(out_n)), g = ramp(out_n), gx(static_cast<size_t>(in_n));
  std::vector<int32_t> arg(static_cast<size_t>(out_n));
  dream::maxpool2d_forward_argmax(p, x.data(), y.data(), arg.data());
  for (auto _ : state) {
    switch (run) {
      case PoolRun::Forward:
        dream::maxpool2d_forward(p, x.data(), y.data());
        break;
      case PoolRun::ForwardRef:
        dream::maxpool2d_forward_ref(p, x.data(), y.data());
        break;
      case PoolRun::ForwardArgmax:
        dream::maxpool2d_forward_argmax(p, x.data(), y.data(), arg.data());
        break;
      case PoolRun::BackwardArgmax:
        dream::maxpool2d_backward_argmax(p, arg.data(), g.data(), gx.data());
        break;
      case PoolRun::BackwardSearch:
        dream::maxpool2d_backward(p, x.data(), g.data(), gx.data());
        break;
      case PoolRun::BackwardRef:
        dream::maxpool2d_backward_ref(p, x.data(), g.data(), gx.data());
        break;
    }
    benchmark::ClobberMemory();
  }
  const bool argmax_out = run == PoolRun::ForwardArgmax || run == PoolRun::BackwardArgmax;
  set_bytes(state, in_n + out_n * (argmax_out ? 2 : 1));
  state.SetLabel(shape.name);
  dream::set_max_threads(2);
}

enum class LrnRun { Forward, ForwardRef, Backward, BackwardRef };

void bm_lrn(benchmark::State& state, LrnRun run) {
  const LrnShape& shape = kLrns[state.range(0)];
  dream::set_max_threads(int(state.range(1)));
  const dream::LrnParams p = lrn_params(shape);
  const int64_t n = p.c * p.h * p.w;
  std::vector<float> x = ramp(n), y(static_cast<size_t>(n)), g = ramp(n), gx(static_cast<size_t>(n));
  dream::lrn_forward(p, x.data(), y.data(), nullptr);
  for (auto _ : state) {
    switch (run) {
      case LrnRun::Forward:
        dream::lrn_forward(p, x.data(), y.data(), nullptr);
        break;
      case LrnRun::ForwardRef:
        dream::lrn_forward_ref(p, x.data(), y.data(), nullptr);
        break;
      case LrnRun::Backward:
        dream::lrn_backward(p, x.data(), nullptr, nullptr, g.data(), gx.data());
        break;
      case LrnRun::BackwardRef:
        dream::lrn_backward_ref(p, x.data(), y.data(), nullptr, g.data(), gx.data());
        break;
    }
    benchmark::ClobberMemory();
  }
  set_bytes(state, run == LrnRun::Forward || run == LrnRun::ForwardRef ? 2 * n : 3 * n);
  state.SetLabel(shape.name);
  dream::set_max_threads(2);
}

void bm_concat(benchmark::State& state, bool split) {
  const ConcatShape& shape = kConcats[state.range(0)];
  dream::set_max_threads(int(state.range(1)));
  const int64_t hw = shape.size * shape.size;
  std::vector<std::vector<float>> parts;
  std::vector<dream::ConcatPart> spans;
  std::vector<float*> grads;
  int64_t total = 0;
  for (int64_t c : shape.channels) {
    parts.push_back(ramp(c * hw));
    spans.push_back({parts.back().data(), c});
    grads.push_back(parts.back().data());
    total += c;
  }
  std::vector<float> out = ramp(total * hw);
  for (auto _ : state) {
    if (split)
      dream::split_channels(1, hw, out.data(), shape.channels, grads);
    else
      dream::concat_channels(1, hw, spans, out.data());
    benchmark::ClobberMemory();
  }
  set_bytes(state, 2 * total * hw);
  state.SetLabel(shape.name);
  dream::set_max_threads(2);
}

void pool_args(benchmark::internal::Benchmark* b) {
  for (int64_t i = 0; i < int64_t(sizeof(kPools) / sizeof(kPools[0])); ++i) b->Args({i, 1})->Args({i, 2});
  b->Unit(benchmark::kMillisecond);
}
void lrn_args(benchmark::internal::Benchmark* b) {
  for (int64_t i = 0; i < int64_t(sizeof(kLrns) / sizeof(kLrns[0])); ++i) b->Args({i, 1})->Args({i, 2});
  b->Unit(benchmark::kMillisecond);
}
void concat_args(benchmark::internal::Benchmark* b) {
  for (int64_t i = 0; i < int64_t(sizeof(kConcats) / sizeof(kConcats[0])); ++i) b->Args({i, 1})->Args({i, 2});
  b->Unit(benchmark::kMillisecond);
}

BENCHMARK_CAPTURE(bm_maxpool, maxpool_forward, PoolRun::Forward)->Apply(pool_args);
BENCHMARK_CAPTURE(bm_maxpool, maxpool_forward_ref, PoolRun::ForwardRef)->Apply(pool_args);
BENCHMARK_CAPTURE(bm_maxpool, maxpool_forward_argmax, PoolRun::ForwardArgmax)->Apply(pool_args);
BENCHMARK_CAPTURE(bm_maxpool, maxpool_backward_argmax, PoolRun::BackwardArgmax)->Apply(pool_args);
BENCHMARK_CAPTURE(bm_maxpool, maxpool_backward_search, PoolRun::BackwardSearch)->Apply(pool_args);
BENCHMARK_CAPTURE(bm_maxpool, maxpool_backward_ref, PoolRun::BackwardRef)->Apply(pool_args);
BENCHMARK_CAPTURE(bm_lrn, lrn_forward, LrnRun::Forward)->Apply(lrn_args);
BENCHMARK_CAPTURE(bm_lrn, lrn_forward_ref, LrnRun::ForwardRef)->Apply(lrn_args);
BENCHMARK_CAPTURE(bm_lrn, lrn_backward, LrnRun::Backward)->Apply(lrn_args);
BENCHMARK_CAPTURE(bm_lrn, lrn_backward_ref, LrnRun::BackwardRef)->Apply(lrn_args);
BENCHMARK_CAPTURE(bm_concat, concat, false)->Apply(concat_args);
BENCHMARK_CAPTURE(bm_concat, split, true)->Apply(concat_args);

}  // namespace

BENCHMARK_MAIN();
