#include "nn/pointwise_fusion.h"

#include <algorithm>

namespace dream::nn {

bool PointwiseFusion::stackable(const Conv2d& conv) {
  return conv.weight().dim(2) == 1 && conv.weight().dim(3) == 1 && conv.stride() == 1 && conv.pad() == 0;
}

const PointwiseFusion::Stacked& PointwiseFusion::stacked(const std::vector<const Conv2d*>& convs) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = cache_.find(convs);
  if (it != cache_.end()) return it->second;
  const int64_t c_in = convs.front()->weight().dim(1);
  int64_t c_out = 0;
  for (const Conv2d* c : convs) {
    if (!stackable(*c) || c->weight().dim(1) != c_in)
      throw Error("pointwise fusion: " + c->name() + " (weight " + shape_string(c->weight().shape()) +
                  ") cannot be stacked with " + convs.front()->name() + " (weight " +
                  shape_string(convs.front()->weight().shape()) + ")");
    c_out += c->weight().dim(0);
  }
  // OIHW with 1x1 kernels: each weight is Co rows of Ci floats, so stacking
  // is appending the rows.
  Stacked s{Tensor::uninitialized({c_out, c_in, 1, 1}), Tensor::uninitialized({c_out})};
  float* w = s.weight.data();
  float* b = s.bias.data();
  for (const Conv2d* c : convs) {
    w = std::copy(c->weight().data(), c->weight().data() + c->weight().numel(), w);
    b = std::copy(c->bias().data(), c->bias().data() + c->bias().numel(), b);
  }
  return cache_.emplace(convs, std::move(s)).first->second;
}

Variable PointwiseFusion::forward_relu(Tape& tape, const Variable& input, const std::vector<const Conv2d*>& convs) {
  for (const Conv2d* c : convs) c->output_shape({input.shape()});  // the layer-named error for a bad input
  const Stacked& s = stacked(convs);
  autograd::ConvSpec spec;
  spec.fuse_relu = true;
  return autograd::conv2d(tape, input, tape.constant(s.weight), tape.constant(s.bias), spec);
}

std::vector<Variable> PointwiseFusion::split(Tape& tape, const Variable& stacked,
                                             const std::vector<const Conv2d*>& convs) {
  std::vector<Variable> parts;
  int64_t begin = 0;
  for (const Conv2d* c : convs) {
    const int64_t end = begin + c->weight().dim(0);
    parts.push_back(autograd::slice_channels(tape, stacked, begin, end));
    begin = end;
  }
  return parts;
}

std::string PointwiseFusion::name(const std::vector<const Conv2d*>& convs) {
  const std::string& first = convs.front()->name();
  const size_t slash = first.rfind('/');
  const std::string prefix = slash == std::string::npos ? std::string() : first.substr(0, slash + 1);
  const bool shared = std::all_of(convs.begin(), convs.end(),
                                  [&](const Conv2d* c) { return c->name().compare(0, prefix.size(), prefix) == 0; });
  std::string out = shared ? prefix + "{" : "{";
  for (size_t i = 0; i < convs.size(); ++i)
    out += (i ? "," : "") + convs[i]->name().substr(shared ? prefix.size() : 0);
  return out + "}";
}

}  // namespace dream::nn
