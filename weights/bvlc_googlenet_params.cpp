#include "weights/bvlc_googlenet_params.h"

namespace dream::weights {
namespace {

// Channel widths of one inception module (Szegedy et al. 2014, table 1).
struct InceptionWidths {
  const char* name;
  int64_t in, c1x1, c3x3_reduce, c3x3, c5x5_reduce, c5x5, pool_proj;
};

constexpr InceptionWidths kInception[] = {
    {"inception_3a", 192, 64, 96, 128, 16, 32, 32},     {"inception_3b", 256, 128, 128, 192, 32, 96, 64},
    {"inception_4a", 480, 192, 96, 208, 16, 48, 64},    {"inception_4b", 512, 160, 112, 224, 24, 64, 64},
    {"inception_4c", 512, 128, 128, 256, 24, 64, 64},   {"inception_4d", 512, 112, 144, 288, 32, 64, 64},
    {"inception_4e", 528, 256, 160, 320, 32, 128, 128}, {"inception_5a", 832, 256, 160, 320, 32, 128, 128},
    {"inception_5b", 832, 384, 192, 384, 48, 128, 128},
};

LayerParamSpec conv(const std::string& layer, int64_t out, int64_t in, int64_t k) {
  return {layer, {out, in, k, k}, {out}};
}

std::vector<LayerParamSpec> build_layers() {
  std::vector<LayerParamSpec> layers;
  layers.push_back(conv("conv1/7x7_s2", 64, 3, 7));
  layers.push_back(conv("conv2/3x3_reduce", 64, 64, 1));
  layers.push_back(conv("conv2/3x3", 192, 64, 3));
  // Branch order as in deploy.prototxt: 1x1, 3x3_reduce, 3x3, 5x5_reduce,
  // 5x5, (pool has no parameters), pool_proj.
  for (const InceptionWidths& m : kInception) {
    const std::string p = m.name;
    layers.push_back(conv(p + "/1x1", m.c1x1, m.in, 1));
    layers.push_back(conv(p + "/3x3_reduce", m.c3x3_reduce, m.in, 1));
    layers.push_back(conv(p + "/3x3", m.c3x3, m.c3x3_reduce, 3));
    layers.push_back(conv(p + "/5x5_reduce", m.c5x5_reduce, m.in, 1));
    layers.push_back(conv(p + "/5x5", m.c5x5, m.c5x5_reduce, 5));
    layers.push_back(conv(p + "/pool_proj", m.pool_proj, m.in, 1));
  }
  layers.push_back({"loss3/classifier", {1000, 1024}, {1000}});
  return layers;
}

}  // namespace

const std::vector<LayerParamSpec>& bvlc_googlenet_layers() {
  static const std::vector<LayerParamSpec> layers = build_layers();
  return layers;
}

const std::vector<ParamSpec>& bvlc_googlenet_params() {
  static const std::vector<ParamSpec> params = [] {
    std::vector<ParamSpec> out;
    for (const LayerParamSpec& l : bvlc_googlenet_layers()) {
      out.push_back({l.layer + ".weight", l.weight_shape});
      out.push_back({l.layer + ".bias", l.bias_shape});
    }
    return out;
  }();
  return params;
}

const LayerParamSpec* find_bvlc_googlenet_layer(const std::string& layer) {
  for (const LayerParamSpec& l : bvlc_googlenet_layers())
    if (l.layer == layer) return &l;
  return nullptr;
}

}  // namespace dream::weights
