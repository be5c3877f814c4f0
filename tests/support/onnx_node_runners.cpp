#include "tests/support/onnx_node_runners.h"

#include <cmath>

#include "tensor/concat.h"
#include "tensor/conv2d.h"
#include "tensor/elementwise.h"
#include "tensor/gemm.h"
#include "tensor/lrn.h"
#include "tensor/pool.h"
#include "tensor/resize.h"
#include "tensor/softmax.h"

namespace dream::test {

namespace {

using onnx::OnnxNode;
using onnx::OnnxTensor;

[[noreturn]] void unsupported(const OnnxNodeCase& c, const std::string& what) {
  throw Error(c.name + ": unsupported by our kernels: " + what);
}

const OnnxTensor& required_input(const OnnxNodeCase& c, const OnnxDataSet& d, size_t slot) {
  const OnnxTensor* t = c.node_input(d, slot);
  if (!t) throw Error(c.name + ": node input " + std::to_string(slot) + " is missing");
  if (!t->is_float()) unsupported(c, "input '" + t->name + "' of type " + onnx::data_type_name(t->data_type));
  return *t;
}

const OnnxTensor& input4d(const OnnxNodeCase& c, const OnnxDataSet& d, size_t slot) {
  const OnnxTensor& t = required_input(c, d, slot);
  if (t.dims.size() != 4)
    unsupported(c, "input '" + t.name + "' of rank " + std::to_string(t.dims.size()) + ", not 4-D");
  return t;
}

// A 2-entry spatial attribute (strides, dilations, kernel_shape...).
std::vector<int64_t> pair_attribute(const OnnxNodeCase& c, const std::string& name, int64_t fallback) {
  std::vector<int64_t> v = c.node().get_ints(name, {fallback, fallback});
  if (v.size() != 2) unsupported(c, name + " with " + std::to_string(v.size()) + " entries (2-D only)");
  return v;
}

// ONNX pads are [x1_begin, x2_begin, x1_end, x2_end] = [top, left, bottom, right].
std::vector<int64_t> pads_attribute(const OnnxNodeCase& c) {
  std::vector<int64_t> v = c.node().get_ints("pads", {0, 0, 0, 0});
  if (v.size() != 4) unsupported(c, "pads with " + std::to_string(v.size()) + " entries (2-D only)");
  return v;
}

// Floor division for possibly negative numerators (Python's //).
int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

struct Padding {
  int64_t begin = 0, end = 0;
};

// Conv / pool padding of one spatial axis: explicit pads or auto_pad.
// SAME_*: output = ceil(in / stride), total = max(0, (out-1)*stride + extent - in),
// the odd pixel goes at the end (SAME_UPPER) or the beginning (SAME_LOWER).
Padding forward_padding(const OnnxNodeCase& c, const std::string& auto_pad, int64_t in, int64_t extent, int64_t stride,
                        int64_t pad_begin, int64_t pad_end) {
  if (auto_pad == "NOTSET") return {pad_begin, pad_end};
  if (auto_pad == "VALID") return {0, 0};
  if (auto_pad != "SAME_UPPER" && auto_pad != "SAME_LOWER") unsupported(c, "auto_pad " + auto_pad);
  int64_t out = (in + stride - 1) / stride;
  int64_t total = std::max<int64_t>(0, (out - 1) * stride + extent - in);
  int64_t small = total / 2, large = total - small;
  return auto_pad == "SAME_UPPER" ? Padding{small, large} : Padding{large, small};
}

}  // namespace

// Grouped convolution (group = G) runs our groups=1 kernel once per image
// and group on contiguous slices: input channels [g*C/G, (g+1)*C/G) with
// weights W[g*M/G .. (g+1)*M/G) (shape (M/G, C/G, kh, kw)) and bias slice.
NodeOutput run_onnx_conv(const OnnxNodeCase& c, const OnnxDataSet& d, KernelVariant v) {
  const OnnxNode& node = c.node();
  const OnnxTensor& x = input4d(c, d, 0);
  const OnnxTensor& w = input4d(c, d, 1);
  const OnnxTensor* b = c.node_input(d, 2);
  const int64_t groups = node.get_int("group", 1);
  if (groups < 1 || x.dims[1] % groups != 0 || w.dims[0] % groups != 0)
    throw Error(c.name + ": group " + std::to_string(groups) + " does not divide X " + shape_string(x.dims) +
                " and W " + shape_string(w.dims));
  Conv2dParams p;  // one image, one group
  p.n = 1;
  p.c_in = x.dims[1] / groups;
  p.h_in = x.dims[2];
  p.w_in = x.dims[3];
  p.c_out = w.dims[0] / groups;
  p.kh = w.dims[2];
  p.kw = w.dims[3];
  if (w.dims[1] != p.c_in)
    throw Error(c.name + ": W dims " + shape_string(w.dims) + " do not match X " + shape_string(x.dims));
  std::vector<int64_t> kernel = pair_attribute(c, "kernel_shape", 0);
  if (node.has("kernel_shape") && (kernel[0] != p.kh || kernel[1] != p.kw))
    throw Error(c.name + ": kernel_shape disagrees with W's dims " + shape_string(w.dims));
  std::vector<int64_t> strides = pair_attribute(c, "strides", 1);
  std::vector<int64_t> dilations = pair_attribute(c, "dilations", 1);
  std::vector<int64_t> pads = pads_attribute(c);
  std::string auto_pad = node.get_string("auto_pad", "NOTSET");
  p.stride_h = strides[0];
  p.stride_w = strides[1];
  p.dil_h = dilations[0];
  p.dil_w = dilations[1];
  Padding ph = forward_padding(c, auto_pad, p.h_in, p.dil_h * (p.kh - 1) + 1, p.stride_h, pads[0], pads[2]);
  Padding pw = forward_padding(c, auto_pad, p.w_in, p.dil_w * (p.kw - 1) + 1, p.stride_w, pads[1], pads[3]);
  p.pad_top = ph.begin;
  p.pad_bottom = ph.end;
  p.pad_left = pw.begin;
  p.pad_right = pw.end;
  p.validate();
  if (b && (!b->is_float() || b->numel() != w.dims[0]))
    throw Error(c.name + ": bias B is not FLOAT of " + std::to_string(w.dims[0]) + " values");
  NodeOutput out{{x.dims[0], w.dims[0], p.h_out(), p.w_out()}, {}};
  out.values.resize(static_cast<size_t>(shape_numel(out.dims)));
  const int64_t in_block = p.c_in * p.h_in * p.w_in, out_block = p.c_out * p.h_out() * p.w_out();
  const int64_t w_block = p.c_out * p.c_in * p.kh * p.kw;
  for (int64_t image = 0; image < x.dims[0]; ++image)
    for (int64_t g = 0; g < groups; ++g) {
      const float* in = x.floats.data() + (image * groups + g) * in_block;
      const float* weights = w.floats.data() + g * w_block;
      const float* bias = b ? b->floats.data() + g * p.c_out : nullptr;
      float* dst = out.values.data() + (image * groups + g) * out_block;
      if (v == KernelVariant::Fast)
        conv2d_forward(p, in, weights, bias, dst);
      else
        conv2d_forward_ref(p, in, weights, bias, dst);
    }
  return out;
}

// ConvTranspose with X (N, C, H, W) and W (C, M, kh, kw) is the gradient to
// the input of a forward Conv2d with c_in = M, c_out = C and the same kernel,
// strides, dilations and pads, whose input is the ConvTranspose output.
// Per spatial axis: full = stride*(in-1) + output_padding + dil*(k-1) + 1,
// output = full - pad_begin - pad_end. With output_shape (or SAME auto_pad,
// output = in*stride) the pads are derived from total = full - output:
// SAME_UPPER puts floor(total/2) first, otherwise the larger half goes first.
// A negative pad_end (output longer than full) is zero rows at the end.
NodeOutput run_onnx_conv_transpose(const OnnxNodeCase& c, const OnnxDataSet& d, KernelVariant v) {
  const OnnxNode& node = c.node();
  const OnnxTensor& x = input4d(c, d, 0);
  const OnnxTensor& w = input4d(c, d, 1);
  const OnnxTensor* b = c.node_input(d, 2);
  if (node.get_int("group", 1) != 1) unsupported(c, "group != 1");
  const int64_t n = x.dims[0], ch = x.dims[1], m = w.dims[1];
  if (w.dims[0] != ch)
    throw Error(c.name + ": W dims " + shape_string(w.dims) + " do not match X " + shape_string(x.dims));
  const int64_t in[2] = {x.dims[2], x.dims[3]};
  const int64_t k[2] = {w.dims[2], w.dims[3]};
  std::vector<int64_t> strides = pair_attribute(c, "strides", 1);
  std::vector<int64_t> dilations = pair_attribute(c, "dilations", 1);
  std::vector<int64_t> out_pad = pair_attribute(c, "output_padding", 0);
  std::vector<int64_t> pads = pads_attribute(c);
  std::vector<int64_t> output_shape = node.get_ints("output_shape", {});
  if (output_shape.size() > 2) output_shape.erase(output_shape.begin(), output_shape.end() - 2);
  std::string auto_pad = node.get_string("auto_pad", "NOTSET");

  int64_t begin[2], end[2], out[2], full[2];
  for (int i = 0; i < 2; ++i) {
    full[i] = strides[i] * (in[i] - 1) + out_pad[i] + dilations[i] * (k[i] - 1) + 1;
    int64_t target = -1;
    if (!output_shape.empty())
      target = output_shape[i];
    else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER")
      target = in[i] * strides[i];
    else if (auto_pad != "NOTSET" && auto_pad != "VALID")
      unsupported(c, "auto_pad " + auto_pad);
    if (target >= 0) {
      int64_t total = full[i] - target;
      int64_t half = floor_div(total, 2);
      if (auto_pad == "SAME_UPPER") {
        begin[i] = half;
        end[i] = total - half;
      } else {
        end[i] = half;
        begin[i] = total - half;
      }
    } else if (auto_pad == "VALID") {
      begin[i] = end[i] = 0;
    } else {
      begin[i] = pads[i];
      end[i] = pads[i + 2];
    }
    if (begin[i] < 0) unsupported(c, "a negative leading pad");
    out[i] = full[i] - begin[i] - end[i];
  }

  // The forward convolution whose input gradient this is; its input extent
  // leaves out any trailing zero rows (negative end pad).
  Conv2dParams p;
  p.n = n;
  p.c_in = m;
  p.c_out = ch;
  p.kh = k[0];
  p.kw = k[1];
  p.stride_h = strides[0];
  p.stride_w = strides[1];
  p.dil_h = dilations[0];
  p.dil_w = dilations[1];
  p.pad_top = begin[0];
  p.pad_left = begin[1];
  p.pad_bottom = std::max<int64_t>(end[0], 0);
  p.pad_right = std::max<int64_t>(end[1], 0);
  p.h_in = full[0] - p.pad_top - p.pad_bottom;
  p.w_in = full[1] - p.pad_left - p.pad_right;
  p.validate();
  if (p.h_out() != in[0] || p.w_out() != in[1])
    unsupported(c, "geometry not expressible as a Conv2d gradient (output_padding >= stride?)");
  std::vector<float> grad_in(static_cast<size_t>(n * m * p.h_in * p.w_in));
  if (v == KernelVariant::Fast)
    conv2d_backward_input(p, x.floats.data(), w.floats.data(), grad_in.data());
  else
    conv2d_backward_input_ref(p, x.floats.data(), w.floats.data(), grad_in.data());

  if (b && (!b->is_float() || b->numel() != m)) throw Error(c.name + ": bias B is not FLOAT of M values");
  NodeOutput result{{n, m, out[0], out[1]}, {}};
  result.values.assign(static_cast<size_t>(shape_numel(result.dims)), 0.0f);
  for (int64_t plane = 0; plane < n * m; ++plane) {
    const float bias = b ? b->floats[static_cast<size_t>(plane % m)] : 0.0f;
    for (int64_t y = 0; y < out[0]; ++y)
      for (int64_t xx = 0; xx < out[1]; ++xx) {
        float value =
            (y < p.h_in && xx < p.w_in) ? grad_in[static_cast<size_t>((plane * p.h_in + y) * p.w_in + xx)] : 0.0f;
        result.values[static_cast<size_t>((plane * out[0] + y) * out[1] + xx)] = value + bias;
      }
  }
  return result;
}

namespace {

Pool2dParams pool_params(const OnnxNodeCase& c, const OnnxTensor& x) {
  const OnnxNode& node = c.node();
  if (node.outputs.size() > 1) unsupported(c, "the Indices output of MaxPool");
  std::vector<int64_t> dilations = pair_attribute(c, "dilations", 1);
  if (dilations[0] != 1 || dilations[1] != 1) unsupported(c, "dilated pooling");
  std::vector<int64_t> kernel = node.get_ints("kernel_shape", {});
  if (kernel.size() != 2) unsupported(c, "kernel_shape of " + std::to_string(kernel.size()) + " entries (2-D only)");
  std::vector<int64_t> strides = pair_attribute(c, "strides", 1);
  std::vector<int64_t> pads = pads_attribute(c);
  std::string auto_pad = node.get_string("auto_pad", "NOTSET");
  Pool2dParams p;
  p.n = x.dims[0];
  p.c = x.dims[1];
  p.h_in = x.dims[2];
  p.w_in = x.dims[3];
  p.kh = kernel[0];
  p.kw = kernel[1];
  p.stride_h = strides[0];
  p.stride_w = strides[1];
  Padding ph = forward_padding(c, auto_pad, p.h_in, p.kh, p.stride_h, pads[0], pads[2]);
  Padding pw = forward_padding(c, auto_pad, p.w_in, p.kw, p.stride_w, pads[1], pads[3]);
  p.pad_top = ph.begin;
  p.pad_bottom = ph.end;
  p.pad_left = pw.begin;
  p.pad_right = pw.end;
  p.ceil_mode = node.get_int("ceil_mode", 0) != 0;
  p.count_include_pad = node.get_int("count_include_pad", 0) != 0;
  p.validate();
  return p;
}

}  // namespace

NodeOutput run_onnx_maxpool(const OnnxNodeCase& c, const OnnxDataSet& d, KernelVariant v) {
  const OnnxTensor& x = input4d(c, d, 0);
  if (c.node().get_int("storage_order", 0) != 0) unsupported(c, "storage_order 1");
  Pool2dParams p = pool_params(c, x);
  NodeOutput out{{p.n, p.c, p.h_out(), p.w_out()}, {}};
  out.values.resize(static_cast<size_t>(shape_numel(out.dims)));
  if (v == KernelVariant::Fast)
    maxpool2d_forward(p, x.floats.data(), out.values.data());
  else
    maxpool2d_forward_ref(p, x.floats.data(), out.values.data());
  return out;
}

NodeOutput run_onnx_averagepool(const OnnxNodeCase& c, const OnnxDataSet& d, KernelVariant v) {
  const OnnxTensor& x = input4d(c, d, 0);
  Pool2dParams p = pool_params(c, x);
  NodeOutput out{{p.n, p.c, p.h_out(), p.w_out()}, {}};
  out.values.resize(static_cast<size_t>(shape_numel(out.dims)));
  if (v == KernelVariant::Fast)
    avgpool2d_forward(p, x.floats.data(), out.values.data());
  else
    avgpool2d_forward_ref(p, x.floats.data(), out.values.data());
  return out;
}

NodeOutput run_onnx_global_averagepool(const OnnxNodeCase& c, const OnnxDataSet& d, KernelVariant) {
  const OnnxTensor& x = input4d(c, d, 0);
  NodeOutput out{{x.dims[0], x.dims[1], 1, 1}, {}};
  out.values.resize(static_cast<size_t>(x.dims[0] * x.dims[1]));
  global_avgpool_forward(x.dims[0], x.dims[1], x.dims[2] * x.dims[3], x.floats.data(), out.values.data());
  return out;
}

NodeOutput run_onnx_lrn(const OnnxNodeCase& c, const OnnxDataSet& d, KernelVariant v) {
  const OnnxNode& node = c.node();
  const OnnxTensor& x = input4d(c, d, 0);
  LrnParams p;
  p.n = x.dims[0];
  p.c = x.dims[1];
  p.h = x.dims[2];
  p.w = x.dims[3];
  if (!node.has("size")) throw Error(c.name + ": LRN without its required size attribute");
  p.size = node.get_int("size", 0);
  p.alpha = node.get_float("alpha", 1e-4f);
  p.beta = node.get_float("beta", 0.75f);
  p.bias = node.get_float("bias", 1.0f);
  p.validate();
  NodeOutput out{x.dims, std::vector<float>(x.floats.size())};
  if (v == KernelVariant::Fast)
    lrn_forward(p, x.floats.data(), out.values.data(), nullptr);
  else
    lrn_forward_ref(p, x.floats.data(), out.values.data(), nullptr);
  return out;
}

NodeOutput run_onnx_relu(const OnnxNodeCase& c, const OnnxDataSet& d, KernelVariant v) {
  const OnnxTensor& x = required_input(c, d, 0);
  NodeOutput out{x.dims, std::vector<float>(x.floats.size())};
  if (v == KernelVariant::Fast)
    relu_forward(x.numel(), x.floats.data(), out.values.data());
  else
    relu_forward_ref(x.numel(), x.floats.data(), out.values.data());
  return out;
}

// Concat along any axis is our channel concat of (outer, C_i, inner) arrays,
// outer = product of the dims before the axis, inner = product of those after.
NodeOutput run_onnx_concat(const OnnxNodeCase& c, const OnnxDataSet& d, KernelVariant v) {
  const OnnxNode& node = c.node();
  const OnnxTensor& first = required_input(c, d, 0);
  const int64_t rank = static_cast<int64_t>(first.dims.size());
  if (!node.has("axis")) throw Error(c.name + ": Concat without its required axis attribute");
  int64_t axis = node.get_int("axis", 0);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) throw Error(c.name + ": axis out of range for dims " + shape_string(first.dims));
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= first.dims[static_cast<size_t>(i)];
  for (int64_t i = axis + 1; i < rank; ++i) inner *= first.dims[static_cast<size_t>(i)];
  std::vector<ConcatPart> parts;
  NodeOutput out{first.dims, {}};
  out.dims[static_cast<size_t>(axis)] = 0;
  for (size_t slot = 0; slot < node.inputs.size(); ++slot) {
    const OnnxTensor& t = required_input(c, d, slot);
    Shape expect = first.dims;
    expect[static_cast<size_t>(axis)] = t.dims.size() == first.dims.size() ? t.dims[static_cast<size_t>(axis)] : -1;
    if (t.dims != expect)
      throw Error(c.name + ": input dims " + shape_string(t.dims) + " do not concat with " + shape_string(first.dims));
    parts.push_back({t.floats.data(), t.dims[static_cast<size_t>(axis)]});
    out.dims[static_cast<size_t>(axis)] += t.dims[static_cast<size_t>(axis)];
  }
  out.values.resize(static_cast<size_t>(shape_numel(out.dims)));
  if (v == KernelVariant::Fast)
    concat_channels(outer, inner, parts, out.values.data());
  else
    concat_channels_ref(outer, inner, parts, out.values.data());
  return out;
}

