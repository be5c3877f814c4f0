// Whole-network timings of bvlc_googlenet:
//  * forward of the full network (to "prob") at 224x224, as dream-classify;
//  * forward to inception_4c/output + input gradient of mean(a^2) at 512x512,
//    one DeepDream step's network work at a typical octave size.
// Weights: the real ones if the tools' model search finds them (DREAM_MODEL,
// the cache dir, weights/ of the checkout), else random ones -- the timing
// does not depend on the values.
#include <benchmark/benchmark.h>

#include <cstdio>

#include "autograd/ops.h"
#include "models/googlenet.h"
#include "weights/model_path.h"

namespace {

const dream::models::GoogLeNet& network() {
  static const dream::models::GoogLeNet net = [] {
    try {
      const std::string path = dream::weights::find_model_file("");
      std::fprintf(stderr, "bench_googlenet: weights %s\n", path.c_str());
      return dream::models::GoogLeNet::load(path);
    } catch (const dream::Error&) {
      std::fprintf(stderr, "bench_googlenet: no weight file found, using random weights\n");
      return dream::models::GoogLeNet::with_random_weights(1);
    }
  }();
  return net;
}

dream::Tensor input(int64_t side) {
  dream::Tensor x({1, 3, side, side});
  uint32_t s = 12345;
  for (int64_t i = 0; i < x.numel(); ++i) {
    s = s * 1664525u + 1013904223u;
    x[i] = static_cast<float>(s >> 8) / 16777216.0f * 255.0f - 127.5f;
  }
  return x;
}

void BM_GoogLeNetForward224(benchmark::State& state) {
  const auto& net = network();
  const dream::Tensor x = input(224);
  for (auto _ : state) {
    dream::autograd::Tape tape;
    auto v = tape.constant(x);
    auto out = net.forward(tape, v, {"prob"});
    benchmark::DoNotOptimize(out.at("prob").value().data());
  }
}
BENCHMARK(BM_GoogLeNetForward224)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_GoogLeNetForwardBackward512ToInception4c(benchmark::State& state) {
  const auto& net = network();
  const dream::Tensor x = input(512);
  for (auto _ : state) {
    dream::autograd::Tape tape;
    auto v = tape.leaf(x, true);
    auto a = net.forward(tape, v, {"inception_4c/output"}).at("inception_4c/output");
    auto loss = dream::autograd::mean_squares(tape, a);
    tape.backward(loss);
    benchmark::DoNotOptimize(v.grad().data());
  }
}
BENCHMARK(BM_GoogLeNetForwardBackward512ToInception4c)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_GoogLeNetForward512ToInception4c(benchmark::State& state) {
  const auto& net = network();
  const dream::Tensor x = input(512);
  for (auto _ : state) {
    dream::autograd::Tape tape;
    auto v = tape.constant(x);
    auto out = net.forward(tape, v, {"inception_4c/output"});
    benchmark::DoNotOptimize(out.at("inception_4c/output").value().data());
  }
}
BENCHMARK(BM_GoogLeNetForward512ToInception4c)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
