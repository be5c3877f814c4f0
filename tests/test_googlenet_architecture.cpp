// bvlc_googlenet's structure, without the real weights (random ones): blob
// shapes for two input sizes against Caffe's size rules computed here by
// hand, receptive fields, aliases and name errors, pre-ReLU blobs, and that a
// forward ending at a blob computes nothing past it.
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>

#include "models/googlenet.h"
#include "tests/support/tensor_testing.h"
#include "tests/support/test_paths.h"
#include "weights/safetensors.h"

using namespace dream;

namespace {

const models::GoogLeNet& random_net() {
  static const models::GoogLeNet net = models::GoogLeNet::with_random_weights(7);
  return net;
}

// Caffe's output sizes, written out independently of nn/ and tensor/.
int64_t conv_out(int64_t in, int64_t k, int64_t s, int64_t p) { return (in + 2 * p - k) / s + 1; }
int64_t pool_out_ceil(int64_t in, int64_t k, int64_t s) {
  return static_cast<int64_t>(std::ceil(static_cast<double>(in - k) / static_cast<double>(s))) + 1;
}

struct Sizes {
  int64_t conv1, pool1, pool2, pool3, pool4, pool5;
};
Sizes caffe_sizes(int64_t in) {
  Sizes s{};
  s.conv1 = conv_out(in, 7, 2, 3);
  s.pool1 = pool_out_ceil(s.conv1, 3, 2);
  s.pool2 = pool_out_ceil(s.pool1, 3, 2);  // conv2/3x3_reduce, conv2/3x3 keep the size
  s.pool3 = pool_out_ceil(s.pool2, 3, 2);  // inception modules keep the size
  s.pool4 = pool_out_ceil(s.pool3, 3, 2);
  s.pool5 = s.pool4 - 7 + 1;  // Caffe's 7x7 kernel: 1 only at 224x224 (ours is global, see below)
  return s;
}

std::map<std::string, models::BlobInfo> blob_map(int64_t h, int64_t w) {
  std::map<std::string, models::BlobInfo> m;
  for (const auto& b : random_net().blobs(h, w)) m[b.name] = b;
  return m;
}

}  // namespace

