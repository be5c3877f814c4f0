#include <set>

#include "weights/convert.h"
#include "weights/convert_shape.h"

namespace dream::weights {
namespace {

// The ONNX model zoo's googlenet names a Caffe layer's parameters
// "<caffe layer>_w_0" and "<caffe layer>_b_0".
const char* const kWeightSuffix = "_w_0";
const char* const kBiasSuffix = "_b_0";

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

CanonicalWeights canonical_from_onnx(const onnx::OnnxModel& model, const std::string& context) {
  std::vector<std::string> found;  // parameter layers in the file, by the naming convention
  std::set<std::string> found_set;
  for (const onnx::OnnxTensor& t : model.initializers) {
    for (const std::string suffix : {kWeightSuffix, kBiasSuffix}) {
      if (!ends_with(t.name, suffix)) continue;
      std::string layer = t.name.substr(0, t.name.size() - suffix.size());
      if (found_set.insert(layer).second) found.push_back(layer);
    }
  }

  std::vector<const LayerParamSpec*> missing;
  for (const LayerParamSpec& spec : bvlc_googlenet_layers())
    if (!model.find_initializer(spec.layer + kWeightSuffix) || !model.find_initializer(spec.layer + kBiasSuffix))
      missing.push_back(&spec);
  if (!missing.empty()) throw_missing_layers(context, missing, found);

  CanonicalWeights out;
  for (const LayerParamSpec& spec : bvlc_googlenet_layers()) {
    const onnx::OnnxTensor& w = *model.find_initializer(spec.layer + kWeightSuffix);
    const onnx::OnnxTensor& b = *model.find_initializer(spec.layer + kBiasSuffix);
    // float_values() throws naming the initializer if it is not FLOAT.
    out.tensors.push_back({spec.layer + ".weight", canonical_tensor(context, spec.layer, "weight", spec.weight_shape,
                                                                    w.dims, w.float_values().data())});
    out.tensors.push_back({spec.layer + ".bias", canonical_tensor(context, spec.layer, "bias", spec.bias_shape, b.dims,
                                                                  b.float_values().data())});
  }
  for (const std::string& layer : found)
    if (!find_bvlc_googlenet_layer(layer)) out.skipped_layers.push_back(layer);
  return out;
}

}  // namespace dream::weights
