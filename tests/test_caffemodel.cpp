// .caffemodel reading and conversion: the real published weights (legacy V1
// encoding), synthetic nets in the current `layer` encoding with `shape`
// blobs, clear errors for wrong input, and truncated / corrupted files
// rejected without crashing (this file also runs under ASan in CI).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <random>

#include "tests/caffemodel_builder.h"
#include "tests/support/test_paths.h"
#include "weights/bvlc_googlenet_params.h"
#include "weights/caffemodel.h"
#include "weights/convert.h"
#include "weights/protobuf_reader.h"

using dream::Error;
using dream::Shape;
using dream::test::ScratchDir;
using dream::test::SyntheticNetOptions;
using namespace dream::weights;

namespace {

std::string real_caffemodel_path() {
  const std::string path = dream::test::weights_dir() + "/bvlc_googlenet.caffemodel";
  dream::test::require_path(path, "the shared bvlc_googlenet weights, see ../shared/weights/README.md");
  return path;
}

const std::vector<uint8_t>& real_caffemodel_bytes() {
  static const std::vector<uint8_t> bytes = dream::read_file_bytes(real_caffemodel_path());
  return bytes;
}

bool in_catalogue(const std::string& layer) { return find_bvlc_googlenet_layer(layer) != nullptr; }

// Converts in memory, as dream-convert does, from the first `size` bytes.
CanonicalWeights convert_bytes(const uint8_t* data, size_t size, const std::string& context) {
  return canonical_from_caffe(parse_caffemodel(data, size, context, in_catalogue), context);
}

// Writes `bytes` to SRC, converts to DST, expects an error containing every
// needle, and checks that neither DST nor DST.tmp exists afterwards.
void require_conversion_fails(const std::vector<uint8_t>& bytes, const std::vector<std::string>& needles) {
  ScratchDir dir;
  const std::string src = dir.file("net.caffemodel"), dst = dir.file("out.safetensors");
  dream::test::write_bytes(src, bytes);
  try {
    convert_to_safetensors(src, dst, {});
    FAIL("conversion succeeded; expected an error mentioning " << needles.front());
  } catch (const Error& e) {
    const std::string msg = e.what();
    INFO(msg);
    CHECK(msg.find(src) != std::string::npos);
    for (const std::string& n : needles) CHECK(msg.find(n) != std::string::npos);
  }
  CHECK_FALSE(dream::test::file_exists(dst));
  CHECK_FALSE(dream::test::file_exists(dst + ".tmp"));
}

}  // namespace

TEST_CASE("catalogue: 58 layers, 116 tensors, 6,998,552 parameters") {
  CHECK(bvlc_googlenet_layers().size() == 58);
  const auto& params = bvlc_googlenet_params();
  REQUIRE(params.size() == 116);
  int64_t total = 0;
  for (const ParamSpec& p : params) total += dream::shape_numel(p.shape);
  CHECK(total == 6998552);
  CHECK(total == kGoogLeNetParamCount);
  CHECK(params.front().name == "conv1/7x7_s2.weight");
  CHECK(params.front().shape == Shape{64, 3, 7, 7});
  CHECK(params.back().name == "loss3/classifier.bias");
  CHECK(params[114].shape == Shape{1000, 1024});
}

TEST_CASE("real bvlc_googlenet.caffemodel: legacy V1 layers, catalogue order and shapes") {
  const std::vector<uint8_t>& bytes = real_caffemodel_bytes();
  const CaffeNet net = parse_caffemodel(bytes.data(), bytes.size(), "bvlc_googlenet.caffemodel");
  CHECK(net.legacy_v1);
  // The file's parameter layers, in file order, are exactly the catalogue:
  // this checks our hand-written catalogue against the published network.
  std::vector<const CaffeLayer*> with_params;
  for (const CaffeLayer& l : net.layers)
    if (l.blob_count) with_params.push_back(&l);
  const auto& catalogue = bvlc_googlenet_layers();
  REQUIRE(with_params.size() == catalogue.size());
  for (size_t i = 0; i < catalogue.size(); ++i) {
    INFO("layer " << i << " " << catalogue[i].layer);
    CHECK(with_params[i]->name == catalogue[i].layer);
    CHECK(with_params[i]->type == (catalogue[i].layer == "loss3/classifier" ? "InnerProduct" : "Convolution"));
    REQUIRE(with_params[i]->blobs.size() == 2);
    CHECK(dream::shape_numel(with_params[i]->blobs[0].shape) == dream::shape_numel(catalogue[i].weight_shape));
    CHECK(with_params[i]->blobs[1].shape.size() == 4);  // legacy num/channels/height/width
  }
  CHECK(with_params[0]->blobs[1].shape == Shape{1, 1, 1, 64});
  CHECK(with_params.back()->blobs[0].shape == Shape{1, 1, 1000, 1024});

  const CanonicalWeights w = canonical_from_caffe(net, "bvlc_googlenet.caffemodel");
  REQUIRE(w.tensors.size() == 116);
  int64_t total = 0;
  for (size_t i = 0; i < w.tensors.size(); ++i) {
    CHECK(w.tensors[i].name == bvlc_googlenet_params()[i].name);
    CHECK(w.tensors[i].tensor.shape() == bvlc_googlenet_params()[i].shape);
    total += w.tensors[i].tensor.numel();
  }
  CHECK(total == 6998552);
  CHECK(w.skipped_layers.empty());  // the shared copy has no auxiliary heads
  // Values are the file's, not zeros: trained conv1 filters have a spread.
  const dream::Tensor& conv1 = w.tensors[0].tensor;
  float lo = conv1[0], hi = conv1[0];
  for (int64_t i = 0; i < conv1.numel(); ++i) lo = std::min(lo, conv1[i]), hi = std::max(hi, conv1[i]);
  CHECK(hi - lo > 0.1f);
}

