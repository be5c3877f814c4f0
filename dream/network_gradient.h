#pragma once
// The GradientSource backed by the real GoogLeNet: forward the image to the
// objective's blobs on a fresh tape (nothing past the last blob is computed),
// build the objective on the tape, run backward, return the input gradient.
// Weights are constants, so no weight gradient is ever computed.
#include <string>

#include "dream/gradient_source.h"
#include "dream/objective.h"
#include "models/googlenet.h"

namespace dream {

class NetworkGradient : public GradientSource {
 public:
  // Checks every term against the network (blob names canonicalised; unknown
  // names throw with suggestions; channel and class indices in range).
  NetworkGradient(const models::GoogLeNet& net, Objective objective);
  double objective_and_gradient(const Tensor& image, Tensor& grad) override;
  int64_t min_input_size() const override { return min_size_; }
  const Objective& objective() const { return objective_; }

 private:
  const models::GoogLeNet& net_;
  Objective objective_;
  int64_t min_size_ = 1;
};

// Forward only: the activation of `blob` for a network-space image (guide
// features, measurements in tests).
Tensor blob_activation(const models::GoogLeNet& net, const Tensor& image, const std::string& blob);

// A class given by index ("22") or by label text ("bald eagle"): exact match
// of a comma-separated synonym first (case-insensitive), else a unique label
// containing the text. Throws listing candidates when ambiguous/unknown, or
// naming the valid range for an index.
int64_t resolve_class(const std::vector<std::string>& labels, const std::string& spec);

}  // namespace dream
