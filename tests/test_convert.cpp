// Converters end to end: the real caffemodel and onnx files give bit-identical
// canonical tensors; labels go into the metadata; format detection; ONNX
// errors; and the dream-convert command line (exit codes, one-line errors, no
// output on failure).
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "tests/support/test_paths.h"
#include "tests/weights_testing.h"
#include "weights/bvlc_googlenet_params.h"
#include "weights/convert.h"
#include "weights/protobuf_reader.h"

using dream::Error;
using dream::Shape;
using dream::test::ProtoWriter;
using dream::test::ScratchDir;
using dream::test::ShellResult;
using namespace dream::weights;

namespace {

std::string shared_file(const std::string& name) {
  const std::string path = dream::test::weights_dir() + "/" + name;
  dream::test::require_path(path, "the shared bvlc_googlenet weights, see ../shared/weights/README.md");
  return path;
}

std::vector<std::string> text_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

// Minimal ONNX ModelProto: ir_version (1) and a graph (7) holding FLOAT
// initializers (GraphProto.initializer = 5; TensorProto dims = 1,
// data_type = 2, float_data = 4, name = 8).
struct OnnxInit {
  std::string name;
  Shape dims;
  std::vector<float> values;
};
std::vector<uint8_t> synthetic_onnx(const std::vector<OnnxInit>& inits) {
  ProtoWriter graph;
  graph.string_field(2, "g");
  for (const OnnxInit& i : inits) {
    ProtoWriter t;
    t.packed_varints(1, std::vector<int64_t>(i.dims.begin(), i.dims.end()));
    t.varint_field(2, 1);  // FLOAT
    t.packed_floats(4, i.values);
    t.string_field(8, i.name);
    graph.message_field(5, t);
  }
  ProtoWriter model;
  model.varint_field(1, 4).message_field(7, graph);
  return model.bytes();
}

// All catalogue tensors as ONNX model-zoo initializers, value = position.
std::vector<OnnxInit> catalogue_initializers() {
  std::vector<OnnxInit> inits;
  for (const LayerParamSpec& l : bvlc_googlenet_layers()) {
    inits.push_back({l.layer + "_w_0", l.weight_shape, std::vector<float>(dream::shape_numel(l.weight_shape), 0.5f)});
    inits.push_back({l.layer + "_b_0", l.bias_shape, std::vector<float>(dream::shape_numel(l.bias_shape), -1.0f)});
  }
  return inits;
}

ShellResult run(const std::string& command) {
  const std::string tool = dream::test::binary_dir() + "/tools/dream-convert";
  dream::test::require_path(tool, "build the dream-convert target");
  return dream::test::run_shell(tool + " " + command);
}

}  // namespace

TEST_CASE("caffemodel and onnx of the same weights convert to bit-identical tensors") {
  const CanonicalWeights caffe = read_canonical_weights(shared_file("bvlc_googlenet.caffemodel"));
  const CanonicalWeights onnx = read_canonical_weights(shared_file("googlenet.onnx"));
  REQUIRE(caffe.tensors.size() == 116);
  REQUIRE(onnx.tensors.size() == 116);
  for (size_t i = 0; i < 116; ++i) {
    INFO(caffe.tensors[i].name);
    CHECK(caffe.tensors[i].name == onnx.tensors[i].name);
    REQUIRE(caffe.tensors[i].tensor.shape() == onnx.tensors[i].tensor.shape());
    CHECK(std::memcmp(caffe.tensors[i].tensor.data(), onnx.tensors[i].tensor.data(),
                      caffe.tensors[i].tensor.numel() * sizeof(float)) == 0);
  }
}

TEST_CASE("converted file carries network, format, source and the 1000 labels") {
  ScratchDir dir;
  const std::string dst = dir.file("g.safetensors");
  const ConvertReport r = convert_to_safetensors(shared_file("googlenet.onnx"), dst, {});
  CHECK(r.format == SourceFormat::Onnx);
  CHECK(r.parameter_count == 6998552);
  CHECK(r.labels_path == shared_file("synset_words.txt"));  // found beside the source
  SafetensorsFile f(dst);
  CHECK(f.metadata_value("network") == "bvlc_googlenet");
  CHECK(f.metadata_value("format") == "dream.cpp/1");
  CHECK(f.metadata_value("source") == "googlenet.onnx");
  const std::vector<std::string> lines = text_lines(shared_file("synset_words.txt"));
  REQUIRE(lines.size() == 1000);
  std::string joined;
  for (size_t i = 0; i < lines.size(); ++i) joined += (i ? "\n" : "") + lines[i];
  CHECK(f.metadata_value("labels") == joined);
  REQUIRE(f.entries().size() == 116);
  for (size_t i = 0; i < 116; ++i) CHECK(f.entries()[i].name == bvlc_googlenet_params()[i].name);
}

TEST_CASE("a bad label file stops the conversion before anything is written") {
  ScratchDir dir;
  std::string text;
  for (int i = 0; i < 999; ++i) text += "label " + std::to_string(i) + "\n";
  dream::test::write_text(dir.file("labels.txt"), text);
  const std::string dst = dir.file("g.safetensors");
  ConvertOptions o;
  o.labels_path = dir.file("labels.txt");
  CHECK_THROWS_WITH(convert_to_safetensors(shared_file("googlenet.onnx"), dst, o),
                    Catch::Contains("labels.txt") && Catch::Contains("999 labels"));
  CHECK_FALSE(dream::test::file_exists(dst));
  dream::test::write_text(dir.file("blank.txt"), "a\n\nb\n");
  CHECK_THROWS_WITH(read_label_file(dir.file("blank.txt")), Catch::Contains("line 2 is empty"));
}

