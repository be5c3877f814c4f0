#pragma once
// Runs one ONNX node (from the backend node test suite) with OUR kernels:
// maps the node's attributes onto the kernel parameters and returns the
// output, to be compared with the suite's output_0.pb.
//
// A node whose attributes our kernels cannot express (groups, 3-D, dilated
// pooling, other resize modes, ...) makes the runner throw dream::Error
// saying what is unsupported: a case must then be in the test's explicit
// skip list, never silently passed over.
#include <cstdint>
#include <string>
#include <vector>

#include "tests/support/onnx_node_case.h"

namespace dream::test {

// Which implementation to run: the dispatched (optimised) kernel, or its
// scalar *_ref reference. Ops with a single implementation run it for both.
enum class KernelVariant { Fast, Reference };

struct NodeOutput {
  std::vector<int64_t> dims;
  std::vector<float> values;
};

// Each runs node() of the case on one data set.
NodeOutput run_onnx_conv(const OnnxNodeCase& c, const OnnxDataSet& d, KernelVariant v);
NodeOutput run_onnx_conv_transpose(const OnnxNodeCase& c, const OnnxDataSet& d, KernelVariant v);
NodeOutput run_onnx_maxpool(const OnnxNodeCase& c, const OnnxDataSet& d, KernelVariant v);
NodeOutput run_onnx_averagepool(const OnnxNodeCase& c, const OnnxDataSet& d, KernelVariant v);
NodeOutput run_onnx_global_averagepool(const OnnxNodeCase& c, const OnnxDataSet& d, KernelVariant v);
NodeOutput run_onnx_lrn(const OnnxNodeCase& c, const OnnxDataSet& d, KernelVariant v);
NodeOutput run_onnx_relu(const OnnxNodeCase& c, const OnnxDataSet& d, KernelVariant v);
NodeOutput run_onnx_concat(const OnnxNodeCase& c, const OnnxDataSet& d, KernelVariant v);
NodeOutput run_onnx_gemm(const OnnxNodeCase& c, const OnnxDataSet& d, KernelVariant v);
NodeOutput run_onnx_softmax(const OnnxNodeCase& c, const OnnxDataSet& d, KernelVariant v);
NodeOutput run_onnx_resize(const OnnxNodeCase& c, const OnnxDataSet& d, KernelVariant v);

// 1-D Conv / ConvTranspose / pools run as 2-D with a height of 1:
// (N, C, L) inputs and weights become (N, C, 1, L), the spatial attributes
// gain a leading height entry (kernel 1, stride 1, dilation 1, pads 0, ...),
// and the output loses its height again. Other cases go to `run` unchanged.
using OnnxRunner = NodeOutput (*)(const OnnxNodeCase&, const OnnxDataSet&, KernelVariant);
NodeOutput run_1d_as_2d(OnnxRunner run, const OnnxNodeCase& c, const OnnxDataSet& d, KernelVariant v);

}  // namespace dream::test
