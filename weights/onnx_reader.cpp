#include "weights/onnx_reader.h"

namespace dream::onnx {

namespace {

OnnxAttribute parse_attribute(ProtoReader reader) {
  OnnxAttribute a;
  bool has_type = false;
  AttributeType seen = AttributeType::Undefined;  // the last value field present
  ProtoField f;
  while (reader.next(f)) {
    switch (f.number) {
      case 1:
        a.name = f.as_string();
        break;
      case 2:
        a.f = f.as_float();
        seen = AttributeType::Float;
        break;
      case 3:
        a.i = f.as_int64();
        seen = AttributeType::Int;
        break;
      case 4:
        a.s = f.as_string();
        seen = AttributeType::String;
        break;
      case 5:
        a.t.clear();
        a.t.push_back(parse_tensor(f.message("attribute '" + a.name + "' tensor")));
        seen = AttributeType::Tensor;
        break;
      case 7:
        f.append_floats(a.floats);
        seen = AttributeType::Floats;
        break;
      case 8:
        f.append_int64s(a.ints);
        seen = AttributeType::Ints;
        break;
      case 20:
        a.type = static_cast<AttributeType>(f.as_int32());
        has_type = true;
        break;
      default:
        break;  // graphs, strings, sparse tensors, doc_string: not used by us
    }
  }
  // IR version 1 files carry no type field; infer it from the value present.
  if (!has_type) a.type = seen;
  return a;
}

OnnxNode parse_node(ProtoReader reader) {
  OnnxNode n;
  ProtoField f;
  while (reader.next(f)) {
    switch (f.number) {
      case 1:
        n.inputs.push_back(f.as_string());
        break;
      case 2:
        n.outputs.push_back(f.as_string());
        break;
      case 3:
        n.name = f.as_string();
        break;
      case 4:
        n.op_type = f.as_string();
        break;
      case 5:
        n.attributes.push_back(parse_attribute(f.message("attribute")));
        break;
      case 7:
        n.domain = f.as_string();
        break;
      default:
        break;
    }
  }
  return n;
}

// ValueInfoProto: we only need the name (field 1).
std::string parse_value_info_name(ProtoReader reader) {
  std::string name;
  ProtoField f;
  while (reader.next(f))
    if (f.number == 1) name = f.as_string();
  return name;
}

void parse_graph(ProtoReader reader, OnnxModel& m) {
  ProtoField f;
  while (reader.next(f)) {
    switch (f.number) {
      case 1:
        m.nodes.push_back(parse_node(f.message("node " + std::to_string(m.nodes.size()))));
        break;
      case 2:
        m.graph_name = f.as_string();
        break;
      case 5:
        m.initializers.push_back(parse_tensor(f.message("initializer " + std::to_string(m.initializers.size()))));
        break;
      case 11:
        m.inputs.push_back(parse_value_info_name(f.message("input")));
        break;
      case 12:
        m.outputs.push_back(parse_value_info_name(f.message("output")));
        break;
      default:
        break;
    }
  }
}

// OperatorSetIdProto: domain = 1, version = 2. Returns -1 for other domains.
int64_t parse_default_opset(ProtoReader reader) {
  std::string domain;
  int64_t version = 0;
  ProtoField f;
  while (reader.next(f)) {
    if (f.number == 1) domain = f.as_string();
    if (f.number == 2) version = f.as_int64();
  }
  return (domain.empty() || domain == "ai.onnx") ? version : -1;
}

const char* attribute_type_name(AttributeType t) {
  switch (t) {
    case AttributeType::Float:
      return "FLOAT";
    case AttributeType::Int:
      return "INT";
    case AttributeType::String:
      return "STRING";
    case AttributeType::Tensor:
      return "TENSOR";
    case AttributeType::Floats:
      return "FLOATS";
    case AttributeType::Ints:
      return "INTS";
    default:
      return "another type";
  }
}

}  // namespace

std::string OnnxNode::describe() const { return "node '" + name + "' (" + op_type + ")"; }

const OnnxAttribute* OnnxNode::find(const std::string& attribute) const {
  for (const OnnxAttribute& a : attributes)
    if (a.name == attribute) return &a;
  return nullptr;
}

namespace {
const OnnxAttribute* find_typed(const OnnxNode& node, const std::string& attribute, AttributeType want) {
  const OnnxAttribute* a = node.find(attribute);
  if (a && a->type != want)
    throw Error(node.describe() + ": attribute '" + attribute + "' is " + attribute_type_name(a->type) + ", expected " +
                attribute_type_name(want));
  return a;
}
}  // namespace

int64_t OnnxNode::get_int(const std::string& attribute, int64_t fallback) const {
  const OnnxAttribute* a = find_typed(*this, attribute, AttributeType::Int);
  return a ? a->i : fallback;
}

float OnnxNode::get_float(const std::string& attribute, float fallback) const {
  const OnnxAttribute* a = find_typed(*this, attribute, AttributeType::Float);
  return a ? a->f : fallback;
}

std::string OnnxNode::get_string(const std::string& attribute, const std::string& fallback) const {
  const OnnxAttribute* a = find_typed(*this, attribute, AttributeType::String);
  return a ? a->s : fallback;
}

std::vector<int64_t> OnnxNode::get_ints(const std::string& attribute, const std::vector<int64_t>& fallback) const {
  const OnnxAttribute* a = find_typed(*this, attribute, AttributeType::Ints);
  return a ? a->ints : fallback;
}

std::vector<float> OnnxNode::get_floats(const std::string& attribute, const std::vector<float>& fallback) const {
  const OnnxAttribute* a = find_typed(*this, attribute, AttributeType::Floats);
  return a ? a->floats : fallback;
}

const OnnxTensor* OnnxModel::find_initializer(const std::string& name) const {
  for (const OnnxTensor& t : initializers)
    if (t.name == name) return &t;
  return nullptr;
}

Tensor OnnxModel::initializer_tensor(const std::string& name) const {
  const OnnxTensor* t = find_initializer(name);
  if (!t) throw Error(source + ": no initializer named '" + name + "'");
  try {
    return t->to_tensor();
  } catch (const Error& e) {
    throw Error(source + ": " + e.what());
  }
}

OnnxModel parse_model(const uint8_t* data, size_t size, const std::string& context) {
  OnnxModel m;
  m.source = context;
  ProtoReader reader(data, size, context);
  ProtoField f;
  bool has_graph = false;
  while (reader.next(f)) {
    switch (f.number) {
      case 1:
        m.ir_version = f.as_int64();
        break;
      case 7:
        parse_graph(f.message("graph"), m);
        has_graph = true;
        break;
      case 8: {
        int64_t v = parse_default_opset(f.message("opset_import"));
        if (v >= 0) m.opset_version = v;
        break;
      }
      default:
        break;
    }
  }
  if (!has_graph) throw Error(context + ": not an ONNX model (no graph field)");
  return m;
}

OnnxModel read_model_file(const std::string& path) {
  std::vector<uint8_t> bytes = read_file_bytes(path);
  return parse_model(bytes.data(), bytes.size(), path);
}

}  // namespace dream::onnx