TEST_CASE("source format is chosen by extension, else by content") {
  const uint8_t onnx_start[] = {0x08, 0x04};
  const uint8_t caffe_start[] = {0x0a, 0x09};
  CHECK(detect_source_format("x.onnx", caffe_start, 2) == SourceFormat::Onnx);
  CHECK(detect_source_format("x.caffemodel", onnx_start, 2) == SourceFormat::Caffemodel);
  CHECK(detect_source_format("weights.bin", onnx_start, 2) == SourceFormat::Onnx);
  CHECK(detect_source_format("weights.bin", caffe_start, 2) == SourceFormat::Caffemodel);
  const uint8_t text[] = {'h', 'i'};
  CHECK_THROWS_WITH(detect_source_format("weights.bin", text, 2), Catch::Contains("weights.bin"));

  // The real ONNX file under a neutral name is still read as ONNX.
  ScratchDir dir;
  dream::test::write_bytes(dir.file("model.bin"), dream::read_file_bytes(shared_file("googlenet.onnx")));
  CHECK(read_canonical_weights(dir.file("model.bin")).tensors.size() == 116);
}

TEST_CASE("onnx conversion errors: wrong network, shape mismatch, missing layer, truncation") {
  const std::string ctx = "synthetic.onnx";
  SECTION("another network") {
    const auto bytes = synthetic_onnx({{"fc_w_0", {2, 3}, std::vector<float>(6, 1.0f)}});
    CHECK_THROWS_WITH(canonical_from_onnx(dream::onnx::parse_model(bytes.data(), bytes.size(), ctx), ctx),
                      Catch::Contains("not a bvlc_googlenet model") && Catch::Contains("fc"));
  }
  SECTION("shape mismatch") {
    auto inits = catalogue_initializers();
    inits[0].dims = {3, 64, 7, 7};  // conv1/7x7_s2_w_0 with in/out swapped
    const auto bytes = synthetic_onnx(inits);
    CHECK_THROWS_WITH(canonical_from_onnx(dream::onnx::parse_model(bytes.data(), bytes.size(), ctx), ctx),
                      Catch::Contains("conv1/7x7_s2") && Catch::Contains("expected shape 64x3x7x7") &&
                          Catch::Contains("got 3x64x7x7"));
  }
  SECTION("missing layer") {
    auto inits = catalogue_initializers();
    inits.erase(inits.begin() + 10, inits.begin() + 12);  // layer 5: inception_3a/3x3
    const auto bytes = synthetic_onnx(inits);
    CHECK_THROWS_WITH(canonical_from_onnx(dream::onnx::parse_model(bytes.data(), bytes.size(), ctx), ctx),
                      Catch::Contains("missing layer inception_3a/3x3 ") && Catch::Contains("128x96x3x3"));
  }
  SECTION("complete synthetic model converts, values preserved") {
    const auto bytes = synthetic_onnx(catalogue_initializers());
    const CanonicalWeights w = canonical_from_onnx(dream::onnx::parse_model(bytes.data(), bytes.size(), ctx), ctx);
    REQUIRE(w.tensors.size() == 116);
    CHECK(w.tensors[0].tensor[0] == 0.5f);
    CHECK(w.tensors[1].tensor[63] == -1.0f);
  }
  SECTION("truncated real onnx at many cuts") {
    const std::vector<uint8_t> bytes = dream::read_file_bytes(shared_file("googlenet.onnx"));
    for (int k = 0; k < 24; ++k) {
      const size_t cut = bytes.size() * static_cast<size_t>(k) / 25 + static_cast<size_t>(k);
      INFO("cut at " << cut);
      const std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + static_cast<long>(cut));
      CHECK_THROWS_AS(canonical_from_onnx(dream::onnx::parse_model(prefix.data(), prefix.size(), ctx), ctx), Error);
    }
  }
}

TEST_CASE("dream-convert: help, usage errors, one-line failures, no output on failure") {
  ScratchDir dir;
  ShellResult help = run("--help");
  CHECK(help.status == 0);
  CHECK(help.output.find("usage: dream-convert SRC DST.safetensors") != std::string::npos);

  CHECK(run("").status == 2);
  CHECK(run("a b c").status == 2);
  CHECK(run("--bogus a b").status == 2);

  // Corrupt input: exit 1, exactly one line naming the file, nothing written.
  std::vector<uint8_t> bytes = dream::read_file_bytes(shared_file("bvlc_googlenet.caffemodel"));
  bytes.resize(bytes.size() / 3);
  dream::test::write_bytes(dir.file("cut.caffemodel"), bytes);
  const std::string dst = dir.file("out.safetensors");
  ShellResult bad = run(dir.file("cut.caffemodel") + " " + dst);
  INFO(bad.output);
  CHECK(bad.status == 1);
  CHECK(bad.output.rfind("dream-convert: ", 0) == 0);
  CHECK(bad.output.find("cut.caffemodel") != std::string::npos);
  CHECK(std::count(bad.output.begin(), bad.output.end(), '\n') == 1);
  CHECK_FALSE(dream::test::file_exists(dst));
  CHECK_FALSE(dream::test::file_exists(dst + ".tmp"));

  ShellResult dir_src = run(dir.path() + " " + dst);
  CHECK(dir_src.status == 1);
  CHECK(dir_src.output == "dream-convert: " + dir.path() + ": not a regular file\n");

  ShellResult good = run(shared_file("bvlc_googlenet.caffemodel") + " " + dst);
  INFO(good.output);
  CHECK(good.status == 0);
  CHECK(good.output.find("116 tensors, 6998552 parameters") != std::string::npos);
  CHECK(SafetensorsFile(dst).entries().size() == 116);
}
