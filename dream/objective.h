#pragma once
// What dreaming maximises: a weighted sum of terms, each read from one blob
// (layer output) of the network.
//
//   MeanSquares  mean(a^2) over the blob                  (classic DeepDream)
//   Mean         mean(a)
//   Channel      mean of one channel of the blob
//   Neuron       one channel at one position (default: the centre)
//   ClassLogit   one logit of loss3/classifier            (activity maximisation)
//   Guide        sum over positions p of a_p . y_q(p), where y_q(p) is the guide
//                image's feature with the best dot product with a_p (Google's
//                notebook "objective_guide"; the choice q(p) is a constant).
//
// Terms are differentiable functions built on the tape (autograd/ops.h), so
// the gradient reaches the input image through the network.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "autograd/tape.h"
#include "tensor/tensor.h"

namespace dream {

enum class ObjectiveKind { MeanSquares, Mean, Channel, Neuron, ClassLogit, Guide };
const char* objective_kind_name(ObjectiveKind kind);

struct ObjectiveTerm {
  std::string blob;  // canonical blob name
  double weight = 1.0;
  ObjectiveKind kind = ObjectiveKind::MeanSquares;
  int64_t channel = -1;    // Channel, Neuron, ClassLogit
  int64_t y = -1, x = -1;  // Neuron position (-1: centre of the blob)
  Tensor guide_features;   // Guide: 1xCxHgxWg features of the guide image at `blob`
};

struct Objective {
  std::vector<ObjectiveTerm> terms;
  // Blob names the network must produce (unique, in term order).
  std::vector<std::string> blobs() const;
};

// The value of one term for the blob's activation (1xCxHxW, or 1xK for a
// fully connected blob).
autograd::Variable objective_term_value(autograd::Tape& tape, const autograd::Variable& activation,
                                        const ObjectiveTerm& term);
// sum_i weight_i * term_i; activations must hold every blob of the objective.
autograd::Variable objective_value(autograd::Tape& tape, const std::map<std::string, autograd::Variable>& activations,
                                   const Objective& objective);

// For Guide: at each position of `activation` (1xCxHxW), the guide feature
// column (of guide, 1xCxHgxWg) with the largest dot product. -> 1xCxHxW.
Tensor guide_targets(const Tensor& activation, const Tensor& guide);

// "inception_4c/output:0.5" -> {"inception_4c/output", 0.5}; no suffix: weight 1.
// Throws naming the flag if the weight does not parse.
std::pair<std::string, double> parse_weighted_name(const std::string& spec);

}  // namespace dream
