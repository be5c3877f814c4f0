// The protobuf wire-format reader (weights/protobuf_reader.h) and the ONNX
// decoders built on it (weights/onnx_reader.h, weights/onnx_tensor.h):
// hand-built messages with known bytes, then robustness against truncated and
// corrupted real files (run under ASan/UBSan in CI: any out-of-bounds read is
// a failure even when no exception escapes).
#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <vector>

#include "tests/support/onnx_node_case.h"
#include "tests/support/test_paths.h"
#include "weights/onnx_reader.h"
#include "weights/protobuf_reader.h"

namespace {

using namespace dream;
using Bytes = std::vector<uint8_t>;

// A tiny encoder, written from the wire-format rules: key = number << 3 | type,
// varints are little-endian base-128 with the top bit as "more follows".
void put_varint(Bytes& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<uint8_t>(v));
}
void put_key(Bytes& out, uint32_t number, WireType type) {
  put_varint(out, (static_cast<uint64_t>(number) << 3) | static_cast<uint64_t>(type));
}
void put_varint_field(Bytes& out, uint32_t number, uint64_t v) {
  put_key(out, number, WireType::Varint);
  put_varint(out, v);
}
void put_fixed32_field(Bytes& out, uint32_t number, float v) {
  put_key(out, number, WireType::Fixed32);
  uint8_t b[4];
  std::memcpy(b, &v, 4);
  out.insert(out.end(), b, b + 4);
}
void put_fixed64_field(Bytes& out, uint32_t number, double v) {
  put_key(out, number, WireType::Fixed64);
  uint8_t b[8];
  std::memcpy(b, &v, 8);
  out.insert(out.end(), b, b + 8);
}
void put_bytes_field(Bytes& out, uint32_t number, const Bytes& payload) {
  put_key(out, number, WireType::Bytes);
  put_varint(out, payload.size());
  out.insert(out.end(), payload.begin(), payload.end());
}
Bytes str(const std::string& s) { return Bytes(s.begin(), s.end()); }

std::vector<ProtoField> all_fields(const Bytes& b) {
  ProtoReader r(b.data(), b.size(), "test message");
  std::vector<ProtoField> fields;
  ProtoField f;
  while (r.next(f)) fields.push_back(f);
  return fields;
}

}  // namespace

TEST_CASE("protobuf varints decode, including 10-byte negatives") {
  Bytes b;
  put_varint_field(b, 1, 0);
  put_varint_field(b, 2, 1);
  put_varint_field(b, 3, 300);  // 0xac 0x02
  put_varint_field(b, 4, static_cast<uint64_t>(int64_t(-1)));
  put_varint_field(b, 5, static_cast<uint64_t>(int64_t(-5)));
  put_varint_field(b, 6, UINT64_MAX);
  put_varint_field(b, 536870911, 7);  // the largest field number (2^29 - 1)
  // Known bytes: 300 in field 3 is 18 ac 02; -1 is ten bytes ending in 01.
  REQUIRE(b[4] == 0x18);
  REQUIRE(b[5] == 0xac);
  REQUIRE(b[6] == 0x02);
  REQUIRE(b[8] == 0xff);
  REQUIRE(b[17] == 0x01);

  std::vector<ProtoField> f = all_fields(b);
  REQUIRE(f.size() == 7);
  CHECK(f[0].number == 1);
  CHECK(f[0].as_uint64() == 0);
  CHECK_FALSE(f[0].as_bool());
  CHECK(f[1].as_bool());
  CHECK(f[2].as_int64() == 300);
  CHECK(f[3].as_int64() == -1);
  CHECK(f[4].as_int32() == -5);
  CHECK(f[5].as_uint64() == UINT64_MAX);
  CHECK(f[6].number == 536870911u);
  CHECK(f[6].as_int64() == 7);
}

