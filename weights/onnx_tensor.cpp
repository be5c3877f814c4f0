#include "weights/onnx_tensor.h"

#include <cstring>
#include <type_traits>

namespace dream::onnx {

// raw_data is little-endian on the wire; we copy it as it is.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "onnx raw_data decoding assumes a little-endian host");

namespace {

// TensorProto field numbers (onnx.proto).
constexpr uint32_t kDims = 1;
constexpr uint32_t kDataType = 2;
constexpr uint32_t kFloatData = 4;
constexpr uint32_t kInt32Data = 5;
constexpr uint32_t kInt64Data = 7;
constexpr uint32_t kName = 8;
constexpr uint32_t kRawData = 9;
constexpr uint32_t kDataLocation = 14;
constexpr int64_t kDataLocationExternal = 1;

// Refuse element counts no file of ours can hold before multiplying further
// (a corrupted dim must not overflow int64 or make us allocate terabytes).
constexpr int64_t kMaxElements = int64_t(1) << 40;

std::string describe(const std::string& context, const OnnxTensor& t) {
  return context + ": tensor '" + t.name + "' (" + data_type_name(t.data_type) + ", dims " + shape_string(t.dims) + ")";
}

int64_t checked_numel(const std::vector<int64_t>& dims, const std::string& context, const std::string& name) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0) throw Error(context + ": tensor '" + name + "' has negative dimension " + std::to_string(d));
    if (d != 0 && n > kMaxElements / d)
      throw Error(context + ": tensor '" + name + "' has an implausible element count (dims " + shape_string(dims) +
                  ")");
    n *= d;
  }
  return n;
}

// raw: the raw_data payload (points into the message being parsed).
template <typename Wire, typename Out>
void decode_raw(const uint8_t* raw, size_t raw_size, std::vector<Out>& out) {
  size_t count = raw_size / sizeof(Wire);
  out.resize(count);
  if (std::is_same<Wire, Out>::value) {
    if (count) std::memcpy(out.data(), raw, count * sizeof(Wire));
    return;
  }
  for (size_t i = 0; i < count; ++i) {
    Wire v;
    std::memcpy(&v, raw + i * sizeof(Wire), sizeof(Wire));
    out[i] = static_cast<Out>(v);
  }
}

}  // namespace

std::string data_type_name(int32_t data_type) {
  static const char* const names[] = {"UNDEFINED", "FLOAT",  "UINT8",     "INT8",       "UINT16",  "INT16",
                                      "INT32",     "INT64",  "STRING",    "BOOL",       "FLOAT16", "DOUBLE",
                                      "UINT32",    "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16"};
  if (data_type >= 0 && data_type < static_cast<int32_t>(sizeof(names) / sizeof(names[0]))) return names[data_type];
  return "data type " + std::to_string(data_type);
}

int64_t OnnxTensor::numel() const { return shape_numel(dims); }

bool OnnxTensor::is_integer() const {
  return data_type == static_cast<int32_t>(DataType::Int64) || data_type == static_cast<int32_t>(DataType::Int32);
}

const std::vector<float>& OnnxTensor::float_values() const {
  if (!is_float()) throw Error("onnx tensor '" + name + "' has type " + data_type_name(data_type) + ", expected FLOAT");
  return floats;
}

const std::vector<int64_t>& OnnxTensor::int64_values() const {
  if (!is_integer())
    throw Error("onnx tensor '" + name + "' has type " + data_type_name(data_type) + ", expected INT64 or INT32");
  return int64s;
}

Tensor OnnxTensor::to_tensor() const {
  const std::vector<float>& values = float_values();
  if (dims.size() > 4)
    throw Error("onnx tensor '" + name + "' has rank " + std::to_string(dims.size()) + " (dims " + shape_string(dims) +
                "); the engine's tensors hold rank <= 4");
  return Tensor(dims, values);
}

OnnxTensor parse_tensor(ProtoReader reader) {
  const std::string context = reader.context();
  OnnxTensor t;
  const uint8_t* raw = nullptr;  // raw_data payload, inside the reader's buffer
  size_t raw_size = 0;
  bool has_raw = false;
  std::vector<float> float_data;
  std::vector<int64_t> int_data;  // int64_data or int32_data, whichever is present
  int64_t data_location = 0;
  ProtoField f;
  while (reader.next(f)) {
    switch (f.number) {
      case kDims:
        f.append_int64s(t.dims);
        break;
      case kDataType:
        t.data_type = f.as_int32();
        break;
      case kFloatData:
        f.append_floats(float_data);
        break;
      case kInt32Data: {
        // int32 values travel as sign-extended varints: narrow each back to int32.
        std::vector<int64_t> v;
        f.append_int64s(v);
        for (int64_t x : v) int_data.push_back(static_cast<int32_t>(x));
        break;
      }
      case kInt64Data:
        f.append_int64s(int_data);
        break;
      case kName:
        t.name = f.as_string();
        break;
      case kRawData:
        if (f.type != WireType::Bytes) (void)f.as_string();  // throws naming the wrong wire type
        raw = f.bytes;
        raw_size = f.size;
        has_raw = true;
        break;
      case kDataLocation:
        data_location = f.as_int64();
        break;
      default:
        break;  // segment, doc_string, string_data, ...: not needed
    }
  }

  if (data_location == kDataLocationExternal)
    throw Error(describe(context, t) + " keeps its data in an external file, which is not supported");
  const int64_t n = checked_numel(t.dims, context, t.name);
  const size_t count = static_cast<size_t>(n);

  if (t.is_float()) {
    if (has_raw) {
      if (raw_size != count * sizeof(float))
        throw Error(describe(context, t) + " has " + std::to_string(raw_size) + " bytes of raw_data, expected " +
                    std::to_string(count * sizeof(float)));
      decode_raw<float>(raw, raw_size, t.floats);
    } else {
      if (float_data.size() != count)
        throw Error(describe(context, t) + " has " + std::to_string(float_data.size()) +
                    " float_data values, expected " + std::to_string(count));
      t.floats = std::move(float_data);
    }
  } else if (t.is_integer()) {
    const bool is64 = t.data_type == static_cast<int32_t>(DataType::Int64);
    const size_t width = is64 ? 8 : 4;
    if (has_raw) {
      if (raw_size != count * width)
        throw Error(describe(context, t) + " has " + std::to_string(raw_size) + " bytes of raw_data, expected " +
                    std::to_string(count * width));
      if (is64)
        decode_raw<int64_t>(raw, raw_size, t.int64s);
      else
        decode_raw<int32_t>(raw, raw_size, t.int64s);
    } else {
      if (int_data.size() != count)
        throw Error(describe(context, t) + " has " + std::to_string(int_data.size()) + " integer values, expected " +
                    std::to_string(count));
      t.int64s = std::move(int_data);
    }
  }
  // Other types: name and dims only; float_values()/int64_values() refuse them.
  return t;
}

OnnxTensor parse_tensor(const uint8_t* data, size_t size, const std::string& context) {
  return parse_tensor(ProtoReader(data, size, context));
}

OnnxTensor read_tensor_file(const std::string& path) {
  std::vector<uint8_t> bytes = read_file_bytes(path);
  return parse_tensor(bytes.data(), bytes.size(), path);
}

}  // namespace dream::onnx
