#include "dream/objective.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "autograd/ops.h"

namespace dream {

namespace {

// (channels, positions) of an activation: 1xCxHxW -> (C, H*W); 1xK -> (K, 1).
std::pair<int64_t, int64_t> channels_and_positions(const Shape& s, const std::string& blob) {
  if (s.size() == 4 && s[0] == 1) return {s[1], s[2] * s[3]};
  if (s.size() == 2 && s[0] == 1) return {s[1], 1};
  throw Error("objective on blob '" + blob + "': unsupported activation shape " + shape_string(s));
}

}  // namespace

const char* objective_kind_name(ObjectiveKind kind) {
  switch (kind) {
    case ObjectiveKind::MeanSquares:
      return "mean-squares";
    case ObjectiveKind::Mean:
      return "mean";
    case ObjectiveKind::Channel:
      return "channel";
    case ObjectiveKind::Neuron:
      return "neuron";
    case ObjectiveKind::ClassLogit:
      return "class";
    case ObjectiveKind::Guide:
      return "guide";
  }
  return "?";
}

std::vector<std::string> Objective::blobs() const {
  std::vector<std::string> names;
  for (const ObjectiveTerm& t : terms)
    if (std::find(names.begin(), names.end(), t.blob) == names.end()) names.push_back(t.blob);
  return names;
}

Tensor guide_targets(const Tensor& activation, const Tensor& guide) {
  const auto [c, n] = channels_and_positions(activation.shape(), "guide");
  const auto [gc, gn] = channels_and_positions(guide.shape(), "guide");
  if (c != gc)
    throw Error("guide features have " + std::to_string(gc) + " channels, the activation " + std::to_string(c));
  Tensor target(activation.shape());
  const float* a = activation.data();
  const float* y = guide.data();
  std::vector<double> scores(static_cast<size_t>(gn));
  for (int64_t p = 0; p < n; ++p) {
    std::fill(scores.begin(), scores.end(), 0.0);
    for (int64_t k = 0; k < c; ++k) {
      const double ak = a[k * n + p];
      const float* yk = y + k * gn;
      for (int64_t q = 0; q < gn; ++q) scores[static_cast<size_t>(q)] += ak * yk[q];
    }
    const int64_t best = std::max_element(scores.begin(), scores.end()) - scores.begin();
    for (int64_t k = 0; k < c; ++k) target[k * n + p] = y[k * gn + best];
  }
  return target;
}

autograd::Variable objective_term_value(autograd::Tape& tape, const autograd::Variable& act,
                                        const ObjectiveTerm& term) {
  const auto [c, n] = channels_and_positions(act.shape(), term.blob);
  switch (term.kind) {
    case ObjectiveKind::MeanSquares:
      return autograd::mean_squares(tape, act);
    case ObjectiveKind::Mean:
      return autograd::mean(tape, act);
    case ObjectiveKind::Channel:
    case ObjectiveKind::ClassLogit: {
      if (term.channel < 0 || term.channel >= c)
        throw Error("channel " + std::to_string(term.channel) + " is out of range for blob '" + term.blob + "' (0.." +
                    std::to_string(c - 1) + ")");
      Tensor mask(act.shape());
      std::fill(mask.data() + term.channel * n, mask.data() + (term.channel + 1) * n, 1.0f / static_cast<float>(n));
      return autograd::dot_constant(tape, act, mask);
    }
    case ObjectiveKind::Neuron: {
      if (term.channel < 0 || term.channel >= c)
        throw Error("channel " + std::to_string(term.channel) + " is out of range for blob '" + term.blob + "' (0.." +
                    std::to_string(c - 1) + ")");
      const Shape& s = act.shape();
      const int64_t h = s.size() == 4 ? s[2] : 1, w = s.size() == 4 ? s[3] : 1;
      const int64_t y = term.y >= 0 ? term.y : h / 2, x = term.x >= 0 ? term.x : w / 2;
      if (y >= h || x >= w)
        throw Error("neuron position (" + std::to_string(y) + ", " + std::to_string(x) + ") is outside blob '" +
                    term.blob + "' of shape " + shape_string(s));
      Tensor mask(act.shape());
      mask[(term.channel * h + y) * w + x] = 1.0f;
      return autograd::dot_constant(tape, act, mask);
    }
    case ObjectiveKind::Guide: {
      if (term.guide_features.empty()) throw Error("guide objective on '" + term.blob + "' has no guide features");
      // Normalised by the position count so the value is on a mean's scale.
      Tensor target = guide_targets(act.value(), term.guide_features);
      const float inv_n = 1.0f / static_cast<float>(n);
      for (int64_t i = 0; i < target.numel(); ++i) target[i] *= inv_n;
      return autograd::dot_constant(tape, act, target);
    }
  }
  throw Error("unknown objective kind");
}

autograd::Variable objective_value(autograd::Tape& tape, const std::map<std::string, autograd::Variable>& activations,
                                   const Objective& objective) {
  if (objective.terms.empty()) throw Error("the objective has no terms");
  autograd::Variable total;
  for (const ObjectiveTerm& term : objective.terms) {
    auto it = activations.find(term.blob);
    if (it == activations.end()) throw Error("the network did not produce blob '" + term.blob + "'");
    autograd::Variable v = objective_term_value(tape, it->second, term);
    if (term.weight != 1.0) v = autograd::scale(tape, v, static_cast<float>(term.weight));
    total = total.defined() ? autograd::add(tape, total, v) : v;
  }
  return total;
}

std::pair<std::string, double> parse_weighted_name(const std::string& spec) {
  const size_t colon = spec.rfind(':');
  if (colon == std::string::npos) return {spec, 1.0};
  const std::string name = spec.substr(0, colon), number = spec.substr(colon + 1);
  char* end = nullptr;
  const double w = std::strtod(number.c_str(), &end);
  if (number.empty() || name.empty() || end != number.c_str() + number.size() || !std::isfinite(w))
    throw Error("--layer '" + spec + "': expected NAME or NAME:WEIGHT (e.g. inception_4c/output:0.5)");
  return {name, w};
}

}  // namespace dream