TEST_CASE("protobuf fixed32, fixed64, strings and nested messages") {
  Bytes inner;
  put_varint_field(inner, 1, 42);
  put_bytes_field(inner, 2, str("conv1"));
  Bytes b;
  put_fixed32_field(b, 1, 1.5f);
  put_fixed64_field(b, 2, -2.25);
  put_bytes_field(b, 3, str("hello"));
  put_bytes_field(b, 4, inner);
  put_bytes_field(b, 5, {});  // empty string / empty message

  std::vector<ProtoField> f = all_fields(b);
  REQUIRE(f.size() == 5);
  CHECK(f[0].as_float() == 1.5f);
  CHECK(f[1].as_double() == -2.25);
  CHECK(f[2].as_string() == "hello");
  ProtoReader sub = f[3].message("inner");
  CHECK(sub.context() == "test message > inner");
  ProtoField g;
  REQUIRE(sub.next(g));
  CHECK(g.as_int64() == 42);
  REQUIRE(sub.next(g));
  CHECK(g.as_string() == "conv1");
  CHECK_FALSE(sub.next(g));
  CHECK(f[4].as_string().empty());
  ProtoReader empty = f[4].message("empty");
  CHECK_FALSE(empty.next(g));
}

TEST_CASE("protobuf repeated scalars, packed and unpacked, accumulate") {
  Bytes packed_floats;
  for (float v : {0.5f, -1.0f, 3.25f}) {
    uint8_t raw[4];
    std::memcpy(raw, &v, 4);
    packed_floats.insert(packed_floats.end(), raw, raw + 4);
  }
  Bytes packed_ints;
  for (int64_t v : {int64_t(3), int64_t(-2), int64_t(1) << 40}) put_varint(packed_ints, static_cast<uint64_t>(v));
  Bytes packed_doubles(8);
  double d = 6.5;
  std::memcpy(packed_doubles.data(), &d, 8);

  Bytes b;
  put_bytes_field(b, 1, packed_floats);
  put_fixed32_field(b, 1, 7.0f);  // an unpacked element of the same field
  put_bytes_field(b, 2, packed_ints);
  put_varint_field(b, 2, 9);
  put_bytes_field(b, 3, packed_doubles);
  put_fixed64_field(b, 3, -1.0);

  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<double> doubles;
  for (const ProtoField& f : all_fields(b)) {
    if (f.number == 1) f.append_floats(floats);
    if (f.number == 2) f.append_int64s(ints);
    if (f.number == 3) f.append_doubles(doubles);
  }
  CHECK(floats == std::vector<float>{0.5f, -1.0f, 3.25f, 7.0f});
  CHECK(ints == std::vector<int64_t>{3, -2, int64_t(1) << 40, 9});
  CHECK(doubles == std::vector<double>{6.5, -1.0});
}

TEST_CASE("protobuf malformed input throws dream::Error naming the context") {
  auto parse_all = [](const Bytes& b) { (void)all_fields(b); };
  SECTION("truncated varint") { CHECK_THROWS_WITH(parse_all({0x08, 0x80}), Catch::Contains("truncated varint")); }
  SECTION("varint longer than 10 bytes") {
    Bytes b = {0x08};
    for (int i = 0; i < 10; ++i) b.push_back(0x80);
    b.push_back(0x01);
    CHECK_THROWS_WITH(parse_all(b), Catch::Contains("longer than 10 bytes"));
  }
  SECTION("length beyond the end") {
    Bytes b = {0x0a, 0x05, 'a', 'b'};
    CHECK_THROWS_WITH(parse_all(b), Catch::Contains("claims 5 bytes"));
  }
  SECTION("huge length does not wrap the pointer") {
    Bytes b = {0x0a};
    put_varint(b, UINT64_MAX - 1);
    CHECK_THROWS_AS(parse_all(b), Error);
  }
  SECTION("field number 0") { CHECK_THROWS_WITH(parse_all({0x00, 0x01}), Catch::Contains("field number 0")); }
  SECTION("groups and unknown wire types") {
    CHECK_THROWS_WITH(parse_all({0x0b}), Catch::Contains("wire type 3"));
    CHECK_THROWS_WITH(parse_all({0x0c}), Catch::Contains("wire type 4"));
    CHECK_THROWS_WITH(parse_all({0x0e}), Catch::Contains("wire type 6"));
    CHECK_THROWS_WITH(parse_all({0x0f}), Catch::Contains("wire type 7"));
  }
  SECTION("truncated fixed32 and fixed64") {
    CHECK_THROWS_WITH(parse_all({0x0d, 1, 2, 3}), Catch::Contains("truncated fixed32"));
    CHECK_THROWS_WITH(parse_all({0x09, 1, 2, 3, 4, 5, 6, 7}), Catch::Contains("truncated fixed64"));
  }
  SECTION("errors name the context and offset") {
    Bytes b = {0x08, 0x01, 0x0a, 0x09};
    CHECK_THROWS_WITH(parse_all(b), Catch::Contains("test message") && Catch::Contains("at byte"));
  }
  SECTION("packed payloads of the wrong length") {
    Bytes b;
    put_bytes_field(b, 1, {1, 2, 3});
    ProtoField f = all_fields(b).at(0);
    std::vector<float> floats;
    std::vector<double> doubles;
    CHECK_THROWS_WITH(f.append_floats(floats), Catch::Contains("not a multiple of 4"));
    CHECK_THROWS_WITH(f.append_doubles(doubles), Catch::Contains("not a multiple of 8"));
    Bytes c;
    put_bytes_field(c, 2, {0x80, 0x80});  // a packed varint that never ends
    std::vector<int64_t> ints;
    CHECK_THROWS_WITH(all_fields(c).at(0).append_int64s(ints), Catch::Contains("truncated packed varint"));
  }
  SECTION("reading a field as the wrong type") {
    Bytes b;
    put_varint_field(b, 1, 5);
    ProtoField f = all_fields(b).at(0);
    CHECK_THROWS_WITH(f.as_float(), Catch::Contains("expected fixed32"));
    CHECK_THROWS_WITH(f.as_string(), Catch::Contains("expected length-delimited"));
    CHECK_THROWS_AS(f.message("x"), Error);
  }
}

