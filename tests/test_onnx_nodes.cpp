// The external suite: ONNX backend node tests (Debian's libonnx-testdata,
// /usr/share/libonnx-testdata/data/node/test_*, plus the single-node cases of
// its pytorch-converted / pytorch-operator siblings), run through OUR kernels.
// Each case's model.onnx gives the node and its attributes; every
// test_data_set_*/input_*.pb is fed to our kernel (both the optimised one and
// its *_ref reference) and the result is compared with output_0.pb, which ONNX
// computed with its own numpy reference implementation (or PyTorch, for the
// pytorch-* suites). 1-D conv/pool cases run as 2-D with a height of 1.
//
// Every case directory of a family is either run or listed in skipped() with
// the reason; a case that is neither fails. Missing data fails too (it says to
// `apt-get install libonnx-testdata`). `ctest -R onnx` selects this suite.
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "tests/support/onnx_node_case.h"
#include "tests/support/onnx_node_runners.h"
#include "tests/support/tensor_testing.h"

namespace {

using namespace dream;
using namespace dream::test;

// Tighter than ONNX's own backend tolerance (rtol 1e-3, atol 1e-7 in
// onnx/backend/test/runner): our kernels accumulate in the same order class
// as numpy's float32 reference, so a failure here is worth a look.
constexpr double kRtol = 1e-4;
constexpr double kAtol = 1e-5;

using Runner = OnnxRunner;

struct Family {
  const char* name;                   // "conv" -> TEST_CASE "onnx conv"
  std::vector<std::string> prefixes;  // case directories belonging to it ("...$": that exact case)
  const char* op_type;                // the node every runnable case must hold
  Runner run;
  bool one_d_as_2d;  // run 1-D cases through run_1d_as_2d (height 1)
};

const std::vector<Family>& families() {
  // data/node is ONNX's own suite; pytorch-converted and pytorch-operator
  // are modules exported from PyTorch with its outputs (opset 6, larger
  // shapes, weights as extra inputs).
  static const std::vector<Family> all = {
      {"conv",
       {"test_conv_", "test_basic_conv", "pytorch-converted/test_Conv1d", "pytorch-converted/test_Conv2d",
        "pytorch-operator/test_operator_conv$"},
       "Conv",
       run_onnx_conv,
       true},
      {"convtranspose",
       {"test_convtranspose", "pytorch-converted/test_ConvTranspose2d",
        "pytorch-operator/test_operator_convtranspose$"},
       "ConvTranspose",
       run_onnx_conv_transpose,
       true},
      {"maxpool",
       {"test_maxpool_1d_", "test_maxpool_2d_", "pytorch-converted/test_MaxPool1d", "pytorch-converted/test_MaxPool2d",
        "pytorch-operator/test_operator_maxpool$"},
       "MaxPool",
       run_onnx_maxpool,
       true},
      {"averagepool",
       {"test_averagepool_1d_", "test_averagepool_2d_", "pytorch-converted/test_AvgPool1d",
        "pytorch-converted/test_AvgPool2d"},
       "AveragePool",
       run_onnx_averagepool,
       true},
      {"globalaveragepool", {"test_globalaveragepool"}, "GlobalAveragePool", run_onnx_global_averagepool, false},
      {"lrn", {"test_lrn"}, "LRN", run_onnx_lrn, false},
      {"relu", {"test_relu", "pytorch-converted/test_ReLU"}, "Relu", run_onnx_relu, false},
      {"concat", {"test_concat_", "pytorch-operator/test_operator_concat2$"}, "Concat", run_onnx_concat, false},
      {"gemm", {"test_gemm_", "pytorch-converted/test_Linear"}, "Gemm", run_onnx_gemm, false},
      {"softmax",
       {"test_softmax_", "pytorch-converted/test_Softmax", "pytorch-converted/test_softmax_"},
       "Softmax",
       run_onnx_softmax,
       false},
      {"resize", {"test_resize_"}, "Resize", run_onnx_resize, false},
  };
  return all;
}

// Cases of the families above that we do not run, and why. Kept explicit so a
// reader sees exactly what the suite does not cover.
const std::map<std::string, std::string>& skipped() {
  static const std::map<std::string, std::string> list = {
      {"test_basic_convinteger", "ConvInteger: uint8 quantised convolution"},
      {"pytorch-converted/test_Linear_no_bias", "two nodes (Transpose, MatMul), not a Gemm"},
      {"pytorch-converted/test_MaxPool2d_stride_padding_dilation",
       "dilated pooling: our pool kernels have no dilation"},
      {"pytorch-converted/test_MaxPool1d_stride_padding_dilation",
       "dilated pooling: our pool kernels have no dilation"},
      {"pytorch-converted/test_AvgPool1d", "three nodes (Unsqueeze, AveragePool, Squeeze)"},
      {"pytorch-converted/test_AvgPool1d_stride", "three nodes (Unsqueeze, AveragePool, Squeeze)"},
      {"test_convtranspose_3d", "3-D: our conv2d is 2-D only"},
      {"test_maxpool_2d_dilations", "dilated pooling: our pool kernels have no dilation"},
      {"test_maxpool_2d_uint8", "uint8 tensors: our kernels are float32"},
      {"test_softmax_axis_0_expanded", "same data as test_softmax_axis_0, graph of primitive ops"},
      {"test_softmax_axis_1_expanded", "same data as test_softmax_axis_1, graph of primitive ops"},
      {"test_softmax_axis_2_expanded", "same data as test_softmax_axis_2, graph of primitive ops"},
      {"test_softmax_default_axis_expanded", "same data as test_softmax_default_axis, graph of primitive ops"},
      {"test_softmax_example_expanded", "same data as test_softmax_example, graph of primitive ops"},
      {"test_softmax_large_number_expanded", "same data as test_softmax_large_number, graph of primitive ops"},
      {"test_softmax_negative_axis_expanded", "same data as test_softmax_negative_axis, graph of primitive ops"},
      // Resize: our bilinear resize is half-pixel with coordinate scale in/out.
      {"test_resize_downsample_scales_cubic", "cubic mode"},
      {"test_resize_downsample_scales_cubic_A_n0p5_exclude_outside", "cubic mode"},
      {"test_resize_downsample_scales_cubic_align_corners", "cubic mode"},
      {"test_resize_downsample_scales_linear",
       "scale 0.6 maps coordinates with 1/0.6, not with in/out = 2 (the output is 1x2 of 2x4)"},
      {"test_resize_downsample_scales_linear_align_corners", "align_corners coordinates"},
      {"test_resize_downsample_scales_nearest", "nearest mode"},
      {"test_resize_downsample_sizes_cubic", "cubic mode"},
      {"test_resize_downsample_sizes_linear_pytorch_half_pixel",
       "pytorch_half_pixel with an output width of 1 samples x = 0, not the half-pixel centre"},
      {"test_resize_downsample_sizes_nearest", "nearest mode"},
      {"test_resize_downsample_sizes_nearest_tf_half_pixel_for_nn", "nearest mode"},
      {"test_resize_tf_crop_and_resize", "tf_crop_and_resize coordinates"},
      {"test_resize_upsample_scales_cubic", "cubic mode"},
      {"test_resize_upsample_scales_cubic_A_n0p5_exclude_outside", "cubic mode"},
      {"test_resize_upsample_scales_cubic_align_corners", "cubic mode"},
      {"test_resize_upsample_scales_cubic_asymmetric", "cubic mode"},
      {"test_resize_upsample_scales_linear_align_corners", "align_corners coordinates"},
      {"test_resize_upsample_scales_nearest", "nearest mode"},
      {"test_resize_upsample_sizes_cubic", "cubic mode"},
      {"test_resize_upsample_sizes_nearest", "nearest mode"},
      {"test_resize_upsample_sizes_nearest_ceil_half_pixel", "nearest mode"},
      {"test_resize_upsample_sizes_nearest_floor_align_corners", "nearest mode"},
      {"test_resize_upsample_sizes_nearest_round_prefer_ceil_asymmetric", "nearest mode"},
  };
  return list;
}

struct FamilyTally {
  int run = 0;      // cases run (all data sets, both kernel variants)
  int passed = 0;   // of those, cases where everything matched
  int skipped = 0;  // cases in the skip list
};

// Runs one case; returns true if every data set matched for both variants.
// Records a Catch2 failure naming the case otherwise. Exceptions are caught
// where they are thrown: an INFO scope left by an exception would stay
// attached to later messages (Catch2 v2 keeps it for the report).
bool check_case(const Family& family, const std::string& name) {
  OnnxNodeCase c;
  std::string op_type;
  try {
    c = load_onnx_node_case(name);
    op_type = c.node().op_type;
  } catch (const std::exception& e) {
    FAIL_CHECK("onnx case " << name << ": " << e.what());
    return false;
  }
  INFO("onnx case " << name);
  if (op_type != family.op_type) {
    FAIL_CHECK("node is " << op_type << ", not " << family.op_type << ": run it or list it in skipped()");
    return false;
  }
  bool ok = true;
  for (const OnnxDataSet& data : c.data_sets) {
    for (KernelVariant variant : {KernelVariant::Fast, KernelVariant::Reference}) {
      const char* which = variant == KernelVariant::Fast ? " (dispatched kernel)" : " (*_ref kernel)";
      NodeOutput got;
      std::vector<float> want;
      try {
        got = family.one_d_as_2d ? run_1d_as_2d(family.run, c, data, variant) : family.run(c, data, variant);
        want = data.outputs.at(0).float_values();
      } catch (const std::exception& e) {
        FAIL_CHECK(data.dir << which << ": " << e.what());
        ok = false;
        continue;
      }
      INFO(data.dir << which);
      if (got.dims != data.outputs[0].dims) {
        FAIL_CHECK("output dims " << shape_string(got.dims) << ", expected " << shape_string(data.outputs[0].dims));
        ok = false;
        continue;
      }
      Comparison cmp = compare_arrays(got.values, want, kRtol, kAtol);
      INFO(cmp.message);
      CHECK(cmp.ok);
      ok = ok && cmp.ok;
    }
  }
  return ok;
}

FamilyTally check_family(const Family& family) {
  FamilyTally tally;
  std::vector<std::string> names;
  for (const std::string& prefix : family.prefixes) {
    if (prefix.back() == '$') {
      names.push_back(prefix.substr(0, prefix.size() - 1));  // loading fails if it is absent
      continue;
    }
    std::vector<std::string> found = list_onnx_node_cases(prefix);
    names.insert(names.end(), found.begin(), found.end());
  }
  INFO("family " << family.name);
  CHECK(!names.empty());
  for (const std::string& name : names) {
    if (skipped().count(name)) {
      ++tally.skipped;
      continue;
    }
    ++tally.run;
    if (check_case(family, name)) ++tally.passed;
  }
  return tally;
}

const Family& family_named(const std::string& name) {
  for (const Family& f : families())
    if (name == f.name) return f;
  throw Error("no onnx family " + name);
}

void check_named_family(const std::string& name) {
  FamilyTally t = check_family(family_named(name));
  INFO(name << ": " << t.passed << " of " << t.run << " cases passed, " << t.skipped << " skipped");
  CHECK(t.run > 0);
  CHECK(t.passed == t.run);
}

}  // namespace