TEST_CASE("synthetic caffemodel in the current `layer` encoding with `shape` blobs converts") {
  SyntheticNetOptions o;
  o.double_data_layer = "inception_3b/3x3";
  ScratchDir dir;
  const std::string src = dir.file("current.caffemodel"), dst = dir.file("out.safetensors");
  dream::test::write_bytes(src, dream::test::synthetic_googlenet(o));
  const ConvertReport report = convert_to_safetensors(src, dst, {});
  CHECK(report.tensor_count == 116);
  CHECK(report.parameter_count == 6998552);
  CHECK(report.skipped_layers == std::vector<std::string>{"loss1/conv"});
  CHECK(report.labels_path.empty());

  SafetensorsFile f(dst);
  CHECK(f.metadata_value("network") == "bvlc_googlenet");
  CHECK(f.metadata_value("source") == "current.caffemodel");
  CHECK_FALSE(f.metadata().count("labels"));
  const auto& layers = bvlc_googlenet_layers();
  for (size_t li = 0; li < layers.size(); ++li) {
    for (int blob = 0; blob < 2; ++blob) {
      const std::string name = layers[li].layer + (blob ? ".bias" : ".weight");
      INFO(name);
      const SafetensorsEntry& e = f.entry(name);
      CHECK(e.shape == (blob ? layers[li].bias_shape : layers[li].weight_shape));
      const float* v = f.data(name);
      const int64_t n = dream::shape_numel(e.shape);
      bool all_equal = true;
      for (int64_t i = 0; i < n; ++i) all_equal = all_equal && v[i] == dream::test::synthetic_param(li, blob, i);
      CHECK(all_equal);
    }
  }
}

TEST_CASE("synthetic legacy V1 caffemodel with 4-D blobs converts to the same tensors as the current encoding") {
  SyntheticNetOptions legacy;
  legacy.legacy_v1 = true;
  const std::vector<uint8_t> a = dream::test::synthetic_googlenet(legacy);
  const std::vector<uint8_t> b = dream::test::synthetic_googlenet(SyntheticNetOptions{});
  const CanonicalWeights wa = convert_bytes(a.data(), a.size(), "legacy");
  const CanonicalWeights wb = convert_bytes(b.data(), b.size(), "current");
  REQUIRE(wa.tensors.size() == 116);
  REQUIRE(wb.tensors.size() == 116);
  for (size_t i = 0; i < 116; ++i) {
    CHECK(wa.tensors[i].tensor.shape() == wb.tensors[i].tensor.shape());
    CHECK(std::memcmp(wa.tensors[i].tensor.data(), wb.tensors[i].tensor.data(), wa.tensors[i].tensor.numel() * 4) == 0);
  }
}

