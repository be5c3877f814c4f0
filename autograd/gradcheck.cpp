#include "autograd/gradcheck.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

#include "autograd/ops.h"

namespace dream::autograd {

namespace {

// Everything one check needs: private copies of the inputs (perturbed in
// place, one element at a time) and the projection weights r.
class Evaluator {
 public:
  Evaluator(const GraphBuilder& build, const std::vector<GradCheckInput>& inputs, GradCheckLoss loss, uint32_t seed)
      : build_(build), loss_(loss) {
    for (const GradCheckInput& in : inputs) values_.push_back(in.value.clone());
    Tensor y = output_value();
    projection_ = Tensor(y.shape(), 1.0f);
    if (y.numel() != 1) {
      std::mt19937 rng(seed);
      for (int64_t i = 0; i < y.numel(); ++i)
        projection_[i] = static_cast<float>(static_cast<double>(rng()) / 4294967295.0 * 2.0 - 1.0);
    }
  }

  // L in double, every leaf a constant (nothing is recorded).
  double loss() {
    Tensor y = output_value();
    double acc = 0.0;
    if (loss_ == GradCheckLoss::kMeanSquares) {
      for (int64_t i = 0; i < y.numel(); ++i) acc += static_cast<double>(y[i]) * static_cast<double>(y[i]);
      return acc / static_cast<double>(y.numel());
    }
    for (int64_t i = 0; i < y.numel(); ++i) acc += static_cast<double>(projection_[i]) * static_cast<double>(y[i]);
    return acc;
  }

  // The same L on the tape, for the analytic gradient.
  Variable loss_on_tape(Tape& tape, const Variable& y) const {
    if (loss_ == GradCheckLoss::kMeanSquares) return mean_squares(tape, y);
    return dot_constant(tape, y, projection_);
  }

  struct Difference {
    double central, forward, backward;  // d L / d x_i estimates
  };
  // Differences at step h around element i of input k; l0 = loss() unperturbed.
  Difference differences(size_t k, int64_t i, double h, double l0) {
    float& x = values_[k][i];
    const float x0 = x;
    const float xp = static_cast<float>(x0 + h), xm = static_cast<float>(x0 - h);
    x = xp;
    const double lp = loss();
    x = xm;
    const double lm = loss();
    x = x0;
    return {(lp - lm) / (static_cast<double>(xp) - xm), (lp - l0) / (static_cast<double>(xp) - x0),
            (l0 - lm) / (static_cast<double>(x0) - xm)};
  }

  float value(size_t k, int64_t i) const { return values_[k][i]; }

 private:
  Tensor output_value() {
    Tape tape;
    std::vector<Variable> leaves;
    for (const Tensor& v : values_) leaves.push_back(tape.constant(v));
    Variable y = build_(tape, leaves);
    if (!y.defined()) throw Error("gradcheck: the graph builder returned an undefined Variable");
    return y.value().clone();
  }

  const GraphBuilder& build_;
  GradCheckLoss loss_;
  std::vector<Tensor> values_;
  Tensor projection_;
};

std::vector<int64_t> element_subset(int64_t numel, int64_t max_elements) {
  std::vector<int64_t> idx;
  if (max_elements <= 0 || numel <= max_elements) {
    for (int64_t i = 0; i < numel; ++i) idx.push_back(i);
  } else {
    for (int64_t j = 0; j < max_elements; ++j) idx.push_back(j * numel / max_elements);
  }
  return idx;
}

double step_for(float x, double step) { return step * std::max(1.0, std::fabs(static_cast<double>(x))); }

std::string format_result(const GradCheckResult& r, const GradCheckOptions& o, const std::string& failure) {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "gradcheck %s: max relative error %.3g (tolerance %.3g) at '%s'[%lld] (analytic %.9g, numeric "
                "%.9g); %lld elements checked, %lld rechecked at step/10, %lld skipped near kinks",
                r.ok ? "passed" : "FAILED", r.max_rel_error, o.tolerance, r.worst_input.c_str(),
                static_cast<long long>(r.worst_index), r.worst_analytic, r.worst_numeric,
                static_cast<long long>(r.checked), static_cast<long long>(r.rechecked),
                static_cast<long long>(r.skipped_kinks));
  return failure.empty() ? std::string(buf) : failure + "; " + buf;
}

}  // namespace

