// conv2d forward and backward-to-input on every convolution of GoogLeNet
// (bvlc_googlenet's 57 layer shapes), at 224x224 input (the classification
// size) and 512x512 (a typical DeepDream octave), under each GEMM backend.
// Counter GFLOP/s = 2*Co*Ci*kh*kw*Ho*Wo per call / time (for Winograd an
// "effective" rate: it does fewer multiplications than that count).
// 3x3 stride-1 layers also run .../gemm and .../winograd: each path alone;
// layers the direct convolution supports with a kernel above 1x1 run
// .../gemm and .../direct.
//   bench_conv --benchmark_filter=forward/.*/224
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "tensor/conv2d.h"
#include "tensor/conv2d_direct.h"
#include "tensor/conv2d_weight_cache.h"
#include "tensor/conv2d_winograd.h"
#include "tensor/cpu_features.h"
#include "tensor/gemm.h"

namespace {

struct LayerShape {
  std::string name;
  int64_t c_in, c_out, k, stride, pad;
  // Input spatial size at 224 and at 512 network input (Caffe ceil-mode pools:
  // 224 -> 112 -> 56 -> 28 -> 14 -> 7,  512 -> 256 -> 128 -> 64 -> 32 -> 16).
  int64_t size_224, size_512;
};

// One inception module's channel counts, as in bvlc_googlenet's deploy.prototxt.
struct Inception {
  const char* name;
  int64_t c_in, c1x1, c3x3_reduce, c3x3, c5x5_reduce, c5x5, pool_proj;
  int64_t size_224, size_512;
};

const Inception kInceptions[] = {
    {"inception_3a", 192, 64, 96, 128, 16, 32, 32, 28, 64},
    {"inception_3b", 256, 128, 128, 192, 32, 96, 64, 28, 64},
    {"inception_4a", 480, 192, 96, 208, 16, 48, 64, 14, 32},
    {"inception_4b", 512, 160, 112, 224, 24, 64, 64, 14, 32},
    {"inception_4c", 512, 128, 128, 256, 24, 64, 64, 14, 32},
    {"inception_4d", 512, 112, 144, 288, 32, 64, 64, 14, 32},
    {"inception_4e", 528, 256, 160, 320, 32, 128, 128, 14, 32},
    {"inception_5a", 832, 256, 160, 320, 32, 128, 128, 7, 16},
    {"inception_5b", 832, 384, 192, 384, 48, 128, 128, 7, 16},
};

// Every convolution of the network, in network order (57 layers), and the
// stacked 1x1 convolution of each inception module.
std::vector<LayerShape> all_layers() {
  std::vector<LayerShape> v = {
      {"conv1/7x7_s2", 3, 64, 7, 2, 3, 224, 512},
      {"conv2/3x3_reduce", 64, 64, 1, 1, 0, 56, 128},
      {"conv2/3x3", 64, 192, 3, 1, 1, 56, 128},
  };
  for (const Inception& m : kInceptions) {
    const std::string n = m.name;
    const int64_t s224 = m.size_224, s512 = m.size_512;
    v.push_back({n + "/1x1", m.c_in, m.c1x1, 1, 1, 0, s224, s512});
    v.push_back({n + "/3x3_reduce", m.c_in, m.c3x3_reduce, 1, 1, 0, s224, s512});
    v.push_back({n + "/3x3", m.c3x3_reduce, m.c3x3, 3, 1, 1, s224, s512});
    v.push_back({n + "/5x5_reduce", m.c_in, m.c5x5_reduce, 1, 1, 0, s224, s512});
    v.push_back({n + "/5x5", m.c5x5_reduce, m.c5x5, 5, 1, 2, s224, s512});
    v.push_back({n + "/pool_proj", m.c_in, m.pool_proj, 1, 1, 0, s224, s512});
    // What the engine runs for the first three 1x1s: one stacked convolution
    // (nn/pointwise_fusion.h), so 5x5_reduce never runs alone in a network.
    v.push_back({n + "/{1x1,3x3_reduce,5x5_reduce}", m.c_in, m.c1x1 + m.c3x3_reduce + m.c5x5_reduce, 1, 1, 0, s224,
                 s512});
  }
  return v;
}

dream::Conv2dParams params_for(const LayerShape& l, int64_t size) {
  dream::Conv2dParams p;
  p.c_in = l.c_in, p.c_out = l.c_out, p.h_in = size, p.w_in = size, p.kh = l.k, p.kw = l.k;
  p.stride_h = p.stride_w = l.stride;
  p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = l.pad;
  return p;
}

double flops(const dream::Conv2dParams& p) { return 2.0 * p.c_out * p.c_in * p.kh * p.kw * p.h_out() * p.w_out(); }

// Deterministic non-trivial data (values do not change the speed of float math).
std::vector<float> filled(int64_t n, float scale) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[i] = scale * static_cast<float>((i * 7919) % 1000 - 500) / 500.0f;
  return v;
}

// Which implementation a benchmark times: the dispatcher (conv2d_forward /
// conv2d_backward_input), or one path alone to compare them.
enum class Path { Dispatch, Gemm, Winograd, Direct };
const char* path_tag(Path path) {
  switch (path) {
    case Path::Gemm:
      return "/gemm";
    case Path::Winograd:
      return "/winograd";
    case Path::Direct:
      return "/direct";
    case Path::Dispatch:
      break;
  }
  return "";
}

