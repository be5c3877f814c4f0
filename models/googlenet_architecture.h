#pragma once
// The layers of Caffe's bvlc_googlenet in deploy.prototxt order, as a named
// blob graph (nn/graph.h), and the TensorFlow-style aliases of its blobs.
#include <map>
#include <string>

#include "nn/graph.h"
#include "nn/inception.h"

namespace dream::models {

// Builds the deploy network (no auxiliary heads) reading each parameter by
// its canonical name ("conv1/7x7_s2.weight", "loss3/classifier.bias" ...).
//   data 1x3xHxW -> ... -> loss3/classifier (1x1000) -> prob (1x1000)
// The final classifier needs pool5/7x7_s1 to be 1x1024x1x1, i.e. a 224x224
// input (Caffe's fixed deploy size); everything before it takes any size.
nn::Graph build_bvlc_googlenet(const nn::ParamLookup& params);

// TensorFlow DeepDream names (the inception5h graph of the TF notebook) for
// the blobs that correspond one-to-one: "conv2d0" -> "conv1/7x7_s2",
// "mixed4c" -> "inception_4c/output", "mixed4d_3x3_bottleneck_pre_relu" ->
// "inception_4d/3x3_reduce/pre_relu", "softmax2" -> "prob" ...
const std::map<std::string, std::string>& googlenet_tf_aliases();

// The inception modules in network order ("inception_3a" ... "inception_5b").
const std::vector<std::string>& googlenet_inception_names();

}  // namespace dream::models
