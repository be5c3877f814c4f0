#pragma once
// The parameter catalogue of Caffe's bvlc_googlenet: every learnable tensor
// with its canonical name and shape, in network order (the order of
// deploy.prototxt). Converters check foreign files against it; models/ builds
// the network from it. Canonical names are "<caffe layer name>.weight" and
// "<caffe layer name>.bias" (see weights/README.md).
//
// 57 convolutions (weights OIHW: out x in x kh x kw, bias: out) and one fully
// connected layer (loss3/classifier: weight 1000x1024 = out x in, bias 1000):
// 116 tensors, 6,998,552 parameters.
#include <cstdint>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace dream::weights {

struct ParamSpec {
  std::string name;  // "conv1/7x7_s2.weight"
  Shape shape;       // {64, 3, 7, 7}
};

// One learnable layer: the Caffe layer name and its weight/bias shapes.
struct LayerParamSpec {
  std::string layer;   // "conv1/7x7_s2"
  Shape weight_shape;  // OIHW for convolutions, {out, in} for the classifier
  Shape bias_shape;    // {out}
};

// The network's name as written in safetensors metadata ("network").
inline constexpr const char* kGoogLeNetNetworkName = "bvlc_googlenet";
inline constexpr int64_t kGoogLeNetParamCount = 6998552;

// 58 layers in network order.
const std::vector<LayerParamSpec>& bvlc_googlenet_layers();
// 116 tensors in network order: for each layer its .weight then its .bias.
const std::vector<ParamSpec>& bvlc_googlenet_params();

// The layer spec for a Caffe layer name, or nullptr if the layer has no
// parameters in the catalogue (e.g. auxiliary heads loss1/*, ReLU, pooling).
const LayerParamSpec* find_bvlc_googlenet_layer(const std::string& layer);

}  // namespace dream::weights
