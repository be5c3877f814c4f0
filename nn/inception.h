#pragma once
// Building blocks that add named blobs to a Graph with Caffe's naming:
//
//  * add_conv_relu: a convolution whose blob is "<name>/pre_relu" followed by
//    its ReLU whose blob is "<name>" (Caffe's ReLUs are in place, so
//    "<name>" holds the post-ReLU value there too).
//  * add_inception: GoogLeNet's Inception module (Szegedy et al. 2014) on
//    blob `input`, four branches concatenated in this order:
//      <p>/1x1                                   1x1 conv
//      <p>/3x3_reduce -> <p>/3x3                 1x1 conv, 3x3 conv pad 1
//      <p>/5x5_reduce -> <p>/5x5                 1x1 conv, 5x5 conv pad 2
//      <p>/pool -> <p>/pool_proj                 3x3 max pool stride 1 pad 1, 1x1 conv
//    -> <p>/output (C = 1x1 + 3x3 + 5x5 + pool_proj channels, same H x W).
//    Also <p>/output/pre_relu: the same concatenation of the branches'
//    pre-ReLU values (what TensorFlow-style "mixed*_pre_relu" objectives mean).
#include <functional>
#include <string>

#include "nn/graph.h"

namespace dream::nn {

// Returns the parameter tensor with a canonical name ("inception_3a/1x1.weight").
using ParamLookup = std::function<Tensor(const std::string& name)>;

void add_conv_relu(Graph& g, const std::string& name, const std::string& input, const ParamLookup& params,
                   int64_t stride, int64_t pad);

void add_inception(Graph& g, const std::string& prefix, const std::string& input, const ParamLookup& params);

}  // namespace dream::nn
