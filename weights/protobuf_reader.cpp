#include "weights/protobuf_reader.h"

#include <cstring>
#include <fstream>

namespace dream {

ProtoReader::ProtoReader(const uint8_t* data, size_t size, std::string context)
    : begin_(data), pos_(data), end_(data + size), context_(std::move(context)) {}

void ProtoReader::fail(const std::string& what) const {
  throw Error(context_ + ": malformed protobuf at byte " + std::to_string(pos_ - begin_) + ": " + what);
}

uint64_t ProtoReader::read_varint() {
  uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= end_) fail("truncated varint");
    uint8_t byte = *pos_++;
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return value;
  }
  fail("varint longer than 10 bytes");
}

bool ProtoReader::next(ProtoField& f) {
  if (pos_ == end_) return false;
  uint64_t key = read_varint();
  f.number = static_cast<uint32_t>(key >> 3);
  if (f.number == 0) fail("field number 0");
  f.type = static_cast<WireType>(key & 7);
  f.context = context_;
  f.bytes = nullptr;
  f.size = 0;
  f.varint = 0;
  switch (f.type) {
    case WireType::Varint:
      f.varint = read_varint();
      break;
    case WireType::Fixed64:
      if (end_ - pos_ < 8) fail("truncated fixed64 field " + std::to_string(f.number));
      std::memcpy(&f.varint, pos_, 8);  // the wire is little-endian, as are our targets
      pos_ += 8;
      break;
    case WireType::Fixed32: {
      if (end_ - pos_ < 4) fail("truncated fixed32 field " + std::to_string(f.number));
      uint32_t v;
      std::memcpy(&v, pos_, 4);
      f.varint = v;
      pos_ += 4;
      break;
    }
    case WireType::Bytes: {
      uint64_t len = read_varint();
      if (len > static_cast<uint64_t>(end_ - pos_))
        fail("field " + std::to_string(f.number) + " claims " + std::to_string(len) + " bytes but only " +
             std::to_string(end_ - pos_) + " remain");
      f.bytes = pos_;
      f.size = static_cast<size_t>(len);
      pos_ += len;
      break;
    }
    default:
      fail("unsupported wire type " + std::to_string(static_cast<int>(f.type)) + " for field " +
           std::to_string(f.number));
  }
  return true;
}

namespace {
[[noreturn]] void wrong_type(const ProtoField& f, const char* wanted) {
  throw Error(f.context + ": field " + std::to_string(f.number) + " has wire type " +
              std::to_string(static_cast<int>(f.type)) + ", expected " + wanted);
}
}  // namespace

int64_t ProtoField::as_int64() const {
  if (type != WireType::Varint && type != WireType::Fixed64) wrong_type(*this, "varint");
  return static_cast<int64_t>(varint);
}
int32_t ProtoField::as_int32() const {
  if (type != WireType::Varint) wrong_type(*this, "varint");
  return static_cast<int32_t>(static_cast<int64_t>(varint));
}
uint64_t ProtoField::as_uint64() const {
  if (type != WireType::Varint) wrong_type(*this, "varint");
  return varint;
}
bool ProtoField::as_bool() const { return as_uint64() != 0; }
float ProtoField::as_float() const {
  if (type != WireType::Fixed32) wrong_type(*this, "fixed32");
  uint32_t bits = static_cast<uint32_t>(varint);
  float v;
  std::memcpy(&v, &bits, 4);
  return v;
}
double ProtoField::as_double() const {
  if (type != WireType::Fixed64) wrong_type(*this, "fixed64");
  double v;
  std::memcpy(&v, &varint, 8);
  return v;
}
std::string ProtoField::as_string() const {
  if (type != WireType::Bytes) wrong_type(*this, "length-delimited");
  return std::string(reinterpret_cast<const char*>(bytes), size);
}
ProtoReader ProtoField::message(const std::string& what) const {
  if (type != WireType::Bytes) wrong_type(*this, "length-delimited");
  return ProtoReader(bytes, size, context + " > " + what);
}

void ProtoField::append_floats(std::vector<float>& out) const {
  if (type == WireType::Fixed32) {
    out.push_back(as_float());
    return;
  }
  if (type != WireType::Bytes) wrong_type(*this, "fixed32 or packed");
  if (size % 4 != 0)
    throw Error(context + ": packed float field " + std::to_string(number) + " has " + std::to_string(size) +
                " bytes, not a multiple of 4");
  size_t old = out.size();
  out.resize(old + size / 4);
  if (size) std::memcpy(out.data() + old, bytes, size);
}

void ProtoField::append_doubles(std::vector<double>& out) const {
  if (type == WireType::Fixed64) {
    out.push_back(as_double());
    return;
  }
  if (type != WireType::Bytes) wrong_type(*this, "fixed64 or packed");
  if (size % 8 != 0)
    throw Error(context + ": packed double field " + std::to_string(number) + " has " + std::to_string(size) +
                " bytes, not a multiple of 8");
  size_t old = out.size();
  out.resize(old + size / 8);
  if (size) std::memcpy(out.data() + old, bytes, size);
}

void ProtoField::append_int64s(std::vector<int64_t>& out) const {
  if (type == WireType::Varint) {
    out.push_back(static_cast<int64_t>(varint));
    return;
  }
  if (type != WireType::Bytes) wrong_type(*this, "varint or packed");
  // A packed run is a sequence of bare varints: read them with a tiny loop.
  const uint8_t* p = bytes;
  const uint8_t* e = bytes + size;
  while (p < e) {
    uint64_t v = 0;
    int shift = 0;
    for (;;) {
      if (p >= e || shift >= 64)
        throw Error(context + ": truncated packed varint in field " + std::to_string(number));
      uint8_t b = *p++;
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) break;
    }
    out.push_back(static_cast<int64_t>(v));
  }
}

std::vector<uint8_t> read_file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw Error(path + ": cannot open file");
  // One read of the known size: a byte-by-byte istreambuf_iterator copy took
  // seconds for a 28 MB model.
  const std::streamoff size = in.tellg();
  if (size < 0) throw Error(path + ": cannot determine the file size");
  in.seekg(0);
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), size))
    throw Error(path + ": read error (expected " + std::to_string(size) + " bytes)");
  return bytes;
}

}  // namespace dream