// Y (M, N) = alpha * op(A) op(B) + beta * C, C unidirectionally broadcast to (M, N).
NodeOutput run_onnx_gemm(const OnnxNodeCase& c, const OnnxDataSet& d, KernelVariant v) {
  const OnnxNode& node = c.node();
  const OnnxTensor& a = required_input(c, d, 0);
  const OnnxTensor& b = required_input(c, d, 1);
  const OnnxTensor* bias = c.node_input(d, 2);
  if (a.dims.size() != 2 || b.dims.size() != 2)
    throw Error(c.name + ": Gemm inputs must be 2-D, got " + shape_string(a.dims) + " and " + shape_string(b.dims));
  GemmArgs g;
  g.trans_a = node.get_int("transA", 0) != 0;
  g.trans_b = node.get_int("transB", 0) != 0;
  g.m = g.trans_a ? a.dims[1] : a.dims[0];
  g.k = g.trans_a ? a.dims[0] : a.dims[1];
  g.n = g.trans_b ? b.dims[0] : b.dims[1];
  const int64_t kb = g.trans_b ? b.dims[1] : b.dims[0];
  if (kb != g.k) throw Error(c.name + ": inner dims differ: A " + shape_string(a.dims) + ", B " + shape_string(b.dims));
  g.alpha = node.get_float("alpha", 1.0f);
  g.a = a.floats.data();
  g.lda = a.dims[1];
  g.b = b.floats.data();
  g.ldb = b.dims[1];
  NodeOutput out{{g.m, g.n}, std::vector<float>(static_cast<size_t>(g.m * g.n), 0.0f)};
  g.beta = 0.0f;
  if (bias) {
    if (!bias->is_float() || bias->dims.size() > 2) throw Error(c.name + ": C must be FLOAT of rank <= 2");
    // Right-align C's dims against (M, N); each must be 1 or equal.
    Shape cd = bias->dims;
    while (cd.size() < 2) cd.insert(cd.begin(), 1);
    if ((cd[0] != 1 && cd[0] != g.m) || (cd[1] != 1 && cd[1] != g.n))
      throw Error(c.name + ": C dims " + shape_string(bias->dims) + " do not broadcast to " + shape_string(out.dims));
    for (int64_t i = 0; i < g.m; ++i)
      for (int64_t j = 0; j < g.n; ++j)
        out.values[static_cast<size_t>(i * g.n + j)] =
            bias->floats[static_cast<size_t>((cd[0] == 1 ? 0 : i) * cd[1] + (cd[1] == 1 ? 0 : j))];
    g.beta = node.get_float("beta", 1.0f);
  }
  g.c = out.values.data();
  g.ldc = g.n;
  if (v == KernelVariant::Fast)
    gemm(g);
  else
    gemm_ref(g);
  return out;
}

