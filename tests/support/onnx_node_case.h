#pragma once
// One case of the ONNX backend node test suite shipped by Debian's
// libonnx-testdata (/usr/share/libonnx-testdata/data/node/test_*/):
//   model.onnx                     a graph of (usually) one node
//   test_data_set_K/input_I.pb     TensorProto fed to graph input I
//   test_data_set_K/output_I.pb    TensorProto expected at graph output I
// The data are made by ONNX's own numpy reference implementation, so they are
// an independent check of our kernels.
#include <string>
#include <vector>

#include "weights/onnx_reader.h"

namespace dream::test {

struct OnnxDataSet {
  std::string dir;                        // ".../test_data_set_0"
  std::vector<onnx::OnnxTensor> inputs;   // input_0.pb, input_1.pb, ... (graph input order)
  std::vector<onnx::OnnxTensor> outputs;  // output_0.pb, ...
};

struct OnnxNodeCase {
  std::string name;  // directory name, e.g. "test_conv_with_strides_padding"
  std::string dir;
  onnx::OnnxModel model;
  std::vector<OnnxDataSet> data_sets;

  // The graph's single node; throws dream::Error if the graph has several.
  const onnx::OnnxNode& node() const;
  // The tensor fed to input `slot` of node(): a graph input of the data set or
  // an initializer; nullptr if the optional input is omitted ("" or absent).
  const onnx::OnnxTensor* node_input(const OnnxDataSet& data, size_t slot) const;
};

// Names of the case directories under onnx_node_dir() that start with
// `prefix`, sorted. A prefix "pytorch-converted/test_Conv2d" searches the
// sibling suite data/pytorch-converted (same layout, made by exporting
// PyTorch modules) and returns names that keep the "pytorch-converted/".
// Throws (the test fails) if the suite is not installed, saying to
// `apt-get install libonnx-testdata`.
std::vector<std::string> list_onnx_node_cases(const std::string& prefix);
// The directory of a case name as returned above.
std::string onnx_case_dir(const std::string& name);
// True if a case directory of that name exists.
bool onnx_node_case_exists(const std::string& name);
// Reads model.onnx and every test_data_set_*; throws dream::Error naming the file.
OnnxNodeCase load_onnx_node_case(const std::string& name);

}  // namespace dream::test