TEST_CASE("onnx TensorProto decodes float and int64 data in every encoding") {
  auto tensor_header = [](const std::vector<int64_t>& dims, int32_t type, const std::string& name) {
    Bytes b;
    Bytes packed_dims;
    for (int64_t d : dims) put_varint(packed_dims, static_cast<uint64_t>(d));
    put_bytes_field(b, 1, packed_dims);
    put_varint_field(b, 2, static_cast<uint64_t>(type));
    put_bytes_field(b, 8, str(name));
    return b;
  };
  SECTION("float raw_data") {
    Bytes b = tensor_header({2, 1, 1, 2}, 1, "w");
    Bytes raw(16);
    float v[4] = {1.0f, -2.0f, 0.25f, 8.0f};
    std::memcpy(raw.data(), v, 16);
    put_bytes_field(b, 9, raw);
    onnx::OnnxTensor t = onnx::parse_tensor(b.data(), b.size(), "t.pb");
    CHECK(t.name == "w");
    CHECK(t.dims == std::vector<int64_t>{2, 1, 1, 2});
    CHECK(t.float_values() == std::vector<float>{1.0f, -2.0f, 0.25f, 8.0f});
    Tensor tensor = t.to_tensor();
    CHECK(tensor.shape() == Shape{2, 1, 1, 2});
    CHECK(tensor[3] == 8.0f);
    CHECK_THROWS_WITH(t.int64_values(), Catch::Contains("'w'") && Catch::Contains("FLOAT"));
  }
  SECTION("float_data, unpacked") {
    Bytes b = tensor_header({3}, 1, "v");
    for (float v : {1.0f, 2.0f, 3.0f}) put_fixed32_field(b, 4, v);
    CHECK(onnx::parse_tensor(b.data(), b.size(), "t.pb").floats == std::vector<float>{1.0f, 2.0f, 3.0f});
  }
  SECTION("int64 raw_data and int64_data, int32_data") {
    Bytes raw = tensor_header({2}, 7, "sizes");
    int64_t v[2] = {-3, int64_t(1) << 35};
    Bytes payload(16);
    std::memcpy(payload.data(), v, 16);
    put_bytes_field(raw, 9, payload);
    CHECK(onnx::parse_tensor(raw.data(), raw.size(), "t.pb").int64_values() ==
          std::vector<int64_t>{-3, int64_t(1) << 35});

    Bytes packed = tensor_header({2}, 7, "axes");
    Bytes ints;
    put_varint(ints, static_cast<uint64_t>(int64_t(-1)));
    put_varint(ints, 4);
    put_bytes_field(packed, 7, ints);
    CHECK(onnx::parse_tensor(packed.data(), packed.size(), "t.pb").int64_values() == std::vector<int64_t>{-1, 4});

    Bytes i32 = tensor_header({1}, 6, "i32");
    put_varint_field(i32, 5, static_cast<uint64_t>(int64_t(-7)));
    CHECK(onnx::parse_tensor(i32.data(), i32.size(), "t.pb").int64_values() == std::vector<int64_t>{-7});
  }
  SECTION("scalar (rank 0) holds one element") {
    Bytes b;
    put_varint_field(b, 2, 1);
    put_fixed32_field(b, 4, 3.14f);
    onnx::OnnxTensor t = onnx::parse_tensor(b.data(), b.size(), "t.pb");
    CHECK(t.dims.empty());
    CHECK(t.numel() == 1);
    CHECK(t.floats == std::vector<float>{3.14f});
  }
  SECTION("errors name the tensor and what is wrong") {
    Bytes short_raw = tensor_header({2, 2}, 1, "w");
    put_bytes_field(short_raw, 9, Bytes(12));
    CHECK_THROWS_WITH(onnx::parse_tensor(short_raw.data(), short_raw.size(), "m.onnx"),
                      Catch::Contains("m.onnx") && Catch::Contains("'w'") && Catch::Contains("expected 16"));
    Bytes few = tensor_header({4}, 1, "few");
    put_fixed32_field(few, 4, 1.0f);
    CHECK_THROWS_WITH(onnx::parse_tensor(few.data(), few.size(), "m.onnx"), Catch::Contains("expected 4"));
    Bytes neg = tensor_header({-2}, 1, "neg");
    CHECK_THROWS_WITH(onnx::parse_tensor(neg.data(), neg.size(), "m.onnx"), Catch::Contains("negative dimension"));
    Bytes huge = tensor_header({int64_t(1) << 30, int64_t(1) << 30, 16}, 1, "huge");
    CHECK_THROWS_WITH(onnx::parse_tensor(huge.data(), huge.size(), "m.onnx"), Catch::Contains("implausible"));
    Bytes external = tensor_header({1}, 1, "ext");
    put_varint_field(external, 14, 1);
    CHECK_THROWS_WITH(onnx::parse_tensor(external.data(), external.size(), "m.onnx"), Catch::Contains("external"));
    Bytes u8 = tensor_header({2}, 2, "bytes");
    put_bytes_field(u8, 9, {1, 2});
    onnx::OnnxTensor t = onnx::parse_tensor(u8.data(), u8.size(), "m.onnx");
    CHECK_THROWS_WITH(t.float_values(), Catch::Contains("'bytes'") && Catch::Contains("UINT8"));
    CHECK_THROWS_WITH(t.to_tensor(), Catch::Contains("UINT8"));
    Bytes rank5 = tensor_header({1, 1, 1, 1, 2}, 1, "r5");
    put_bytes_field(rank5, 9, Bytes(8));
    CHECK_THROWS_WITH(onnx::parse_tensor(rank5.data(), rank5.size(), "m.onnx").to_tensor(),
                      Catch::Contains("'r5'") && Catch::Contains("rank 5"));
  }
}