// Opset >= 13: softmax along one axis (moved last by a transpose here);
// before 13: the input is flattened to 2-D at the axis.
NodeOutput run_onnx_softmax(const OnnxNodeCase& c, const OnnxDataSet& d, KernelVariant v) {
  const OnnxTensor& x = required_input(c, d, 0);
  const bool single_axis = c.model.opset_version >= 13;
  const int64_t rank = static_cast<int64_t>(x.dims.size());
  int64_t axis = c.node().get_int("axis", single_axis ? -1 : 1);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) throw Error(c.name + ": axis out of range for dims " + shape_string(x.dims));
  int64_t outer = 1, len = x.dims[static_cast<size_t>(axis)], inner = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= x.dims[static_cast<size_t>(i)];
  for (int64_t i = axis + 1; i < rank; ++i) inner *= x.dims[static_cast<size_t>(i)];
  if (!single_axis) {
    len *= inner;
    inner = 1;
  }
  // rows[(o * inner + i) * len + l] = x[(o * len + l) * inner + i]
  std::vector<float> rows(x.floats.size()), result(x.floats.size());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t l = 0; l < len; ++l)
      for (int64_t i = 0; i < inner; ++i)
        rows[static_cast<size_t>((o * inner + i) * len + l)] = x.floats[static_cast<size_t>((o * len + l) * inner + i)];
  if (v == KernelVariant::Fast)
    softmax_forward(outer * inner, len, rows.data(), result.data());
  else
    softmax_forward_ref(outer * inner, len, rows.data(), result.data());
  NodeOutput out{x.dims, std::vector<float>(x.floats.size())};
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t l = 0; l < len; ++l)
      for (int64_t i = 0; i < inner; ++i)
        out.values[static_cast<size_t>((o * len + l) * inner + i)] =
            result[static_cast<size_t>((o * inner + i) * len + l)];
  return out;
}

