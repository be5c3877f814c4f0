// The Fourier parameterisation with the real bvlc_googlenet: activity
// maximisation of a class from a random spectrum raises that class's logit
// and makes it the top-1 within a bounded number of steps (measured on this
// build: bald eagle 5 steps, goldfish 6, volcano 3; the pixel path took 9, 3
// and 5 with step 3).
#include <algorithm>
#include <catch2/catch.hpp>

#include "dream/fourier_dream.h"
#include "dream/network_gradient.h"
#include "tests/googlenet_testing.h"

using namespace dream;

TEST_CASE("Fourier parameterisation: activity maximisation from noise raises the class logit and makes it top-1") {
  const models::GoogLeNet& net = test::real_googlenet();
  const int64_t cls = resolve_class(net.labels(), "bald eagle");
  Objective o;
  ObjectiveTerm t;
  t.blob = "loss3/classifier";
  t.kind = ObjectiveKind::ClassLogit;
  t.channel = cls;
  o.terms.push_back(t);
  NetworkGradient source(net, o);
  DreamSettings s;
  s.iterations = 12;
  s.jitter = 8;
  s.seed = 5;
  FourierSettings f;
  const FourierParam param(224, 224);
  const Tensor start = param.image(initial_spectrum(param, s, f)).network;
  const Tensor before = blob_activation(net, start, "loss3/classifier");
  const Tensor out = dream_fourier(source, 224, 224, s, f);
  const Tensor after = blob_activation(net, out, "loss3/classifier");
  INFO("logit before " << before[cls] << ", after " << after[cls]);
  CHECK(after[cls] > before[cls] + 5.0);
  const int64_t top = std::max_element(after.data(), after.data() + after.numel()) - after.data();
  CHECK(top == cls);
}
