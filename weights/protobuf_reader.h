#pragma once
// A small reader for the protocol-buffers wire format (no protobuf library):
// enough to read .caffemodel, .onnx and ONNX test-data .pb files field by
// field. Every read is bounds-checked; truncated or malformed input throws
// dream::Error naming the context (file / message) and the byte offset.
//
// Usage:
//   ProtoReader r(bytes, size, "model.onnx");
//   ProtoField f;
//   while (r.next(f)) {
//     if (f.number == 7) { ProtoReader sub = f.message("graph"); ... }
//   }
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tensor/error.h"

namespace dream {

enum class WireType : uint8_t { Varint = 0, Fixed64 = 1, Bytes = 2, StartGroup = 3, EndGroup = 4, Fixed32 = 5 };

class ProtoReader;

struct ProtoField {
  uint32_t number = 0;
  WireType type = WireType::Varint;
  uint64_t varint = 0;            // Varint, Fixed32, Fixed64 payloads (raw bits)
  const uint8_t* bytes = nullptr;  // Bytes payload
  size_t size = 0;
  std::string context;            // for error messages

  int64_t as_int64() const;    // Varint (two's complement), Fixed64
  int32_t as_int32() const;    // Varint
  uint64_t as_uint64() const;  // Varint
  bool as_bool() const;
  float as_float() const;      // Fixed32
  double as_double() const;    // Fixed64
  std::string as_string() const;  // Bytes
  ProtoReader message(const std::string& what) const;  // Bytes as an embedded message

  // Repeated scalars: accept both packed (Bytes) and unpacked single values,
  // appending to out.
  void append_floats(std::vector<float>& out) const;
  void append_doubles(std::vector<double>& out) const;
  void append_int64s(std::vector<int64_t>& out) const;  // varints
};

class ProtoReader {
 public:
  ProtoReader(const uint8_t* data, size_t size, std::string context);
  // Reads the next field; false at the clean end of the message.
  bool next(ProtoField& field);
  const std::string& context() const { return context_; }

 private:
  uint64_t read_varint();
  [[noreturn]] void fail(const std::string& what) const;
  const uint8_t* begin_;
  const uint8_t* pos_;
  const uint8_t* end_;
  std::string context_;
};

// Whole file into memory (throws naming the path if unreadable).
std::vector<uint8_t> read_file_bytes(const std::string& path);

}  // namespace dream