TEST_CASE("GoogLeNet blob shapes follow Caffe's ceil-mode rules at 224x224 and 500x375") {
  const std::map<std::string, int64_t> channels = {
      {"inception_3a/output", 256}, {"inception_3b/output", 480}, {"inception_4a/output", 512},
      {"inception_4b/output", 512}, {"inception_4c/output", 512}, {"inception_4d/output", 528},
      {"inception_4e/output", 832}, {"inception_5a/output", 832}, {"inception_5b/output", 1024}};
  for (auto [w, h] : std::vector<std::pair<int64_t, int64_t>>{{224, 224}, {500, 375}}) {
    INFO("input " << w << "x" << h);
    const Sizes sh = caffe_sizes(h), sw = caffe_sizes(w);
    const auto m = blob_map(h, w);
    CHECK(m.at("conv1/7x7_s2").shape == Shape{1, 64, sh.conv1, sw.conv1});
    CHECK(m.at("conv1/7x7_s2/pre_relu").shape == Shape{1, 64, sh.conv1, sw.conv1});
    CHECK(m.at("pool1/norm1").shape == Shape{1, 64, sh.pool1, sw.pool1});
    CHECK(m.at("conv2/3x3").shape == Shape{1, 192, sh.pool1, sw.pool1});
    CHECK(m.at("pool2/3x3_s2").shape == Shape{1, 192, sh.pool2, sw.pool2});
    CHECK(m.at("inception_3a/5x5").shape == Shape{1, 32, sh.pool2, sw.pool2});
    CHECK(m.at("pool3/3x3_s2").shape == Shape{1, 480, sh.pool3, sw.pool3});
    CHECK(m.at("pool4/3x3_s2").shape == Shape{1, 832, sh.pool4, sw.pool4});
    // Caffe's 7x7 pool5 gives sh.pool5 x sw.pool5 (1x1 only at 224); ours is
    // a global average, 1x1 at every size, so the classifier is always reachable.
    CHECK(m.at("pool5/7x7_s1").shape == Shape{1, 1024, 1, 1});
    CHECK(m.at("prob").shape == Shape{1, 1000});
    for (const auto& [name, c] : channels) {
      const int64_t hh = name < "inception_4" ? sh.pool2 : name < "inception_5" ? sh.pool3 : sh.pool4;
      const int64_t ww = name < "inception_4" ? sw.pool2 : name < "inception_5" ? sw.pool3 : sw.pool4;
      INFO(name);
      CHECK(m.at(name).shape == Shape{1, c, hh, ww});
      CHECK(m.at(name + "/pre_relu").shape == Shape{1, c, hh, ww});
    }
  }
  // Values worked out on paper for the two sizes the issue names.
  CHECK(blob_map(224, 224).at("inception_4c/output").shape == Shape{1, 512, 14, 14});
  CHECK(blob_map(224, 224).at("pool5/7x7_s1").shape == Shape{1, 1024, 1, 1});
  CHECK(blob_map(224, 224).at("prob").shape == Shape{1, 1000});
  CHECK(blob_map(375, 500).at("pool1/norm1").shape == Shape{1, 64, 94, 125});
  CHECK(blob_map(375, 500).at("inception_4c/output").shape == Shape{1, 512, 23, 31});
  CHECK(blob_map(375, 500).at("inception_5b/output").shape == Shape{1, 1024, 11, 15});
  // Where Caffe's 7x7 pool5 agrees with our global one: only at 224x224.
  CHECK(caffe_sizes(224).pool5 == 1);
  CHECK(caffe_sizes(375).pool5 == 5);
  // The classifier is reachable at 500x375 too (pool5 is global).
  CHECK(blob_map(375, 500).at("loss3/classifier").shape == Shape{1, 1000});
}

TEST_CASE("GoogLeNet receptive fields and strides") {
  const auto m = blob_map(224, 224);
  CHECK(m.at("data").receptive_field == 1);
  CHECK(m.at("conv1/7x7_s2").receptive_field == 7);
  CHECK(m.at("conv1/7x7_s2").stride == 2);
  CHECK(m.at("pool1/3x3_s2").receptive_field == 7 + 2 * 2);
  CHECK(m.at("pool1/3x3_s2").stride == 4);
  CHECK(m.at("conv2/3x3").receptive_field == 11 + 2 * 4);
  CHECK(m.at("pool2/3x3_s2").receptive_field == 19 + 2 * 4);
  CHECK(m.at("pool2/3x3_s2").stride == 8);
  CHECK(m.at("inception_3a/1x1").receptive_field == 27);
  CHECK(m.at("inception_3a/3x3").receptive_field == 27 + 2 * 8);
  CHECK(m.at("inception_3a/5x5").receptive_field == 27 + 4 * 8);
  CHECK(m.at("inception_3a/output").receptive_field == 27 + 4 * 8);  // the widest branch
  CHECK(m.at("pool3/3x3_s2").stride == 16);
  CHECK(m.at("inception_5b/output").stride == 32);
}

