// One-process timing of the network work of a DeepDream step, for the peer
// comparison in bench/peer/ (which runs the identical workload in PyTorch in
// its own process, so peak RSS is per engine).
//
//   bench_dream_step step HEIGHT WIDTH REPS   forward to inception_4c/output +
//                                             input gradient of mean(a^2)
//   bench_dream_step forward HEIGHT WIDTH REPS   forward of the whole network
//
// Prints one line "ms_median=<m> ms_min=<m> peak_rss_kb=<k> gemm=<backend>"
// after one untimed warm-up. With DREAM_PROFILE=1 it also prints a per-layer
// table (forward and backward time, GFLOP/s) of one extra step on stderr.
// Weights are random (He init): speed does not depend on their values.
// Threads: OMP_NUM_THREADS (as every OpenMP program).
//
// This file has its own main(); it is still linked with Google Benchmark
// like every bench_*.cpp, which is harmless.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "autograd/ops.h"
#include "models/googlenet.h"
#include "nn/profile.h"
#include "tensor/gemm.h"
#include "tensor/malloc_tuning.h"

namespace {

dream::Tensor input(int64_t h, int64_t w) {
  dream::Tensor x({1, 3, h, w});
  uint32_t s = 12345;
  for (int64_t i = 0; i < x.numel(); ++i) {
    s = s * 1664525u + 1013904223u;
    x[i] = static_cast<float>(s >> 8) / 16777216.0f * 255.0f - 127.5f;
  }
  return x;
}

void run_once(const dream::models::GoogLeNet& net, const dream::Tensor& x, bool step) {
  dream::autograd::Tape tape;
  if (step) {
    auto v = tape.leaf(x, true);
    auto a = net.forward(tape, v, {"inception_4c/output"}).at("inception_4c/output");
    auto loss = dream::autograd::mean_squares(tape, a);
    tape.backward(loss);
    if (v.grad().numel() != x.numel()) std::abort();
  } else {
    auto v = tape.constant(x);
    auto out = net.forward(tape, v, {"prob"});
    if (out.at("prob").value().numel() != 1000) std::abort();
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s step|forward HEIGHT WIDTH REPS\n", argv[0]);
    return 2;
  }
  dream::keep_freed_memory();  // as the dream tool does
  const std::string mode = argv[1];
  const int64_t h = std::atoll(argv[2]), w = std::atoll(argv[3]);
  const int reps = std::max(1, std::atoi(argv[4]));
  const bool step = mode == "step";
  const auto net = dream::models::GoogLeNet::with_random_weights(1);
  const dream::Tensor x = input(h, w);

  run_once(net, x, step);  // warm-up: page faults, thread pool start
  std::vector<double> ms;
  for (int i = 0; i < reps; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    run_once(net, x, step);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("ms_median=%.2f ms_min=%.2f peak_rss_kb=%ld gemm=%s\n", ms[ms.size() / 2], ms[0], ru.ru_maxrss,
              dream::gemm_backend_name());

  if (const char* p = std::getenv("DREAM_PROFILE"); p && std::string(p) == "1") {
    dream::nn::profile::enable(true);
    run_once(net, x, step);
    dream::nn::profile::print(stderr);
  }
  return 0;
}
