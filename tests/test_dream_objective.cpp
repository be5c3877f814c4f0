// Objectives on small hand-made activations: values and gradients by hand,
// guide matching, weighted names, class lookup.
#include <catch2/catch.hpp>

#include "autograd/tape.h"
#include "dream/network_gradient.h"
#include "dream/objective.h"
#include "tests/support/tensor_testing.h"

using namespace dream;

namespace {
// value and d value / d activation of one term for a given activation.
std::pair<double, Tensor> eval(const Tensor& act, const ObjectiveTerm& term) {
  autograd::Tape tape;
  autograd::Variable a = tape.leaf(act.clone(), true);
  Objective o;
  o.terms.push_back(term);
  autograd::Variable v = objective_value(tape, {{term.blob, a}}, o);
  const double value = v.value()[0];
  tape.backward(v);
  return {value, a.grad().clone()};
}
ObjectiveTerm term(ObjectiveKind kind, int64_t channel = -1, double weight = 1.0) {
  ObjectiveTerm t;
  t.blob = "b";
  t.kind = kind;
  t.channel = channel;
  t.weight = weight;
  return t;
}
}  // namespace

TEST_CASE("layer objectives: mean of squares, mean, channel, neuron by hand") {
  // 1x2x1x2: channel 0 = {1, 2}, channel 1 = {3, -4}
  Tensor a({1, 2, 1, 2}, std::vector<float>{1, 2, 3, -4});
  auto [ms, gms] = eval(a, term(ObjectiveKind::MeanSquares));
  CHECK(ms == Approx((1 + 4 + 9 + 16) / 4.0));
  CHECK(gms[3] == Approx(2 * -4 / 4.0));  // d/da mean(a^2) = 2a/N
  auto [mean, gm] = eval(a, term(ObjectiveKind::Mean));
  CHECK(mean == Approx(0.5));
  CHECK(gm[0] == Approx(0.25));
  auto [ch, gc] = eval(a, term(ObjectiveKind::Channel, 1));
  CHECK(ch == Approx(-0.5));
  CHECK(gc[0] == 0.0f);
  CHECK(gc[2] == Approx(0.5));
  ObjectiveTerm n = term(ObjectiveKind::Neuron, 0);
  n.y = 0;
  n.x = 1;
  auto [nv, gn] = eval(a, n);
  CHECK(nv == Approx(2.0));
  CHECK(gn[1] == 1.0f);
  CHECK(gn[0] == 0.0f);
  auto [w, gw] = eval(a, term(ObjectiveKind::Mean, -1, 3.0));
  CHECK(w == Approx(1.5));
  CHECK(gw[0] == Approx(0.75));
  CHECK_THROWS_WITH(eval(a, term(ObjectiveKind::Channel, 2)), Catch::Contains("out of range"));
}

TEST_CASE("class logit on a 1xK blob") {
  Tensor logits({1, 5}, std::vector<float>{0.1f, 0.2f, 3.0f, 0.4f, 0.5f});
  auto [v, g] = eval(logits, term(ObjectiveKind::ClassLogit, 2));
  CHECK(v == Approx(3.0));
  CHECK(g[2] == 1.0f);
  CHECK(g[1] == 0.0f);
}

TEST_CASE("guide: each position follows the guide feature with the best dot product") {
  // activation 1x2x1x2: positions p0 = (1, 0), p1 = (0, 1)
  Tensor act({1, 2, 1, 2}, std::vector<float>{1, 0, 0, 1});
  // guide 1x2x1x3: q0 = (2, 0), q1 = (0, 5), q2 = (1, 1)
  Tensor guide({1, 2, 1, 3}, std::vector<float>{2, 0, 1, 0, 5, 1});
  Tensor t = guide_targets(act, guide);
  // p0 . q = (2, 0, 1) -> q0;  p1 . q = (0, 5, 1) -> q1
  CHECK(t.at(0, 0, 0, 0) == 2.0f);
  CHECK(t.at(0, 1, 0, 0) == 0.0f);
  CHECK(t.at(0, 0, 0, 1) == 0.0f);
  CHECK(t.at(0, 1, 0, 1) == 5.0f);
  ObjectiveTerm g = term(ObjectiveKind::Guide);
  g.guide_features = guide;
  auto [v, grad] = eval(act, g);
  CHECK(v == Approx((2.0 + 5.0) / 2));  // mean over positions of a_p . y_q(p)
  CHECK(grad.at(0, 1, 0, 1) == Approx(2.5));
  CHECK_THROWS_AS(guide_targets(act, Tensor({1, 3, 1, 1})), Error);
}

TEST_CASE("weighted layer names parse, bad weights are rejected naming --layer") {
  CHECK(parse_weighted_name("inception_4c/output") == std::make_pair(std::string("inception_4c/output"), 1.0));
  CHECK(parse_weighted_name("inception_3b/output:0.5") == std::make_pair(std::string("inception_3b/output"), 0.5));
  CHECK_THROWS_WITH(parse_weighted_name("inception_3b/output:abc"), Catch::Contains("--layer"));
  CHECK_THROWS_AS(parse_weighted_name(":2"), Error);
  Objective o;
  o.terms = {term(ObjectiveKind::Mean), term(ObjectiveKind::MeanSquares)};
  o.terms[1].blob = "c";
  CHECK(o.blobs() == std::vector<std::string>{"b", "c"});
}

TEST_CASE("class lookup by index, synonym or unique substring and ambiguity explained") {
  const std::vector<std::string> labels = {"n01 goldfish, Carassius auratus", "n02 great white shark",
                                           "n01614925 bald eagle, American eagle", "n03 tiger shark"};
  CHECK(resolve_class(labels, "2") == 2);
  CHECK(resolve_class(labels, "Bald Eagle") == 2);
  CHECK(resolve_class(labels, "american eagle") == 2);
  CHECK(resolve_class(labels, "goldf") == 0);
  CHECK_THROWS_WITH(resolve_class(labels, "shark"), Catch::Contains("ambiguous"));
  CHECK_THROWS_WITH(resolve_class(labels, "4"), Catch::Contains("0..3"));
  CHECK_THROWS_WITH(resolve_class(labels, "zebra"), Catch::Contains("--class"));
}
