#include "tests/support/onnx_node_case.h"

#include <algorithm>
#include <filesystem>

#include "tests/support/test_paths.h"

namespace dream::test {

namespace fs = std::filesystem;

namespace {

const char* const kRemedy = "apt-get install libonnx-testdata";

// file_0.pb, file_1.pb, ... until the first gap.
std::vector<onnx::OnnxTensor> read_numbered(const std::string& dir, const std::string& stem) {
  std::vector<onnx::OnnxTensor> out;
  for (int i = 0;; ++i) {
    std::string path = dir + "/" + stem + "_" + std::to_string(i) + ".pb";
    if (!fs::exists(path)) break;
    out.push_back(onnx::read_tensor_file(path));
  }
  return out;
}

}  // namespace

const onnx::OnnxNode& OnnxNodeCase::node() const {
  if (model.nodes.size() != 1)
    throw Error(dir + "/model.onnx: expected a graph of one node, found " + std::to_string(model.nodes.size()));
  return model.nodes[0];
}

const onnx::OnnxTensor* OnnxNodeCase::node_input(const OnnxDataSet& data, size_t slot) const {
  const onnx::OnnxNode& n = node();
  if (slot >= n.inputs.size() || n.inputs[slot].empty()) return nullptr;
  const std::string& wanted = n.inputs[slot];
  // Older exporters also list initializers among the graph inputs, with no
  // input_I.pb for them: the initializer is then the value.
  const onnx::OnnxTensor* initializer = model.find_initializer(wanted);
  for (size_t i = 0; i < model.inputs.size(); ++i) {
    if (model.inputs[i] != wanted) continue;
    if (i < data.inputs.size()) return &data.inputs[i];
    if (initializer) return initializer;
    throw Error(data.dir + ": no input_" + std::to_string(i) + ".pb for graph input '" + wanted + "'");
  }
  if (initializer) return initializer;
  throw Error(dir + "/model.onnx: node input '" + wanted + "' is neither a graph input nor an initializer");
}

std::string onnx_case_dir(const std::string& name) {
  // Names with a '/' live in a sibling suite of data/node (data/pytorch-converted/...).
  if (name.find('/') != std::string::npos) return onnx_node_dir() + "/../" + name;
  return onnx_node_dir() + "/" + name;
}

std::vector<std::string> list_onnx_node_cases(const std::string& prefix) {
  const size_t slash = prefix.rfind('/');
  const std::string suite = slash == std::string::npos ? "" : prefix.substr(0, slash + 1);  // "pytorch-converted/"
  const std::string stem = slash == std::string::npos ? prefix : prefix.substr(slash + 1);
  const std::string root = suite.empty() ? onnx_node_dir() : onnx_node_dir() + "/../" + suite;
  require_path(root, kRemedy);
  std::vector<std::string> names;
  for (const fs::directory_entry& e : fs::directory_iterator(root)) {
    std::string name = e.path().filename().string();
    if (e.is_directory() && name.compare(0, stem.size(), stem) == 0) names.push_back(suite + name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool onnx_node_case_exists(const std::string& name) { return fs::is_directory(onnx_case_dir(name)); }

OnnxNodeCase load_onnx_node_case(const std::string& name) {
  OnnxNodeCase c;
  c.name = name;
  c.dir = onnx_case_dir(name);
  require_path(c.dir + "/model.onnx", kRemedy);
  c.model = onnx::read_model_file(c.dir + "/model.onnx");
  for (int k = 0;; ++k) {
    std::string dir = c.dir + "/test_data_set_" + std::to_string(k);
    if (!fs::is_directory(dir)) break;
    OnnxDataSet data;
    data.dir = dir;
    data.inputs = read_numbered(dir, "input");
    data.outputs = read_numbered(dir, "output");
    if (data.outputs.empty()) throw Error(dir + ": no output_0.pb");
    c.data_sets.push_back(std::move(data));
  }
  if (c.data_sets.empty()) throw Error(c.dir + ": no test_data_set_0 directory");
  return c;
}

}  // namespace dream::test
