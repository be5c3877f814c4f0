#pragma once
// Helpers for the weights/ tests: a scratch directory removed at scope exit,
// running a shell command, whole-file byte I/O, and a tiny protobuf wire-format *writer* used to build
// synthetic .caffemodel / .onnx files independently of the reader under test.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/support/test_paths.h"

namespace dream::test {

class ScratchDir {
 public:
  ScratchDir() {
    char templ[] = "/tmp/dream-weights-test-XXXXXX";
    if (!mkdtemp(templ)) throw std::runtime_error("mkdtemp failed");
    path_ = templ;
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs a /bin/sh command: exit status (-1 if it did not exit normally) and
// its stdout and stderr interleaved as a terminal would show them.
struct ShellResult {
  int status;
  std::string output;
};
inline ShellResult run_shell(const std::string& command) {
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (!p) throw std::runtime_error("popen failed for: " + command);
  std::string out;
  char buf[512];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int raw = pclose(p);
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, out};
}

inline std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

inline void write_text(const std::string& path, const std::string& text) {
  write_bytes(path, std::vector<uint8_t>(text.begin(), text.end()));
}

// Protobuf wire-format encoder, written from the encoding spec: key =
// (field << 3) | wire type, varints little-endian base 128, length-delimited
// bytes, fixed32 little-endian.
class ProtoWriter {
 public:
  ProtoWriter& varint_field(uint32_t field, uint64_t v) {
    key(field, 0);
    varint(v);
    return *this;
  }
  ProtoWriter& bytes_field(uint32_t field, const std::vector<uint8_t>& b) {
    key(field, 2);
    varint(b.size());
    out_.insert(out_.end(), b.begin(), b.end());
    return *this;
  }
  ProtoWriter& string_field(uint32_t field, const std::string& s) {
    return bytes_field(field, std::vector<uint8_t>(s.begin(), s.end()));
  }
  ProtoWriter& message_field(uint32_t field, const ProtoWriter& m) { return bytes_field(field, m.bytes()); }
  ProtoWriter& packed_floats(uint32_t field, const std::vector<float>& v) {
    std::vector<uint8_t> b(v.size() * 4);
    if (!v.empty()) std::memcpy(b.data(), v.data(), b.size());
    return bytes_field(field, b);
  }
  ProtoWriter& packed_doubles(uint32_t field, const std::vector<double>& v) {
    std::vector<uint8_t> b(v.size() * 8);
    if (!v.empty()) std::memcpy(b.data(), v.data(), b.size());
    return bytes_field(field, b);
  }
  ProtoWriter& packed_varints(uint32_t field, const std::vector<int64_t>& v) {
    ProtoWriter inner;
    for (int64_t x : v) inner.varint(static_cast<uint64_t>(x));
    return bytes_field(field, inner.bytes());
  }
  ProtoWriter& fixed32_float(uint32_t field, float f) {
    key(field, 5);
    uint8_t b[4];
    std::memcpy(b, &f, 4);
    out_.insert(out_.end(), b, b + 4);
    return *this;
  }
  const std::vector<uint8_t>& bytes() const { return out_; }

 private:
  void key(uint32_t field, uint32_t wire) { varint((static_cast<uint64_t>(field) << 3) | wire); }
  void varint(uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<uint8_t>(v | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<uint8_t>(v));
  }
  std::vector<uint8_t> out_;
};

}  // namespace dream::test
