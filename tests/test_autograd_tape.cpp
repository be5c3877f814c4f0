// The tape itself (autograd/tape.h) and the gradient checker: errors with
// clear messages, recording rules, accumulation, and a checker that does
// fail on a wrong gradient and applies its kink rule only at kinks.
#include <catch2/catch.hpp>

#include "autograd/gradcheck.h"
#include "autograd/ops.h"
#include "tests/support/tensor_testing.h"

using namespace dream;
using namespace dream::autograd;
using Catch::Matchers::Contains;

namespace {

// y = 2 x with a deliberately wrong backward: dL/dx = (2 + error) dL/dy, and
// element `bad_index` (if >= 0) gets 3 dL/dy instead.
Variable wrong_double(Tape& t, const Variable& x, float error, int64_t bad_index) {
  Tensor y(x.shape());
  for (int64_t i = 0; i < y.numel(); ++i) y[i] = 2.0f * x.value()[i];
  GradSlot xs = x.grad_slot();
  return t.record("wrong_double", std::move(y), {x}, [xs, error, bad_index](const Tensor& g) {
    Tensor gx(g.shape());
    for (int64_t i = 0; i < g.numel(); ++i) gx[i] = (i == bad_index ? 3.0f : 2.0f + error) * g[i];
    accumulate_grad(xs, std::move(gx));
  });
}

}  // namespace

TEST_CASE("backward on a loss with more than one element throws, naming its shape", "[autograd][tape]") {
  Tape t;
  Variable x = t.leaf(test::random_tensor({2, 3}, 80), true);
  Variable y = scale(t, x, 2.0f);
  CHECK_THROWS_AS(t.backward(y), Error);
  CHECK_THROWS_WITH(t.backward(y), Contains("2x3"));
}

TEST_CASE("backward on a loss that requires no gradient throws", "[autograd][tape]") {
  Tape t;
  Variable x = t.constant(test::random_tensor({2, 3}, 81));
  Variable loss = mean(t, x);
  CHECK(t.size() == 0);
  CHECK_THROWS_AS(t.backward(loss), Error);
  CHECK_THROWS_WITH(t.backward(loss), Contains("gradient"));
}

TEST_CASE("shape mismatches throw messages naming both shapes", "[autograd][tape]") {
  Tape t;
  Variable a = t.leaf(Tensor({2, 3}), true), b = t.leaf(Tensor({3, 2}), true);
  CHECK_THROWS_WITH(add(t, a, b), Contains("2x3") && Contains("3x2"));

  Variable x = t.leaf(Tensor({1, 3, 5, 5}), true), w = t.constant(Tensor({4, 2, 3, 3}));
  CHECK_THROWS_WITH(conv2d(t, x, w, Variable(), ConvSpec{}), Contains("1x3x5x5") && Contains("4x2x3x3"));
  Variable w3 = t.constant(Tensor({4, 3, 3, 3}));
  CHECK_THROWS_WITH(conv2d(t, x, w3, t.constant(Tensor({5})), ConvSpec{}), Contains("5") && Contains("4x3x3x3"));

  Variable p = t.leaf(Tensor({1, 2, 4, 4}), true), q = t.leaf(Tensor({1, 2, 4, 5}), true);
  CHECK_THROWS_WITH(concat_channels(t, {p, q}), Contains("1x2x4x4") && Contains("1x2x4x5"));

  Variable v = t.leaf(Tensor({2, 6}), true), lw = t.constant(Tensor({3, 5}));
  CHECK_THROWS_WITH(linear(t, v, lw, Variable()), Contains("2x6") && Contains("3x5"));
  CHECK_THROWS_WITH(reshape(t, v, {5, 2}), Contains("2x6") && Contains("5x2"));
  CHECK_THROWS_WITH(dot_constant(t, v, Tensor({6, 2})), Contains("2x6") && Contains("6x2"));
  CHECK_THROWS_WITH(slice_channels(t, p, 1, 3), Contains("1x2x4x4"));

  // A backward that produces a gradient of the wrong shape is caught too.
  GradSlot slot = v.grad_slot();
  CHECK_THROWS_WITH(accumulate_grad(slot, Tensor({6, 2})), Contains("6x2") && Contains("2x6"));
}

TEST_CASE("ops record only when an input requires a gradient, in order", "[autograd][tape]") {
  Tape t;
  Variable c = t.constant(test::random_tensor({1, 2, 3, 3}, 82));
  Variable x = t.leaf(test::random_tensor({1, 2, 3, 3}, 83), true);
  Variable r = relu(t, c);
  CHECK(t.size() == 0);
  CHECK_FALSE(r.requires_grad());
  Variable s = add(t, relu(t, x), r);
  CHECK(s.requires_grad());
  CHECK(t.op_names() == std::vector<std::string>{"relu", "add"});
  t.backward(sum(t, s));
  CHECK(t.size() == 0);
  CHECK(c.grad().empty());
  CHECK(r.grad().empty());
  REQUIRE_FALSE(x.grad().empty());
  for (int64_t i = 0; i < x.value().numel(); ++i) CHECK(x.grad()[i] == (x.value()[i] > 0 ? 1.0f : 0.0f));
}

TEST_CASE("leaf gradients accumulate across backward calls until zero_grad", "[autograd][tape]") {
  Tape t;
  Variable x = t.leaf(Tensor({3}, 1.0f), true);
  t.backward(sum(t, x));
  t.backward(sum(t, scale(t, x, 2.0f)));
  CHECK(x.grad()[0] == 3.0f);
  x.zero_grad();
  CHECK(x.grad().empty());
}