// Direct-path weights packed once and kept, as a network layer runs them
// (nn::Conv2d's Conv2dWeightCache): the first call, outside the timing, packs.
void run_conv(benchmark::State& state, dream::Conv2dParams p, dream::GemmBackend backend, bool backward, Path path) {
  dream::set_gemm_backend(backend);
  const int64_t in_n = p.c_in * p.h_in * p.w_in, out_n = p.c_out * p.h_out() * p.w_out();
  const auto w = filled(p.c_out * p.c_in * p.kh * p.kw, 0.05f);
  const auto bias = filled(p.c_out, 0.1f);
  auto x = filled(in_n, 1.0f);
  auto y = filled(out_n, 1.0f);
  dream::Conv2dWeightCache cache;
  auto call = [&] {
    if (backward) {
      if (path == Path::Gemm) {
        dream::conv2d_backward_input_gemm(p, y.data(), w.data(), x.data());
      } else if (path == Path::Winograd) {
        dream::conv2d_backward_input_winograd(p, y.data(), w.data(), x.data());
      } else if (path == Path::Direct) {
        dream::conv2d_backward_input_direct(p, y.data(), w.data(), x.data(), &cache);
      } else {
        dream::conv2d_backward_input(p, y.data(), w.data(), x.data(), &cache);
      }
      benchmark::DoNotOptimize(x.data());
    } else {
      if (path == Path::Gemm) {
        dream::conv2d_forward_gemm(p, x.data(), w.data(), bias.data(), y.data());
      } else if (path == Path::Winograd) {
        dream::conv2d_forward_winograd(p, x.data(), w.data(), bias.data(), y.data());
      } else if (path == Path::Direct) {
        dream::conv2d_forward_direct(p, x.data(), w.data(), bias.data(), y.data(), &cache);
      } else {
        dream::conv2d_forward(p, x.data(), w.data(), bias.data(), y.data(), &cache);
      }
      benchmark::DoNotOptimize(y.data());
    }
  };
  call();
  for (auto _ : state) {
    call();
    benchmark::ClobberMemory();
  }
  state.counters["GFLOP/s"] = benchmark::Counter(flops(p) * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  // Per call, so a loaded machine's CPU-time rate (GFLOP / cpu_time, single
  // thread) can be worked out from the JSON output too.
  state.counters["GFLOP"] = flops(p) * 1e-9;
  state.SetLabel(dream::gemm_backend_name());
}

// The GEMM ceiling on this machine in the same run, for scale: a square
// product as large as the biggest conv GEMMs here.
void run_gemm(benchmark::State& state, dream::GemmBackend backend, int64_t n) {
  dream::set_gemm_backend(backend);
  const auto a = filled(n * n, 1.0f), b = filled(n * n, 1.0f);
  std::vector<float> c(static_cast<size_t>(n * n));
  dream::GemmArgs g;
  g.m = g.n = g.k = n;
  g.a = a.data(), g.lda = n, g.b = b.data(), g.ldb = n, g.c = c.data(), g.ldc = n;
  for (auto _ : state) {
    dream::gemm(g);
    benchmark::DoNotOptimize(c.data());
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * n * n * n * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["GFLOP"] = 2.0 * n * n * n * 1e-9;
  state.SetLabel(dream::gemm_backend_name());
}

std::vector<dream::GemmBackend> built_backends() {
#if defined(DREAM_HAVE_BLAS)
  return {dream::GemmBackend::Blocked, dream::GemmBackend::Blas};
#else
  return {dream::GemmBackend::Blocked};
#endif
}

const char* backend_tag(dream::GemmBackend b) { return b == dream::GemmBackend::Blas ? "blas" : "blocked"; }

void register_all() {
  for (auto backend : built_backends()) {
    const std::string tag = backend_tag(backend);
    benchmark::RegisterBenchmark(("gemm/1024/" + tag).c_str(), run_gemm, backend, int64_t{1024})
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
    for (bool backward : {false, true})
      for (int64_t input : {224, 512})
        for (const LayerShape& l : all_layers()) {
          const dream::Conv2dParams p = params_for(l, input == 224 ? l.size_224 : l.size_512);
          // Where Winograd applies, also each path alone (the dispatcher runs one of them).
          std::vector<Path> paths = {Path::Dispatch};
          if (dream::conv2d_winograd_supported(p)) paths = {Path::Dispatch, Path::Gemm, Path::Winograd};
          if (dream::conv2d_direct_supported(p) && p.kh > 1) paths.push_back(Path::Direct);
          if (paths.size() == 2) paths.insert(paths.begin() + 1, Path::Gemm);
          for (Path path : paths) {
            const std::string name = std::string(backward ? "backward_input/" : "forward/") + l.name + "/" +
                                     std::to_string(input) + "/" + tag + path_tag(path);
            benchmark::RegisterBenchmark(name.c_str(), run_conv, p, backend, backward, path)
                ->Unit(benchmark::kMillisecond)
                ->UseRealTime();
          }
        }
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("simd", dream::simd_level_name(dream::active_simd_level()));
  benchmark::AddCustomContext("default_gemm", dream::gemm_backend_name());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