// Only what our bilinear resize computes: mode "linear" on the two spatial
// axes of a 4-D input, half-pixel centres, and a coordinate scale equal to
// in/out (ONNX maps with the given scale when scales are given, so a scale
// that is not exactly out/in would differ from us).
NodeOutput run_onnx_resize(const OnnxNodeCase& c, const OnnxDataSet& d, KernelVariant v) {
  const OnnxNode& node = c.node();
  if (c.model.opset_version < 11) unsupported(c, "Resize before opset 11 (asymmetric coordinates)");
  const OnnxTensor& x = input4d(c, d, 0);
  if (node.get_string("mode", "nearest") != "linear") unsupported(c, "mode " + node.get_string("mode", "nearest"));
  std::string ctm = node.get_string("coordinate_transformation_mode", "half_pixel");
  const OnnxTensor* scales = c.node_input(d, 2);
  const OnnxTensor* sizes = c.node_input(d, 3);
  if (scales && scales->numel() == 0) scales = nullptr;
  Shape out_dims = x.dims;
  if (sizes) {
    const std::vector<int64_t>& s = sizes->int64_values();
    if (s.size() != 4) throw Error(c.name + ": sizes has " + std::to_string(s.size()) + " entries for a 4-D input");
    out_dims.assign(s.begin(), s.end());
  } else if (scales) {
    const std::vector<float>& s = scales->float_values();
    if (s.size() != 4) throw Error(c.name + ": scales has " + std::to_string(s.size()) + " entries for a 4-D input");
    for (size_t i = 0; i < 4; ++i) {
      out_dims[i] = static_cast<int64_t>(std::floor(static_cast<double>(x.dims[i]) * s[i]));
      double ratio = static_cast<double>(out_dims[i]) / static_cast<double>(x.dims[i]);
      if (std::fabs(ratio - s[i]) > 1e-6 * s[i])
        unsupported(c, "scale " + std::to_string(s[i]) + " is not out/in = " + std::to_string(ratio));
    }
  } else {
    throw Error(c.name + ": Resize with neither scales nor sizes");
  }
  if (out_dims[0] != x.dims[0] || out_dims[1] != x.dims[1]) unsupported(c, "resizing N or C");
  // pytorch_half_pixel equals half_pixel except for an output length of 1.
  bool half_pixel = ctm == "half_pixel" || (ctm == "pytorch_half_pixel" && out_dims[2] > 1 && out_dims[3] > 1);
  if (!half_pixel) unsupported(c, "coordinate_transformation_mode " + ctm + " for output " + shape_string(out_dims));
  ResizeParams p;
  p.planes = x.dims[0] * x.dims[1];
  p.h_in = x.dims[2];
  p.w_in = x.dims[3];
  p.h_out = out_dims[2];
  p.w_out = out_dims[3];
  p.validate();
  NodeOutput out{out_dims, std::vector<float>(static_cast<size_t>(shape_numel(out_dims)))};
  if (v == KernelVariant::Fast)
    resize_bilinear_forward(p, x.floats.data(), out.values.data());
  else
    resize_bilinear_forward_ref(p, x.floats.data(), out.values.data());
  return out;
}