TEST_CASE("GoogLeNet resolves TensorFlow aliases and rejects unknown names with suggestions") {
  const auto& net = random_net();
  CHECK(net.canonical_blob_name("mixed4c") == "inception_4c/output");
  CHECK(net.canonical_blob_name("mixed4c_pre_relu") == "inception_4c/output/pre_relu");
  CHECK(net.canonical_blob_name("mixed4d_3x3_bottleneck_pre_relu") == "inception_4d/3x3_reduce/pre_relu");
  CHECK(net.canonical_blob_name("mixed5b_pool_reduce") == "inception_5b/pool_proj");
  CHECK(net.canonical_blob_name("conv2d0") == "conv1/7x7_s2");
  CHECK(net.canonical_blob_name("maxpool4") == "pool3/3x3_s2");
  CHECK(net.canonical_blob_name("softmax2") == "prob");
  CHECK(net.has_blob("inception_4c/output"));
  CHECK(net.has_blob("mixed3a"));
  CHECK_FALSE(net.has_blob("inception_4c/outptu"));
  try {
    net.canonical_blob_name("inception_4c/outptu");
    FAIL("no error for an unknown blob");
  } catch (const Error& e) {
    const std::string msg = e.what();
    INFO(msg);
    CHECK(msg.find("inception_4c/outptu") != std::string::npos);
    CHECK(msg.find("inception_4c/output") != std::string::npos);  // the closest name is suggested
  }
  autograd::Tape tape;
  auto x = tape.constant(Tensor({1, 3, 64, 64}));
  CHECK_THROWS_AS(net.forward(tape, x, {"nope"}), Error);
  // Too small an input names the blob and the size it needs.
  auto tiny = tape.constant(Tensor({1, 3, 8, 8}));
  CHECK_THROWS_WITH(net.forward(tape, tiny, {"inception_4c/output"}), Catch::Contains("inception_4c/output"));
  // Wrong channel count.
  auto grey = tape.constant(Tensor({1, 1, 64, 64}));
  CHECK_THROWS_WITH(net.forward(tape, grey, {"conv1/7x7_s2"}), Catch::Contains("1x3xHxW"));
}

TEST_CASE("GoogLeNet min_input_size is the smallest side that reaches the blob") {
  const auto& net = random_net();
  for (const char* blob : {"conv1/7x7_s2", "pool2/3x3_s2", "inception_4c/output", "inception_5b/output", "prob"}) {
    INFO(blob);
    const int64_t s = net.min_input_size(blob);
    const auto has = [&](int64_t side) {
      for (const auto& b : net.blobs(side, side))
        if (b.name == blob) return true;
      return false;
    };
    CHECK(has(s));
    if (s > 1) CHECK_FALSE(has(s - 1));
  }
  CHECK(net.min_input_size("data") == 1);
}

TEST_CASE("GoogLeNet forward stops at the requested blob and records nothing past it") {
  const auto& net = random_net();
  autograd::Tape tape;
  auto x = tape.leaf(test::random_tensor({1, 3, 64, 64}, 3, -100.f, 100.f), true);
  net.forward(tape, x, {"conv2/3x3"});
  // conv1 (+ReLU fused), pool1, norm1, conv2/3x3_reduce, conv2/3x3: no inception op, no norm2.
  CHECK(tape.op_names() == std::vector<std::string>{"conv2d_relu", "max_pool2d", "lrn", "conv2d_relu", "conv2d_relu"});

  // Only the branch a blob reads: inception_3a/1x1 needs pool2 and one conv.
  autograd::Tape t2;
  auto x2 = t2.leaf(test::random_tensor({1, 3, 64, 64}, 3, -100.f, 100.f), true);
  net.forward(t2, x2, {"inception_3a/1x1"});
  const auto ops = t2.op_names();
  CHECK(std::count(ops.begin(), ops.end(), "conv2d_relu") == 4);
  CHECK(std::count(ops.begin(), ops.end(), "concat_channels") == 0);
  CHECK(ops.size() == 8);  // the 5 above + norm2 + pool2 + the 1x1 conv
}

