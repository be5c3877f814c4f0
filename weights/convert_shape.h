#pragma once
// Shared by the converters: turning a foreign parameter array into a
// canonical tensor, and the errors for a source that is not bvlc_googlenet.
#include <string>
#include <vector>

#include "tensor/tensor.h"
#include "weights/bvlc_googlenet_params.h"

namespace dream::weights {

// True if the shapes agree once leading 1s are dropped from both: Caffe
// stores a conv bias as 1x1x1xO and the classifier as 1x1x1000x1024.
bool shapes_match_ignoring_leading_ones(const Shape& expected, const Shape& got);

// A Tensor of shape `expected` holding `data` (numel(got) floats); throws
// "<context>: layer <layer> <what>: expected shape E, got G" on mismatch.
Tensor canonical_tensor(const std::string& context, const std::string& layer, const std::string& what,
                        const Shape& expected, const Shape& got, const float* data);

// Throws the "missing layer" / "not bvlc_googlenet" error for a source in
// which the catalogue layers `missing` were not found. `found_layers` lists
// the parameter layers the source does have (for the wrong-network message).
[[noreturn]] void throw_missing_layers(const std::string& context, const std::vector<const LayerParamSpec*>& missing,
                                       const std::vector<std::string>& found_layers);

}  // namespace dream::weights