NodeOutput run_1d_as_2d(OnnxRunner run, const OnnxNodeCase& c, const OnnxDataSet& d, KernelVariant v) {
  const OnnxTensor* x = c.node_input(d, 0);
  if (!x || x->dims.size() != 3) return run(c, d, v);
  auto lift = [](OnnxTensor& t) {
    if (t.dims.size() == 3) t.dims.insert(t.dims.begin() + 2, 1);
  };
  OnnxNodeCase lifted = c;
  for (OnnxTensor& t : lifted.model.initializers) lift(t);
  OnnxDataSet data = d;
  for (OnnxTensor& t : data.inputs) lift(t);
  for (onnx::OnnxAttribute& a : lifted.model.nodes.at(0).attributes) {
    if (a.type != onnx::AttributeType::Ints) continue;
    if (a.name == "pads" && a.ints.size() == 2)
      a.ints = {0, a.ints[0], 0, a.ints[1]};
    else if (a.name == "output_padding" && a.ints.size() == 1)
      a.ints.insert(a.ints.begin(), 0);
    else if ((a.name == "kernel_shape" || a.name == "strides" || a.name == "dilations" || a.name == "output_shape") &&
             a.ints.size() == 1)
      a.ints.insert(a.ints.begin(), 1);
  }
  NodeOutput out = run(lifted, data, v);
  if (out.dims.size() != 4 || out.dims[2] != 1)
    throw Error(c.name + ": a 1-D case run as 2-D gave output dims " + shape_string(out.dims));
  out.dims.erase(out.dims.begin() + 2);
  return out;
}

}  // namespace dream::test
