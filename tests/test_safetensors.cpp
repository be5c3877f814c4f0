// safetensors reader/writer: round trip, byte layout checked against the
// format description with an independent JSON parse, and malformed files
// rejected with messages that name the file and the tensor.
#include <catch2/catch.hpp>
#include <cstring>
#include <nlohmann/json.hpp>

#include "tests/support/tensor_testing.h"
#include "tests/weights_testing.h"
#include "weights/safetensors.h"

using dream::Error;
using dream::Shape;
using dream::Tensor;
using dream::test::ScratchDir;
using dream::weights::NamedTensor;
using dream::weights::SafetensorsFile;
using dream::weights::write_safetensors;

namespace {

// A file built by hand from the format description: u64 LE header length,
// header text, data bytes.
std::vector<uint8_t> raw_file(const std::string& header, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> out;
  out.reserve(8 + header.size() + data.size());
  const uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(n >> (8 * i)));
  for (char c : header) out.push_back(static_cast<uint8_t>(c));
  for (uint8_t b : data) out.push_back(b);
  return out;
}

std::vector<uint8_t> float_bytes(const std::vector<float>& v) {
  std::vector<uint8_t> b(v.size() * 4);
  std::memcpy(b.data(), v.data(), b.size());
  return b;
}

// Writes `bytes` as a file and expects opening it to throw with a message
// containing the file name and every one of `needles`.
void require_rejected(const std::vector<uint8_t>& bytes, const std::vector<std::string>& needles) {
  ScratchDir dir;
  const std::string path = dir.file("bad.safetensors");
  dream::test::write_bytes(path, bytes);
  try {
    SafetensorsFile f(path);
    FAIL("accepted a malformed file; expected an error mentioning " << needles.front());
  } catch (const Error& e) {
    const std::string msg = e.what();
    INFO(msg);
    CHECK(msg.find(path) != std::string::npos);
    for (const std::string& n : needles) CHECK(msg.find(n) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("safetensors round trip keeps names, order, shapes, values and metadata") {
  ScratchDir dir;
  const std::string path = dir.file("w.safetensors");
  std::vector<NamedTensor> tensors = {
      {"conv1/7x7_s2.weight", dream::test::random_tensor({4, 3, 7, 7}, 1)},
      {"conv1/7x7_s2.bias", dream::test::random_tensor({4}, 2)},
      {"b_second", dream::test::random_tensor({3, 5}, 3)},  // network order, not alphabetical
      {"a_third", dream::test::random_tensor({1, 2, 3, 1}, 4)},
  };
  const std::map<std::string, std::string> meta = {{"network", "x"}, {"labels", "one\ntwo \"quoted\" \\ é"}};
  write_safetensors(path, tensors, meta);

  SafetensorsFile f(path);
  CHECK(f.metadata() == meta);
  CHECK(f.metadata_value("absent", "fallback") == "fallback");
  REQUIRE(f.entries().size() == tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) {
    const NamedTensor& t = tensors[i];
    CHECK(f.entries()[i].name == t.name);
    CHECK(f.entry(t.name).shape == t.tensor.shape());
    const float* view = f.data(t.name);
    CHECK(reinterpret_cast<uintptr_t>(view) % alignof(float) == 0);
    CHECK(std::memcmp(view, t.tensor.data(), t.tensor.numel() * 4) == 0);
    Tensor copy = f.load(t.name, t.tensor.shape());
    CHECK(copy.shape() == t.tensor.shape());
    CHECK(std::memcmp(copy.data(), t.tensor.data(), t.tensor.numel() * 4) == 0);
  }
  CHECK_FALSE(dream::test::file_exists(path + ".tmp"));
}

TEST_CASE("safetensors writer follows the published layout (independent parse)") {
  ScratchDir dir;
  const std::string path = dir.file("w.safetensors");
  Tensor a({2, 3}, std::vector<float>{1, 2, 3, 4, 5, 6});
  Tensor b({1}, std::vector<float>{-7.5f});
  write_safetensors(path, {{"a", a}, {"b", b}}, {{"k", "v"}});

  const std::vector<uint8_t> bytes = dream::test::read_bytes(path);
  REQUIRE(bytes.size() >= 8);
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | bytes[i];
  CHECK((8 + n) % 8 == 0);  // data buffer 8-byte aligned
  REQUIRE(8 + n + 7 * 4 == bytes.size());
  const std::string header(bytes.begin() + 8, bytes.begin() + 8 + static_cast<long>(n));
  const nlohmann::json j = nlohmann::json::parse(header);  // trailing pad spaces are JSON whitespace
  CHECK(j["__metadata__"]["k"] == "v");
  CHECK(j["a"]["dtype"] == "F32");
  CHECK(j["a"]["shape"] == nlohmann::json::array({2, 3}));
  CHECK(j["a"]["data_offsets"] == nlohmann::json::array({0, 24}));
  CHECK(j["b"]["data_offsets"] == nlohmann::json::array({24, 28}));
  float first, last;
  std::memcpy(&first, &bytes[8 + n], 4);
  std::memcpy(&last, &bytes[8 + n + 24], 4);
  CHECK(first == 1.0f);
  CHECK(last == -7.5f);
}

TEST_CASE("safetensors reader accepts a hand-made file whose data is not 4-byte aligned") {
  // Header of odd length: the data buffer starts at an odd file offset, so
  // the reader must hand out aligned copies rather than raw map pointers.
  std::string header = R"({"x":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}})";
  if ((8 + header.size()) % 2 == 0) header += " ";
  ScratchDir dir;
  const std::string path = dir.file("odd.safetensors");
  dream::test::write_bytes(path, raw_file(header, float_bytes({1.5f, -2.0f, 3.25f})));
  SafetensorsFile f(path);
  const float* x = f.data("x");
  CHECK(reinterpret_cast<uintptr_t>(x) % alignof(float) == 0);
  CHECK(x[0] == 1.5f);
  CHECK(x[1] == -2.0f);
  CHECK(x[2] == 3.25f);
  CHECK(f.metadata().empty());
}

TEST_CASE("safetensors view reads weights in place and outlives the file object") {
  ScratchDir dir;
  const std::string path = dir.file("w.safetensors");
  const Tensor a = dream::test::random_tensor({2, 3, 5, 5}, 7);
  const Tensor b = dream::test::random_tensor({3}, 8);
  write_safetensors(path, {{"a", a}, {"b", b}}, {});

  const int64_t live_before = dream::tensor_memory_stats().live_bytes;
  Tensor va, vb;
  {
    SafetensorsFile f(path);
    va = f.view("a", a.shape());
    vb = f.view("b", b.shape());
    CHECK(va.data() == f.data("a"));  // the mapping itself, no copy
    CHECK(vb.data() == f.data("b"));
    CHECK_THROWS_WITH(f.view("a", {2, 3, 7, 7}), Catch::Contains("expected 2x3x7x7"));
  }
  // No tensor storage was allocated for the views.
  CHECK(dream::tensor_memory_stats().live_bytes == live_before);
  // The file object is gone; the views keep the mapping alive.
  CHECK(va.shape() == a.shape());
  CHECK(std::memcmp(va.data(), a.data(), a.numel() * 4) == 0);
  CHECK(std::memcmp(vb.data(), b.data(), b.numel() * 4) == 0);
  // Views of a view share it, and a write stays private to this process.
  Tensor channel = va.reshape({1, 2 * 3, 5, 5}).channels(1, 2);
  CHECK(channel.shares_storage_with(va));
  va[0] = 12345.0f;
  CHECK(SafetensorsFile(path).data("a")[0] == a[0]);
}

TEST_CASE("safetensors view of a file whose data is not 4-byte aligned uses the aligned copy") {
  std::string header = R"({"x":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}})";
  if ((8 + header.size()) % 2 == 0) header += " ";
  ScratchDir dir;
  const std::string path = dir.file("odd.safetensors");
  dream::test::write_bytes(path, raw_file(header, float_bytes({1.5f, -2.0f, 3.25f})));
  Tensor x = SafetensorsFile(path).view("x", {3});
  CHECK(reinterpret_cast<uintptr_t>(x.data()) % alignof(float) == 0);
  CHECK(x[0] == 1.5f);
  CHECK(x[2] == 3.25f);
}

TEST_CASE("safetensors reader rejects malformed headers, naming file and tensor") {
  const std::vector<uint8_t> data12 = float_bytes({1, 2, 3});
  SECTION("shorter than the length field") { require_rejected({1, 2, 3}, {"too short"}); }
  SECTION("header length past the end") {
    std::vector<uint8_t> f = raw_file("{}", {});
    f[0] = 200;
    require_rejected(f, {"exceeds the file size"});
  }
  SECTION("absurd header length") {
    std::vector<uint8_t> f = raw_file("{}", {});
    f[7] = 0x10;
    require_rejected(f, {"100 MB"});
  }
  SECTION("invalid JSON") { require_rejected(raw_file(R"({"x": {"dtype": )", {}), {"not valid JSON"}); }
  SECTION("JSON that is not an object") { require_rejected(raw_file("[1,2]", {}), {"not an object"}); }
  SECTION("unsupported dtype") {
    require_rejected(raw_file(R"({"w":{"dtype":"F16","shape":[3],"data_offsets":[0,6]}})", {0, 0, 0, 0, 0, 0}),
                     {"\"w\"", "F16"});
  }
  SECTION("data_offsets past the buffer (truncated data)") {
    require_rejected(raw_file(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", data12),
                     {"\"w\"", "past the data buffer"});
  }
  SECTION("shape product disagrees with the byte size") {
    require_rejected(raw_file(R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}})", data12),
                     {"\"w\"", "2x2"});
  }
  SECTION("negative dim") {
    require_rejected(raw_file(R"({"w":{"dtype":"F32","shape":[-3],"data_offsets":[0,12]}})", data12),
                     {"\"w\"", "negative"});
  }
  SECTION("missing data_offsets") {
    require_rejected(raw_file(R"({"w":{"dtype":"F32","shape":[3]}})", data12), {"\"w\"", "data_offsets"});
  }
  SECTION("reversed data_offsets") {
    require_rejected(raw_file(R"({"w":{"dtype":"F32","shape":[0],"data_offsets":[12,0]}})", data12),
                     {"\"w\"", "reversed"});
  }
  SECTION("overlapping tensors") {
    require_rejected(raw_file(R"({"p":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                              R"("q":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                              data12),
                     {"\"p\"", "\"q\"", "overlap"});
  }
  SECTION("bytes that belong to no tensor") {
    require_rejected(raw_file(R"({"p":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", float_bytes({1, 2})),
                     {"belong to no tensor", "\"p\""});
  }
  SECTION("trailing garbage after the last tensor") {
    require_rejected(raw_file(R"({"p":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", data12), {"trailing"});
  }
  SECTION("metadata value that is not a string") {
    require_rejected(raw_file(R"({"__metadata__":{"n":3}})", {}), {"__metadata__", "\"n\""});
  }
}

TEST_CASE("safetensors lookups name the file, the tensor and both shapes") {
  ScratchDir dir;
  const std::string path = dir.file("w.safetensors");
  write_safetensors(path, {{"conv.weight", Tensor({2, 3})}}, {});
  SafetensorsFile f(path);
  CHECK_FALSE(f.has("nope"));
  CHECK_THROWS_WITH(f.load("nope"), Catch::Contains(path) && Catch::Contains("\"nope\""));
  CHECK_THROWS_WITH(f.load("conv.weight", {3, 2}),
                    Catch::Contains("conv.weight") && Catch::Contains("2x3") && Catch::Contains("expected 3x2"));
  CHECK_THROWS_WITH(SafetensorsFile(dir.file("missing.safetensors")), Catch::Contains("missing.safetensors"));
}

TEST_CASE("safetensors writer never leaves a partial file and keeps an existing one on failure") {
  ScratchDir dir;
  const std::string path = dir.file("keep.safetensors");
  dream::test::write_text(path, "previous contents");
  Tensor t({2}, 1.0f);
  CHECK_THROWS_WITH(write_safetensors(path, {{"dup", t}, {"dup", t}}, {}), Catch::Contains("\"dup\""));
  CHECK_THROWS_WITH(write_safetensors(path, {{"", t}}, {}), Catch::Contains("empty name"));
  const std::vector<uint8_t> kept = dream::test::read_bytes(path);
  CHECK(std::string(kept.begin(), kept.end()) == "previous contents");
  CHECK_FALSE(dream::test::file_exists(path + ".tmp"));

  const std::string nowhere = dir.file("no/such/dir/w.safetensors");
  CHECK_THROWS_WITH(write_safetensors(nowhere, {{"x", t}}, {}), Catch::Contains("no/such/dir"));
  CHECK_FALSE(dream::test::file_exists(nowhere));
}