TEST_CASE("onnx conv") { check_named_family("conv"); }
TEST_CASE("onnx convtranspose") { check_named_family("convtranspose"); }
TEST_CASE("onnx maxpool") { check_named_family("maxpool"); }
TEST_CASE("onnx averagepool") { check_named_family("averagepool"); }
TEST_CASE("onnx globalaveragepool") { check_named_family("globalaveragepool"); }
TEST_CASE("onnx lrn") { check_named_family("lrn"); }
TEST_CASE("onnx relu") { check_named_family("relu"); }
TEST_CASE("onnx concat") { check_named_family("concat"); }
TEST_CASE("onnx gemm") { check_named_family("gemm"); }
TEST_CASE("onnx softmax") { check_named_family("softmax"); }
TEST_CASE("onnx resize linear") { check_named_family("resize"); }

// ctest runs each TEST_CASE in its own process, so the count is made here by
// running every family again (the data are small: well under a second).
TEST_CASE("onnx suite coverage") {
  int run = 0, passed = 0;
  for (const Family& f : families()) {
    FamilyTally t = check_family(f);
    run += t.run;
    passed += t.passed;
  }
  INFO(passed << " of " << run << " ONNX node cases passed");
  CHECK(passed == run);
  REQUIRE(passed >= 60);
}

TEST_CASE("onnx skip list names real cases of our families") {
  for (const auto& entry : skipped()) {
    INFO("skipped case " << entry.first << " (" << entry.second << ")");
    CHECK(onnx_node_case_exists(entry.first));
    bool in_family = false;
    for (const Family& f : families())
      for (const std::string& prefix : f.prefixes)
        if (prefix.back() == '$' ? entry.first + "$" == prefix : entry.first.compare(0, prefix.size(), prefix) == 0)
          in_family = true;
    CHECK(in_family);
  }
}

TEST_CASE("onnx suite fails when its data directory is missing") {
  // The missing-data path must throw (so the family tests fail, not skip).
  CHECK_THROWS_WITH(load_onnx_node_case("test_no_such_case_xyz"), Catch::Contains("apt-get install libonnx-testdata"));
}
