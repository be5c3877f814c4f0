#include "models/googlenet_architecture.h"

#include <memory>

#include "nn/activation.h"
#include "nn/linear.h"
#include "nn/lrn.h"
#include "nn/pool2d.h"

namespace dream::models {

namespace {

// Caffe's max pools here are 3x3 stride 2 without padding, rounded up.
std::shared_ptr<nn::MaxPool2d> max_pool_3x3_s2(const std::string& name) {
  return std::make_shared<nn::MaxPool2d>(name, nn::PoolGeometry{3, 2, 0, true});
}

std::shared_ptr<nn::LRN> lrn(const std::string& name) {
  autograd::LrnSpec spec;  // deploy.prototxt: local_size 5, alpha 1e-4, beta 0.75, k 1
  spec.size = 5;
  spec.alpha = 1e-4f;
  spec.beta = 0.75f;
  spec.bias = 1.0f;
  return std::make_shared<nn::LRN>(name, spec);
}

}  // namespace

const std::vector<std::string>& googlenet_inception_names() {
  static const std::vector<std::string> names = {"inception_3a", "inception_3b", "inception_4a",
                                                 "inception_4b", "inception_4c", "inception_4d",
                                                 "inception_4e", "inception_5a", "inception_5b"};
  return names;
}

nn::Graph build_bvlc_googlenet(const nn::ParamLookup& params) {
  nn::Graph g;
  nn::add_conv_relu(g, "conv1/7x7_s2", nn::Graph::kInputName, params, 2, 3);
  g.add("pool1/3x3_s2", max_pool_3x3_s2("pool1/3x3_s2"), {"conv1/7x7_s2"});
  g.add("pool1/norm1", lrn("pool1/norm1"), {"pool1/3x3_s2"});
  nn::add_conv_relu(g, "conv2/3x3_reduce", "pool1/norm1", params, 1, 0);
  nn::add_conv_relu(g, "conv2/3x3", "conv2/3x3_reduce", params, 1, 1);
  g.add("conv2/norm2", lrn("conv2/norm2"), {"conv2/3x3"});
  g.add("pool2/3x3_s2", max_pool_3x3_s2("pool2/3x3_s2"), {"conv2/norm2"});

  nn::add_inception(g, "inception_3a", "pool2/3x3_s2", params);
  nn::add_inception(g, "inception_3b", "inception_3a/output", params);
  g.add("pool3/3x3_s2", max_pool_3x3_s2("pool3/3x3_s2"), {"inception_3b/output"});
  nn::add_inception(g, "inception_4a", "pool3/3x3_s2", params);
  nn::add_inception(g, "inception_4b", "inception_4a/output", params);
  nn::add_inception(g, "inception_4c", "inception_4b/output", params);
  nn::add_inception(g, "inception_4d", "inception_4c/output", params);
  nn::add_inception(g, "inception_4e", "inception_4d/output", params);
  g.add("pool4/3x3_s2", max_pool_3x3_s2("pool4/3x3_s2"), {"inception_4e/output"});
  nn::add_inception(g, "inception_5a", "pool4/3x3_s2", params);
  nn::add_inception(g, "inception_5b", "inception_5a/output", params);

  // Caffe's 7x7 average, stride 1, is 1024x1x1 at 224x224, where the map is
  // 7x7; we make it a global average (identical there) so that every input
  // size reaches the classifier, as torchvision's adaptive pool does: a class
  // objective then works on padded/rescaled robustness transforms and on
  // photos of any size. Dropout (in place, identity at inference) leaves the
  // blob unchanged and is not a layer here.
  nn::PoolGeometry pool5{7, 1, 0, true};
  pool5.global = true;
  g.add("pool5/7x7_s1", std::make_shared<nn::AvgPool2d>("pool5/7x7_s1", pool5), {"inception_5b/output"});
  g.add("loss3/classifier",
        std::make_shared<nn::Linear>("loss3/classifier", params("loss3/classifier.weight"),
                                     params("loss3/classifier.bias")),
        {"pool5/7x7_s1"});
  g.add("prob", std::make_shared<nn::Softmax>("prob"), {"loss3/classifier"});
  return g;
}

const std::map<std::string, std::string>& googlenet_tf_aliases() {
  static const std::map<std::string, std::string> aliases = [] {
    std::map<std::string, std::string> a;
    auto conv = [&a](const std::string& tf, const std::string& caffe) {
      a[tf] = caffe;
      a[tf + "_pre_relu"] = caffe + "/pre_relu";
    };
    conv("conv2d0", "conv1/7x7_s2");
    a["maxpool0"] = "pool1/3x3_s2";
    a["localresponsenorm0"] = "pool1/norm1";
    conv("conv2d1", "conv2/3x3_reduce");
    conv("conv2d2", "conv2/3x3");
    a["localresponsenorm1"] = "conv2/norm2";
    a["maxpool1"] = "pool2/3x3_s2";
    for (const std::string& m : googlenet_inception_names()) {
      const std::string tf = "mixed" + m.substr(std::string("inception_").size());  // "mixed4c"
      a[tf] = m + "/output";
      a[tf + "_pre_relu"] = m + "/output/pre_relu";
      conv(tf + "_1x1", m + "/1x1");
      conv(tf + "_3x3_bottleneck", m + "/3x3_reduce");
      conv(tf + "_3x3", m + "/3x3");
      conv(tf + "_5x5_bottleneck", m + "/5x5_reduce");
      conv(tf + "_5x5", m + "/5x5");
      a[tf + "_pool"] = m + "/pool";
      conv(tf + "_pool_reduce", m + "/pool_proj");
    }
    a["maxpool4"] = "pool3/3x3_s2";
    a["maxpool10"] = "pool4/3x3_s2";
    a["avgpool0"] = "pool5/7x7_s1";
    a["softmax2_pre_activation"] = "loss3/classifier";
    a["softmax2"] = "prob";
    return a;
  }();
  return aliases;
}

}  // namespace dream::models