TEST_CASE("GoogLeNet pre-ReLU blobs: ReLU of them gives the Caffe blobs, fused and unfused paths agree") {
  const auto& net = random_net();
  autograd::Tape tape;
  auto x = tape.constant(test::random_tensor({1, 3, 80, 72}, 5, -120.f, 120.f));
  const auto v = net.forward(tape, x,
                             {"conv1/7x7_s2/pre_relu", "conv1/7x7_s2", "inception_3b/output/pre_relu",
                              "inception_3b/output", "inception_3b/3x3/pre_relu", "mixed3b_pre_relu"});
  const auto fused = net.forward(tape, x, {"conv1/7x7_s2", "inception_3b/output"});
  for (const auto& [post, pre] : std::vector<std::pair<std::string, std::string>>{
           {"conv1/7x7_s2", "conv1/7x7_s2/pre_relu"}, {"inception_3b/output", "inception_3b/output/pre_relu"}}) {
    INFO(post);
    const Tensor a = v.at(post).value(), p = v.at(pre).value(), f = fused.at(post).value();
    REQUIRE(a.shape() == p.shape());
    bool negative_seen = false;
    for (int64_t i = 0; i < a.numel(); ++i) {
      negative_seen = negative_seen || p[i] < 0;
      REQUIRE(a[i] == std::max(p[i], 0.0f));
      REQUIRE(f[i] == a[i]);
    }
    CHECK(negative_seen);  // the pre-ReLU blob really is before the ReLU
  }
  // The module's pre-ReLU output holds the 3x3 branch's pre-ReLU values at its offset (after 1x1's 128 channels).
  const Tensor pre = v.at("inception_3b/output/pre_relu").value(), branch = v.at("inception_3b/3x3/pre_relu").value();
  const int64_t hw = branch.h() * branch.w();
  CHECK(std::equal(branch.data(), branch.data() + branch.numel(), pre.data() + 128 * hw));
  const Tensor alias = v.at("mixed3b_pre_relu").value();
  CHECK(std::equal(alias.data(), alias.data() + alias.numel(), pre.data()));
}

TEST_CASE("GoogLeNet weight files: a missing or mis-shaped tensor is named") {
  CHECK_THROWS_WITH(models::GoogLeNet::load("/nonexistent/model.safetensors"),
                    Catch::Contains("/nonexistent/model.safetensors"));
  const std::string path =
      test::binary_dir() + "/test_googlenet_bad_shape." + std::to_string(getpid()) + ".safetensors";
  weights::write_safetensors(path,
                             {{"conv1/7x7_s2.weight", Tensor({64, 3, 5, 5})}, {"conv1/7x7_s2.bias", Tensor({64})}}, {});
  CHECK_THROWS_WITH(models::GoogLeNet::load(path),
                    Catch::Contains("conv1/7x7_s2.weight") && Catch::Contains("64x3x7x7"));
  weights::write_safetensors(path, {{"conv1/7x7_s2.weight", Tensor({64, 3, 7, 7})}}, {});
  CHECK_THROWS_WITH(models::GoogLeNet::load(path), Catch::Contains("conv1/7x7_s2.bias"));
  std::remove(path.c_str());
}

TEST_CASE("GoogLeNet forward drops each blob after its last reader") {
  const auto& net = random_net();
  const Tensor input = test::random_tensor({1, 3, 256, 256}, 9, -100.f, 100.f);
  int64_t all_blobs = 0;  // bytes if every blob up to inception_4c/output were kept
  for (const auto& b : net.blobs(256, 256)) {
    all_blobs += shape_numel(b.shape) * 4;
    if (b.name == "inception_4c/output") break;
  }
  autograd::Tape tape;
  auto x = tape.constant(input);
  // A first forward builds what the graph keeps between calls (the stacked
  // weights of each module's sibling 1x1 convolutions, nn/pointwise_fusion.h);
  // the second must then leave nothing behind.
  net.forward(tape, x, {"inception_4c/output"});
  const int64_t before = tensor_memory_stats().live_bytes;
  reset_tensor_peak_memory();
  {
    auto out = net.forward(tape, x, {"inception_4c/output"});
    CHECK(out.at("inception_4c/output").shape() == Shape{1, 512, 16, 16});
  }
  const int64_t peak = tensor_memory_stats().peak_bytes - before;
  INFO("peak " << peak << " bytes during the forward, all blobs together " << all_blobs << " bytes");
  CHECK(peak < all_blobs / 3);
  CHECK(tensor_memory_stats().live_bytes == before);  // nothing left behind
}
