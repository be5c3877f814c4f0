#pragma once
// Numerical gradient checking: the analytic gradient from the tape against
// central finite differences, for every element of every leaf that requires
// a gradient.
//
// How the numbers are made (and why the tolerance can be 1e-3 in float):
//  * The graph's output y may have any shape. The checker differentiates the
//    scalar L = sum_i r_i y_i with fixed pseudo-random weights r in [-1, 1]
//    (r = 1 for a one-element y), or L = mean_i y_i^2 (GradCheckLoss), and
//    accumulates L in double. Outputs that a perturbation does not touch are
//    computed bit-identically in both evaluations and cancel exactly, so the
//    noise of (L+ - L-) is only the float rounding of the outputs that really
//    moved. A graph that ends in its own float reduction (a one-element y)
//    cannot be measured that finely: L itself then carries a rounding of
//    6e-8 |L|, large against the gradient of one element of a big input --
//    end the graph before the reduction and let the checker apply it.
//  * Step: h = step * max(1, |x|); the perturbed values x+h and x-h are
//    rounded to float first and the difference quotient divides by their
//    exact (double) distance, so rounding the input costs no accuracy.
//    step = 1e-2 (Caffe's choice) suits float: linear and piecewise-linear
//    ops (conv, pools, resize, blur, roll, concat, ReLU away from 0) have no
//    truncation error at all, quadratics (mean of squares) none either, and
//    smooth ones (LRN, softmax) err by about h^2 |f'''| / 6.
//  * Error of one element: |a - n| / max(|a|, |n|, floor), where
//    floor = floor_fraction * max_j |n_j| over that leaf: tiny gradients are
//    judged against the leaf's scale, not their own, because the float noise
//    of L is absolute: about 1e-7 |y| / h per touched output, i.e. ~1e-5 of
//    a unit gradient at h = 1e-2, which is 1e-3 of an element 100x smaller
//    than the largest. floor_fraction = 0.1 still holds every element to
//    1e-4 of the leaf's largest gradient. The check passes iff every checked
//    element is <= tolerance.
//  * Kinks (ReLU at 0, ties in a max-pool window) are where a step of h can
//    cross a point of non-differentiability and the central difference is
//    meaningless (Caffe's GradientChecker skips elements near its kink). An
//    element that fails is re-measured with step / 10, closer than most
//    kinks: if it passes there it counts as checked (`rechecked`). If it
//    fails again, it is skipped as a kink only when the finite differences
//    contradict themselves -- the two central differences disagree by more
//    than the tolerance, or the one-sided differences (L+ - L0)/h and
//    (L0 - L-)/h at the finer step do -- which a smooth function does not
//    do and a wrong analytic gradient alone cannot cause (it fails both
//    steps alike). Tests bound skipped_kinks (zero for inputs built away
//    from kinks), so a real error cannot hide behind this rule.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "autograd/tape.h"

namespace dream::autograd {

struct GradCheckInput {
  std::string name;  // for messages, e.g. "x" or "conv1.weight"
  Tensor value;
  bool requires_grad = true;
};

// Builds the graph on a fresh tape from leaves made of the inputs (same order)
// and returns the value to differentiate (any shape).
using GraphBuilder = std::function<Variable(Tape& tape, const std::vector<Variable>& leaves)>;

// How the checker turns the graph's output y into the scalar it differentiates.
enum class GradCheckLoss {
  kRandomProjection,  // L = sum_i r_i y_i (the analytic side seeds backward with dot_constant(y, r))
  kMeanSquares,       // L = mean_i y_i^2 (the analytic side appends the mean_squares op)
};

struct GradCheckOptions {
  GradCheckLoss loss = GradCheckLoss::kRandomProjection;
  double step = 1e-2;           // relative finite-difference step, see above
  double tolerance = 1e-3;      // largest accepted relative error
  double floor_fraction = 0.1;  // error denominator >= this * largest |numeric| of the leaf
  bool skip_kinks = true;       // apply the kink rule above
  int64_t max_elements = 0;     // per leaf; 0 = all, else an evenly strided subset
  uint32_t seed = 12345;        // for the projection weights r
};

struct GradCheckResult {
  bool ok = true;
  double max_rel_error = 0.0;  // over checked elements
  std::string worst_input;     // name of the leaf holding the worst element
  int64_t worst_index = -1;    // flat index in that leaf
  double worst_analytic = 0.0, worst_numeric = 0.0;
  int64_t checked = 0;        // elements compared
  int64_t rechecked = 0;      // of those, passed only at step / 10 (a kink at the first step)
  int64_t skipped_kinks = 0;  // elements not compared (non-differentiable within the step)
  std::string message;        // one line: what was checked, the worst element, why it failed
};

GradCheckResult check_gradients(const GraphBuilder& build, const std::vector<GradCheckInput>& inputs,
                                const GradCheckOptions& options = {});

// The central-difference gradient alone, in double, for one leaf (used by the
// checker; public for tests that want the raw numbers). L is as above.
std::vector<double> numeric_gradient(const GraphBuilder& build, const std::vector<GradCheckInput>& inputs, size_t which,
                                     double step = 1e-2, uint32_t seed = 12345);

}  // namespace dream::autograd