TEST_CASE("onnx model decodes a real node test: Conv with strides and padding") {
  onnx::OnnxModel m = onnx::read_model_file(test::onnx_node_dir() + "/test_conv_with_strides_padding/model.onnx");
  CHECK(m.opset_version == 11);
  REQUIRE(m.nodes.size() == 1);
  const onnx::OnnxNode& n = m.nodes[0];
  CHECK(n.op_type == "Conv");
  CHECK(n.inputs == std::vector<std::string>{"x", "W"});
  CHECK(n.outputs == std::vector<std::string>{"y"});
  CHECK(n.get_ints("kernel_shape", {}) == std::vector<int64_t>{3, 3});
  CHECK(n.get_ints("pads", {}) == std::vector<int64_t>{1, 1, 1, 1});
  CHECK(n.get_ints("strides", {}) == std::vector<int64_t>{2, 2});
  CHECK(n.get_int("group", 1) == 1);  // absent: the default
  CHECK_THROWS_WITH(n.get_float("strides", 0.0f), Catch::Contains("'strides'") && Catch::Contains("INTS"));
  CHECK(m.inputs == std::vector<std::string>{"x", "W"});
  CHECK(m.outputs == std::vector<std::string>{"y"});

  onnx::OnnxTensor x =
      onnx::read_tensor_file(test::onnx_node_dir() + "/test_conv_with_strides_padding/test_data_set_0/input_0.pb");
  CHECK(x.name == "x");
  CHECK(x.dims == std::vector<int64_t>{1, 1, 7, 5});
  // The suite's input is np.arange(35) reshaped.
  REQUIRE(x.floats.size() == 35);
  for (size_t i = 0; i < 35; ++i) CHECK(x.floats[i] == static_cast<float>(i));
}

