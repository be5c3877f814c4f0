#pragma once
// ONNX ModelProto, decoded from the protobuf wire format into plain structs:
// the graph's nodes with their attributes, its initializers (weights), the
// names of its inputs and outputs, and the default-domain opset version.
// Used by the ONNX node test suite (tests/test_onnx_nodes.cpp) and by the
// .onnx weight converter. No protobuf library: see weights/protobuf_reader.h.
//
// Field numbers (onnx/onnx.proto):
//   ModelProto:         ir_version = 1, graph = 7, opset_import = 8
//   OperatorSetIdProto: domain = 1, version = 2
//   GraphProto:         node = 1, name = 2, initializer = 5, input = 11, output = 12
//   ValueInfoProto:     name = 1
//   NodeProto:          input = 1, output = 2, name = 3, op_type = 4, attribute = 5, domain = 7
//   AttributeProto:     name = 1, f = 2, i = 3, s = 4, t = 5, floats = 7, ints = 8, type = 20
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "weights/onnx_tensor.h"

namespace dream::onnx {

// AttributeProto.AttributeType values.
enum class AttributeType : int32_t {
  Undefined = 0,
  Float = 1,
  Int = 2,
  String = 3,
  Tensor = 4,
  Graph = 5,
  Floats = 6,
  Ints = 7,
  Strings = 8,
  Tensors = 9,
  Graphs = 10,
  SparseTensor = 11,
  SparseTensors = 12,
  TypeProto = 13,
  TypeProtos = 14,
};

struct OnnxAttribute {
  std::string name;
  AttributeType type = AttributeType::Undefined;
  float f = 0.0f;
  int64_t i = 0;
  std::string s;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<OnnxTensor> t;  // the one tensor of a Tensor attribute (empty otherwise)
};

struct OnnxNode {
  std::string name;
  std::string op_type;
  std::string domain;               // "" is the default ai.onnx domain
  std::vector<std::string> inputs;  // "" marks an omitted optional input
  std::vector<std::string> outputs;
  std::vector<OnnxAttribute> attributes;

  // nullptr if the node has no attribute of that name.
  const OnnxAttribute* find(const std::string& attribute) const;
  bool has(const std::string& attribute) const { return find(attribute) != nullptr; }
  // Typed getters: the default when absent; dream::Error naming node, op and
  // attribute when present with another type.
  int64_t get_int(const std::string& attribute, int64_t fallback) const;
  float get_float(const std::string& attribute, float fallback) const;
  std::string get_string(const std::string& attribute, const std::string& fallback) const;
  std::vector<int64_t> get_ints(const std::string& attribute, const std::vector<int64_t>& fallback) const;
  std::vector<float> get_floats(const std::string& attribute, const std::vector<float>& fallback) const;
  // "node 'conv1' (Conv)" for messages.
  std::string describe() const;
};

struct OnnxModel {
  std::string source;  // file name (or context) it was read from
  int64_t ir_version = 0;
  int64_t opset_version = 0;  // of the default domain ("" or "ai.onnx"); 0 if absent
  std::string graph_name;
  std::vector<OnnxNode> nodes;
  std::vector<OnnxTensor> initializers;
  std::vector<std::string> inputs;   // graph inputs, in order (may include initializer names)
  std::vector<std::string> outputs;  // graph outputs, in order

  // nullptr if absent.
  const OnnxTensor* find_initializer(const std::string& name) const;
  // A FLOAT initializer as an engine Tensor; throws naming the model and tensor
  // if absent, not FLOAT, or of rank > 4.
  Tensor initializer_tensor(const std::string& name) const;
};

// Throws dream::Error (naming `context` and the byte offset) on malformed or
// truncated input; never reads outside [data, data + size).
OnnxModel parse_model(const uint8_t* data, size_t size, const std::string& context);
OnnxModel read_model_file(const std::string& path);

}  // namespace dream::onnx