TEST_CASE("caffemodel conversion errors name the layer and shapes, and write nothing") {
  SECTION("missing layer") {
    SyntheticNetOptions o;
    o.drop_layer = "inception_4c/5x5";
    require_conversion_fails(dream::test::synthetic_googlenet(o), {"missing layer inception_4c/5x5", "64x24x5x5"});
  }
  SECTION("shape mismatch") {
    SyntheticNetOptions o;
    o.wrong_shape_layer = "inception_3a/3x3";
    require_conversion_fails(dream::test::synthetic_googlenet(o),
                             {"inception_3a/3x3", "expected shape 128x96x3x3", "got 96x128x3x3"});
  }
  SECTION("bias blob missing") {
    SyntheticNetOptions o;
    o.one_blob_layer = "conv2/3x3";
    require_conversion_fails(dream::test::synthetic_googlenet(o), {"conv2/3x3", "1 blobs, expected 2"});
  }
  SECTION("blob shape disagrees with its data") {
    SyntheticNetOptions o;
    o.count_mismatch_layer = "inception_5b/1x1";
    require_conversion_fails(dream::test::synthetic_googlenet(o), {"inception_5b/1x1", "385x832x1x1"});
  }
  SECTION("another network") {
    // A one-layer net whose only conv is not one of GoogLeNet's.
    dream::test::ProtoWriter shape, layer, net;
    shape.packed_varints(1, {2, 1, 1, 1});
    dream::test::ProtoWriter conv_blob;
    conv_blob.message_field(7, shape).packed_floats(5, {1.0f, 2.0f});
    layer.string_field(1, "conv1").string_field(2, "Convolution").message_field(7, conv_blob);
    net.string_field(1, "LeNet").message_field(100, layer);
    require_conversion_fails(net.bytes(), {"not a bvlc_googlenet model", "conv1"});
  }
  SECTION("not a protobuf at all") {
    const std::string text = "this is a text file, not a caffemodel\n";
    require_conversion_fails(std::vector<uint8_t>(text.begin(), text.end()), {"malformed protobuf"});
  }
  SECTION("empty file") { require_conversion_fails({}, {"empty"}); }
}

TEST_CASE("truncated real caffemodel is rejected at every cut, without reading past the cut") {
  const std::vector<uint8_t>& bytes = real_caffemodel_bytes();
  std::vector<size_t> cuts = {0, 1, 2, 3, 5, 8, 13, 64, 100, 1000, 4096};
  for (int k = 1; k < 40; ++k) cuts.push_back(bytes.size() * static_cast<size_t>(k) / 41);
  std::mt19937 rng(7);
  for (int k = 0; k < 12; ++k) cuts.push_back(std::uniform_int_distribution<size_t>(0, bytes.size() * 9 / 10)(rng));
  for (size_t cut : cuts) {
    INFO("cut at byte " << cut << " of " << bytes.size());
    // A heap copy of exactly `cut` bytes, so ASan flags any read past the cut.
    const std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + static_cast<long>(cut));
    CHECK_THROWS_AS(convert_bytes(prefix.data(), prefix.size(), "truncated.caffemodel"), Error);
  }
  // And through the file path: a truncated file leaves no output.
  std::vector<uint8_t> half(bytes.begin(), bytes.begin() + static_cast<long>(bytes.size() / 2));
  require_conversion_fails(half, {});
}

TEST_CASE("randomly corrupted real caffemodel is rejected or converted, never crashes") {
  const std::vector<uint8_t>& bytes = real_caffemodel_bytes();
  // Almost all bytes are float data, where a flip only changes a value. To
  // hit structure (keys, lengths, names, blob dims) too, half the trials flip
  // bytes next to a layer's name, found by a plain byte search.
  std::vector<size_t> name_offsets;
  for (const LayerParamSpec& spec : bvlc_googlenet_layers()) {
    auto it = std::search(bytes.begin(), bytes.end(), spec.layer.begin(), spec.layer.end());
    REQUIRE(it != bytes.end());
    name_offsets.push_back(static_cast<size_t>(it - bytes.begin()));
  }
  std::mt19937 rng(12345);
  int rejected = 0, converted = 0;
  for (int trial = 0; trial < 30; ++trial) {
    std::vector<uint8_t> bad = bytes;
    const int flips = 1 + trial % 3;
    for (int k = 0; k < flips; ++k) {
      size_t at;
      if (trial % 2) {
        at = std::uniform_int_distribution<size_t>(0, bad.size() - 1)(rng);
      } else {
        const size_t name = name_offsets[std::uniform_int_distribution<size_t>(0, name_offsets.size() - 1)(rng)];
        at = std::min(bad.size() - 1,
                      name - std::min<size_t>(name, 8) + std::uniform_int_distribution<size_t>(0, 72)(rng));
      }
      bad[at] = static_cast<uint8_t>(bad[at] ^ (1u << std::uniform_int_distribution<int>(0, 7)(rng)));
    }
    try {
      const CanonicalWeights w = convert_bytes(bad.data(), bad.size(), "corrupt.caffemodel");
      CHECK(w.tensors.size() == 116);  // a flip inside float data only changes values
      ++converted;
    } catch (const Error&) {
      ++rejected;
    }
  }
  INFO(rejected << " rejected, " << converted << " converted");
  CHECK(rejected > 0);  // structure bytes were hit at least once (seeded, so deterministic)
  CHECK(rejected + converted == 30);
}
