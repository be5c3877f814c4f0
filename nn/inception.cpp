#include "nn/inception.h"

#include <memory>

#include "nn/activation.h"
#include "nn/concat.h"
#include "nn/conv2d.h"
#include "nn/pool2d.h"

namespace dream::nn {

void add_conv_relu(Graph& g, const std::string& name, const std::string& input, const ParamLookup& params,
                   int64_t stride, int64_t pad) {
  g.add(name + "/pre_relu",
        std::make_shared<Conv2d>(name, params(name + ".weight"), params(name + ".bias"), stride, pad), {input});
  g.add(name, std::make_shared<ReLU>(name), {name + "/pre_relu"});
}

void add_inception(Graph& g, const std::string& prefix, const std::string& input, const ParamLookup& params) {
  const std::string p = prefix + "/";
  add_conv_relu(g, p + "1x1", input, params, 1, 0);
  add_conv_relu(g, p + "3x3_reduce", input, params, 1, 0);
  add_conv_relu(g, p + "3x3", p + "3x3_reduce", params, 1, 1);
  add_conv_relu(g, p + "5x5_reduce", input, params, 1, 0);
  add_conv_relu(g, p + "5x5", p + "5x5_reduce", params, 1, 2);
  g.add(p + "pool", std::make_shared<MaxPool2d>(p + "pool", PoolGeometry{3, 1, 1, true}), {input});
  add_conv_relu(g, p + "pool_proj", p + "pool", params, 1, 0);
  g.add(p + "output", std::make_shared<Concat>(p + "output"), {p + "1x1", p + "3x3", p + "5x5", p + "pool_proj"});
  g.add(p + "output/pre_relu", std::make_shared<Concat>(p + "output/pre_relu"),
        {p + "1x1/pre_relu", p + "3x3/pre_relu", p + "5x5/pre_relu", p + "pool_proj/pre_relu"});
}

}  // namespace dream::nn
