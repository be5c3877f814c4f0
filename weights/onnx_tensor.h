#pragma once
// ONNX TensorProto, decoded from the protobuf wire format (weights/protobuf_reader.h)
// into plain values: initializers of a model.onnx, tensor attributes, and the
// standalone test_data_set_*/input_*.pb / output_*.pb files of the ONNX
// backend test suite.
//
// Field numbers (onnx/onnx.proto, message TensorProto):
//   dims = 1 (repeated int64), data_type = 2, float_data = 4 (packed float),
//   int32_data = 5 (packed varint), int64_data = 7 (packed varint), name = 8,
//   raw_data = 9 (bytes, little-endian), double_data = 10, external_data = 13,
//   data_location = 14 (1 = EXTERNAL).
//
// Values are kept in one of two arrays: `floats` for FLOAT tensors, `int64s`
// for INT64 and INT32 tensors (widened). Other element types (uint8, double,
// float16, ...) are decoded as far as name and dims, and asking for their
// values throws dream::Error naming the tensor and its type, so a model with
// a stray integer constant can still be read for its float weights.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tensor/tensor.h"
#include "weights/protobuf_reader.h"

namespace dream::onnx {

// TensorProto.DataType values we name in messages and decode.
enum class DataType : int32_t {
  Undefined = 0,
  Float = 1,
  Uint8 = 2,
  Int8 = 3,
  Uint16 = 4,
  Int16 = 5,
  Int32 = 6,
  Int64 = 7,
  String = 8,
  Bool = 9,
  Float16 = 10,
  Double = 11,
  Uint32 = 12,
  Uint64 = 13,
  Complex64 = 14,
  Complex128 = 15,
  Bfloat16 = 16,
};

// "FLOAT", "INT64", ... or "data type 42" for values we do not know.
std::string data_type_name(int32_t data_type);

struct OnnxTensor {
  std::string name;
  int32_t data_type = 0;        // a DataType value (kept raw: files may hold newer ones)
  std::vector<int64_t> dims;    // any rank; rank 0 is a scalar (one element)
  std::vector<float> floats;    // FLOAT tensors: numel() values, row-major
  std::vector<int64_t> int64s;  // INT64 / INT32 tensors: numel() values

  int64_t numel() const;  // product of dims (1 for rank 0)
  bool is_float() const { return data_type == static_cast<int32_t>(DataType::Float); }
  bool is_integer() const;  // INT64 or INT32

  // The float values; throws naming the tensor and its type if not FLOAT.
  const std::vector<float>& float_values() const;
  // The integer values; throws naming the tensor and its type if not INT64/INT32.
  const std::vector<int64_t>& int64_values() const;
  // As an engine Tensor (float32, rank <= 4); throws for other types or rank > 4.
  Tensor to_tensor() const;
};

// Decodes one TensorProto message. `context` names where it came from (file,
// initializer) for error messages. Throws dream::Error on malformed input,
// on an element count that disagrees with dims, and on external data.
OnnxTensor parse_tensor(ProtoReader reader);
OnnxTensor parse_tensor(const uint8_t* data, size_t size, const std::string& context);

// A standalone serialized TensorProto file (test_data_set_*/input_0.pb).
OnnxTensor read_tensor_file(const std::string& path);

}  // namespace dream::onnx
