#include "weights/convert_shape.h"

#include <cstring>

namespace dream::weights {
namespace {

Shape drop_leading_ones(const Shape& s) {
  size_t i = 0;
  while (i + 1 < s.size() && s[i] == 1) ++i;
  return Shape(s.begin() + static_cast<std::ptrdiff_t>(i), s.end());
}

std::string join_first(const std::vector<std::string>& names, size_t limit) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < limit; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > limit) out += ", ... (" + std::to_string(names.size()) + " in all)";
  return out;
}

}  // namespace

bool shapes_match_ignoring_leading_ones(const Shape& expected, const Shape& got) {
  return drop_leading_ones(expected) == drop_leading_ones(got);
}

Tensor canonical_tensor(const std::string& context, const std::string& layer, const std::string& what,
                        const Shape& expected, const Shape& got, const float* data) {
  if (!shapes_match_ignoring_leading_ones(expected, got))
    throw Error(context + ": layer " + layer + " " + what + ": expected shape " + shape_string(expected) + ", got " +
                shape_string(got));
  Tensor t(expected);
  if (t.numel()) std::memcpy(t.data(), data, static_cast<size_t>(t.numel()) * sizeof(float));
  return t;
}

void throw_missing_layers(const std::string& context, const std::vector<const LayerParamSpec*>& missing,
                          const std::vector<std::string>& found_layers) {
  const size_t total = bvlc_googlenet_layers().size();
  if (missing.size() == total)
    throw Error(context + ": not a bvlc_googlenet model: none of its " + std::to_string(total) +
                " parameter layers (conv1/7x7_s2 ... loss3/classifier) is present; the file's parameter layers are: " +
                (found_layers.empty() ? std::string("none") : join_first(found_layers, 8)));
  const LayerParamSpec& first = *missing.front();
  std::string msg = context + ": missing layer " + first.layer + " (expected weight " +
                    shape_string(first.weight_shape) + " and bias " + shape_string(first.bias_shape) + ")";
  if (missing.size() > 1) {
    std::vector<std::string> rest;
    for (size_t i = 1; i < missing.size(); ++i) rest.push_back(missing[i]->layer);
    msg += "; also missing: " + join_first(rest, 8);
  }
  throw Error(msg);
}

}  // namespace dream::weights