TEST_CASE("onnx model decodes attributes of every kind we use") {
  onnx::OnnxModel lrn = onnx::read_model_file(test::onnx_node_dir() + "/test_lrn/model.onnx");
  REQUIRE(lrn.nodes.size() == 1);
  CHECK(lrn.nodes[0].get_float("alpha", 0.0f) == Approx(0.0002f));
  CHECK(lrn.nodes[0].get_float("bias", 0.0f) == 2.0f);
  CHECK(lrn.nodes[0].get_int("size", 0) == 3);
  onnx::OnnxModel same = onnx::read_model_file(test::onnx_node_dir() + "/test_conv_with_autopad_same/model.onnx");
  CHECK(same.nodes.at(0).get_string("auto_pad", "") == "SAME_LOWER");
  // A Constant node holds its value as a TENSOR attribute.
  onnx::OnnxModel expanded = onnx::read_model_file(test::onnx_node_dir() + "/test_softmax_axis_0_expanded/model.onnx");
  const onnx::OnnxAttribute* value = expanded.nodes.at(0).find("value");
  REQUIRE(value != nullptr);
  CHECK(value->type == onnx::AttributeType::Tensor);
  REQUIRE(value->t.size() == 1);
  CHECK(value->t[0].int64_values() == std::vector<int64_t>{0});
}

namespace {

// Parsing must end in success or dream::Error; anything else (another
// exception, a crash, an ASan report) fails the test.
template <typename Parse>
void expect_error_or_success(const Bytes& b, Parse parse, int& errors) {
  try {
    parse(b);
  } catch (const Error&) {
    ++errors;
  }
}

Bytes real_file(const std::string& relative) {
  std::string path = test::onnx_node_dir() + "/" + relative;
  test::require_path(path, "apt-get install libonnx-testdata");
  return read_file_bytes(path);
}

}  // namespace

TEST_CASE("onnx decoders survive truncation at every byte") {
  auto parse_model = [](const Bytes& b) { (void)onnx::parse_model(b.data(), b.size(), "cut.onnx"); };
  auto parse_tensor = [](const Bytes& b) { (void)onnx::parse_tensor(b.data(), b.size(), "cut.pb"); };
  for (const char* file : {"test_conv_with_strides_padding/model.onnx", "test_resize_upsample_scales_linear/model.onnx",
                           "test_softmax_axis_0_expanded/model.onnx"}) {
    INFO(file);
    Bytes whole = real_file(file);
    REQUIRE_NOTHROW(parse_model(whole));
    int errors = 0;
    for (size_t len = 0; len < whole.size(); ++len) {
      // A fresh exact-size copy, so ASan sees any read past the cut.
      Bytes cut(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(len));
      expect_error_or_success(cut, parse_model, errors);
    }
    CHECK(errors > 0);
  }
  Bytes tensor = real_file("test_lrn/test_data_set_0/input_0.pb");
  int errors = 0;
  for (size_t len = 0; len < tensor.size(); ++len)
    expect_error_or_success(Bytes(tensor.begin(), tensor.begin() + static_cast<std::ptrdiff_t>(len)), parse_tensor,
                            errors);
  CHECK(errors > 0);
}

TEST_CASE("onnx decoders survive flipped bytes") {
  auto parse_model = [](const Bytes& b) { (void)onnx::parse_model(b.data(), b.size(), "flipped.onnx"); };
  auto parse_tensor = [](const Bytes& b) { (void)onnx::parse_tensor(b.data(), b.size(), "flipped.pb"); };
  Bytes model = real_file("test_convtranspose_kernel_shape/model.onnx");
  int errors = 0;
  for (size_t i = 0; i < model.size(); ++i)
    for (uint8_t mask : {uint8_t(0xff), uint8_t(0x80), uint8_t(0x7f), uint8_t(0x01), uint8_t(0x10)}) {
      Bytes b = model;
      b[i] ^= mask;
      expect_error_or_success(b, parse_model, errors);
    }
  CHECK(errors > 0);
  Bytes tensor = real_file("test_gemm_all_attributes/test_data_set_0/input_0.pb");
  errors = 0;
  for (size_t i = 0; i < tensor.size(); ++i)
    for (uint8_t mask : {uint8_t(0xff), uint8_t(0x80), uint8_t(0x01)}) {
      Bytes b = tensor;
      b[i] ^= mask;
      expect_error_or_success(b, parse_tensor, errors);
    }
  CHECK(errors > 0);
}