TEST_CASE("an intermediate gradient is freed once used, a leaf keeps its gradient", "[autograd][tape]") {
  Tape t;
  Variable x = t.leaf(test::random_tensor({4}, 84), true);
  Variable y = scale(t, x, 3.0f);
  t.backward(sum(t, y));
  CHECK(y.grad().empty());
  CHECK_FALSE(x.grad().empty());
}

TEST_CASE("an undefined Variable is rejected", "[autograd][tape]") {
  Tape t;
  Variable u;
  CHECK_THROWS_AS(u.value(), Error);
  CHECK_THROWS_WITH(relu(t, u), Contains("undefined"));
}

TEST_CASE("gradcheck fails on a uniformly wrong gradient and names the input", "[autograd][gradcheck]") {
  auto f = [](Tape& t, const std::vector<Variable>& v) { return wrong_double(t, v[0], 0.01f, -1); };
  GradCheckResult r = check_gradients(f, {{"x", test::random_tensor({2, 5}, 85)}});
  INFO(r.message);
  CHECK_FALSE(r.ok);
  CHECK(r.max_rel_error > 4e-3);
  CHECK(r.worst_input == "x");
  CHECK(r.skipped_kinks == 0);  // a smooth function: the kink rule does not excuse it
  CHECK_THAT(r.message, Contains("FAILED"));
}

TEST_CASE("gradcheck finds a single wrong element and reports its index", "[autograd][gradcheck]") {
  auto f = [](Tape& t, const std::vector<Variable>& v) { return wrong_double(t, v[0], 0.0f, 7); };
  GradCheckResult r = check_gradients(f, {{"x", test::random_tensor({3, 4}, 86)}});
  INFO(r.message);
  CHECK_FALSE(r.ok);
  CHECK(r.worst_index == 7);
  CHECK(r.worst_analytic / r.worst_numeric == Approx(1.5).epsilon(1e-3));
}

TEST_CASE("gradcheck passes a correct gradient with tiny error", "[autograd][gradcheck]") {
  auto f = [](Tape& t, const std::vector<Variable>& v) { return wrong_double(t, v[0], 0.0f, -1); };
  GradCheckResult r = check_gradients(f, {{"x", test::random_tensor({3, 4}, 87)}});
  INFO(r.message);
  CHECK(r.ok);
  CHECK(r.checked == 12);
  CHECK(r.max_rel_error < 1e-5);
}

TEST_CASE("gradcheck skips elements at a ReLU kink only when told to", "[autograd][gradcheck]") {
  // Elements 0 and 1 sit on / within a step of ReLU's kink; the rest are far.
  Tensor x({1, 1, 2, 4}, std::vector<float>{0.0f, 0.004f, -0.5f, 0.7f, 1.2f, -1.1f, 0.3f, -0.3f});
  auto f = [](Tape& t, const std::vector<Variable>& v) { return relu(t, v[0]); };
  GradCheckResult with = check_gradients(f, {{"x", x}});
  INFO(with.message);
  CHECK(with.ok);
  CHECK(with.skipped_kinks == 1);  // x = 0 stays a kink at step/10; x = 0.004 passes at step/10
  CHECK(with.rechecked == 1);
  GradCheckOptions strict;
  strict.skip_kinks = false;
  GradCheckResult without = check_gradients(f, {{"x", x}}, strict);
  INFO(without.message);
  CHECK_FALSE(without.ok);
}

TEST_CASE("gradcheck compares only the inputs that require a gradient", "[autograd][gradcheck]") {
  // b is a constant: it must end with no gradient (the checker fails
  // otherwise) and is not perturbed, so only a's 4 elements are compared.
  auto f = [](Tape& t, const std::vector<Variable>& v) { return add(t, v[0], v[1]); };
  GradCheckResult r =
      check_gradients(f, {{"a", test::random_tensor({4}, 88)}, {"b", test::random_tensor({4}, 89), false}});
  INFO(r.message);
  CHECK(r.ok);
  CHECK(r.checked == 4);
}

TEST_CASE("numeric_gradient is exact for a linear map", "[autograd][gradcheck]") {
  auto f = [](Tape& t, const std::vector<Variable>& v) { return sum(t, scale(t, v[0], 0.5f)); };
  std::vector<double> g = numeric_gradient(f, {{"x", test::random_tensor({5}, 90)}}, 0);
  REQUIRE(g.size() == 5);
  for (double d : g) CHECK(d == Approx(0.5).epsilon(1e-5));
}

TEST_CASE("a backward that throws leaves an empty tape behind", "[autograd][tape]") {
  Tape t;
  Variable x = t.leaf(Tensor({1, 2, 2, 2}, 1.0f), true);
  Variable y = relu(t, x);
  // An op whose backward produces a gradient of the wrong shape.
  GradSlot ys = y.grad_slot();
  Variable z = t.record("bad_shape", Tensor({1}, 0.0f), {y}, [ys](const Tensor&) { accumulate_grad(ys, Tensor({3})); });
  CHECK(t.size() == 2);
  CHECK_THROWS_WITH(t.backward(z), Contains("1x2x2x2") && Contains("3"));
  CHECK(t.size() == 0);
}

TEST_CASE("gradcheck max_elements checks an evenly strided subset", "[autograd][gradcheck]") {
  GradCheckOptions o;
  o.max_elements = 5;
  auto f = [](Tape& t, const std::vector<Variable>& v) { return scale(t, v[0], 2.0f); };
  GradCheckResult r = check_gradients(f, {{"x", test::random_tensor({4, 5}, 91)}}, o);
  INFO(r.message);
  CHECK(r.ok);
  CHECK(r.checked == 5);
}
