#include <map>

#include "weights/convert.h"
#include "weights/convert_shape.h"

namespace dream::weights {

CanonicalWeights canonical_from_caffe(const CaffeNet& net, const std::string& context) {
  // Parameter layers of the file by name.
  std::map<std::string, const CaffeLayer*> by_name;
  std::vector<std::string> found;
  for (const CaffeLayer& layer : net.layers) {
    if (layer.blob_count == 0) continue;
    if (!by_name.emplace(layer.name, &layer).second)
      throw Error(context + ": two layers named \"" + layer.name + "\" hold parameters");
    found.push_back(layer.name);
  }

  std::vector<const LayerParamSpec*> missing;
  for (const LayerParamSpec& spec : bvlc_googlenet_layers())
    if (!by_name.count(spec.layer)) missing.push_back(&spec);
  if (!missing.empty()) throw_missing_layers(context, missing, found);

  CanonicalWeights out;
  for (const LayerParamSpec& spec : bvlc_googlenet_layers()) {
    const CaffeLayer& layer = *by_name.at(spec.layer);
    if (!layer.blobs_decoded)
      throw Error(context + ": layer " + spec.layer + " was read without its blobs (internal error)");
    if (layer.blobs.size() != 2)
      throw Error(context + ": layer " + spec.layer + " (" + layer.type + ") has " +
                  std::to_string(layer.blobs.size()) + " blobs, expected 2 (weight " + shape_string(spec.weight_shape) +
                  " and bias " + shape_string(spec.bias_shape) + ")");
    const CaffeBlob& w = layer.blobs[0];
    const CaffeBlob& b = layer.blobs[1];
    out.tensors.push_back({spec.layer + ".weight",
                           canonical_tensor(context, spec.layer, "weight", spec.weight_shape, w.shape, w.data.data())});
    out.tensors.push_back(
        {spec.layer + ".bias", canonical_tensor(context, spec.layer, "bias", spec.bias_shape, b.shape, b.data.data())});
  }
  for (const std::string& name : found)
    if (!find_bvlc_googlenet_layer(name)) out.skipped_layers.push_back(name);
  return out;
}

}  // namespace dream::weights