std::vector<double> numeric_gradient(const GraphBuilder& build, const std::vector<GradCheckInput>& inputs, size_t which,
                                     double step, uint32_t seed) {
  if (which >= inputs.size()) throw Error("numeric_gradient: input index out of range");
  Evaluator ev(build, inputs, GradCheckLoss::kRandomProjection, seed);
  const double l0 = ev.loss();
  std::vector<double> g(static_cast<size_t>(inputs[which].value.numel()));
  for (int64_t i = 0; i < static_cast<int64_t>(g.size()); ++i)
    g[static_cast<size_t>(i)] = ev.differences(which, i, step_for(ev.value(which, i), step), l0).central;
  return g;
}

GradCheckResult check_gradients(const GraphBuilder& build, const std::vector<GradCheckInput>& inputs,
                                const GradCheckOptions& o) {
  GradCheckResult result;
  std::string failure;
  Evaluator ev(build, inputs, o.loss, o.seed);

  // Analytic: one backward through the same graph, seeded with r.
  std::vector<Tensor> analytic(inputs.size());
  {
    Tape tape;
    std::vector<Variable> leaves;
    for (const GradCheckInput& in : inputs) leaves.push_back(tape.leaf(in.value.clone(), in.requires_grad));
    Variable y = build(tape, leaves);
    if (!y.defined()) throw Error("gradcheck: the graph builder returned an undefined Variable");
    if (!y.requires_grad())
      throw Error("gradcheck: the graph output does not depend on any input requiring a gradient");
    tape.backward(ev.loss_on_tape(tape, y));
    for (size_t k = 0; k < inputs.size(); ++k) {
      const Tensor& g = leaves[k].grad();
      if (!inputs[k].requires_grad) {
        if (!g.empty()) {
          result.ok = false;
          failure = "input '" + inputs[k].name + "' does not require a gradient but received one";
        }
        continue;
      }
      analytic[k] = g.empty() ? Tensor(inputs[k].value.shape()) : g.clone();
      if (analytic[k].shape() != inputs[k].value.shape())
        throw Error("gradcheck: gradient of '" + inputs[k].name + "' has shape " + shape_string(analytic[k].shape()) +
                    ", the input " + shape_string(inputs[k].value.shape()));
    }
  }

  const double l0 = ev.loss();
  for (size_t k = 0; k < inputs.size(); ++k) {
    if (!inputs[k].requires_grad) continue;
    const std::vector<int64_t> idx = element_subset(inputs[k].value.numel(), o.max_elements);
    std::vector<Evaluator::Difference> d;
    double scale = 0.0;
    for (int64_t i : idx) {
      d.push_back(ev.differences(k, i, step_for(ev.value(k, i), o.step), l0));
      scale = std::max(scale, std::fabs(d.back().central));
    }
    const double floor = std::max(o.floor_fraction * scale, 1e-30);
    for (size_t j = 0; j < idx.size(); ++j) {
      const int64_t i = idx[j];
      const double a = analytic[k][i];
      auto rel_error = [&](double n) { return std::fabs(a - n) / std::max({std::fabs(a), std::fabs(n), floor}); };
      auto asymmetry = [&](const Evaluator::Difference& e) {
        return std::fabs(e.forward - e.backward) / std::max({std::fabs(a), std::fabs(e.central), floor});
      };
      Evaluator::Difference e = d[j];
      double err = rel_error(e.central);
      if (err > o.tolerance && o.skip_kinks) {
        // Re-measure closer in. A kink within h of x spoils the first
        // difference but usually not this one; a wrong analytic gradient
        // fails both, and both differences then agree with each other.
        Evaluator::Difference fine = ev.differences(k, i, step_for(ev.value(k, i), o.step / 10.0), l0);
        const double fine_err = rel_error(fine.central);
        const double spread = std::fabs(fine.central - e.central) /
                              std::max({std::fabs(a), std::fabs(e.central), std::fabs(fine.central), floor});
        const bool inconsistent = spread > o.tolerance;
        if (fine_err <= o.tolerance) {
          ++result.rechecked;
        } else if (inconsistent || asymmetry(fine) > o.tolerance) {
          ++result.skipped_kinks;  // the finite differences disagree with themselves: not differentiable here
          continue;
        }
        e = fine;
        err = fine_err;
      }
      ++result.checked;
      if (err > result.max_rel_error || result.worst_index < 0) {
        result.max_rel_error = err;
        result.worst_input = inputs[k].name;
        result.worst_index = i;
        result.worst_analytic = a;
        result.worst_numeric = e.central;
      }
      if (err > o.tolerance) result.ok = false;
    }
  }
  result.message = format_result(result, o, failure);
  return result;
}

}  // namespace dream::autograd
