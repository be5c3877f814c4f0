#include "models/googlenet.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>

#include "models/googlenet_architecture.h"
#include "tensor/edit_distance.h"
#include "weights/bvlc_googlenet_params.h"
#include "weights/safetensors.h"

namespace dream::models {

namespace {

constexpr int64_t kClassCount = 1000;

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> placeholder_labels() {
  std::vector<std::string> labels;
  for (int64_t i = 0; i < kClassCount; ++i) labels.push_back("class " + std::to_string(i));
  return labels;
}

}  // namespace

struct GoogLeNet::Impl {
  nn::Graph graph;
  std::vector<std::string> labels;
};

GoogLeNet::GoogLeNet(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
GoogLeNet::GoogLeNet(GoogLeNet&&) noexcept = default;
GoogLeNet& GoogLeNet::operator=(GoogLeNet&&) noexcept = default;
GoogLeNet::~GoogLeNet() = default;

GoogLeNet GoogLeNet::load(const std::string& path) {
  weights::SafetensorsFile file(path);
  // Check the whole catalogue first so the error names the first missing or
  // mis-shaped tensor rather than whichever layer happens to be built first.
  std::map<std::string, Tensor> tensors;
  for (const weights::ParamSpec& spec : weights::bvlc_googlenet_params()) {
    if (!file.has(spec.name))
      throw Error(path + ": no tensor named " + spec.name + " (expected " + shape_string(spec.shape) +
                  "; is this a bvlc_googlenet file made by dream-convert?)");
    tensors[spec.name] = file.view(spec.name, spec.shape);  // in place: no copy of the 28 MB
  }
  auto impl = std::make_unique<Impl>();
  impl->graph = build_bvlc_googlenet([&tensors](const std::string& name) { return tensors.at(name); });
  impl->labels = split_lines(file.metadata_value("labels"));
  if (static_cast<int64_t>(impl->labels.size()) != kClassCount) impl->labels = placeholder_labels();
  return GoogLeNet(std::move(impl));
}

GoogLeNet GoogLeNet::with_random_weights(uint32_t seed) {
  std::mt19937 rng(seed);
  std::map<std::string, Tensor> tensors;
  for (const weights::ParamSpec& spec : weights::bvlc_googlenet_params()) {
    Tensor t(spec.shape);  // biases stay 0
    if (spec.shape.size() > 1) {
      const int64_t fan_in = shape_numel(spec.shape) / spec.shape[0];
      std::normal_distribution<float> normal(0.0f, std::sqrt(2.0f / static_cast<float>(fan_in)));
      for (int64_t i = 0; i < t.numel(); ++i) t[i] = normal(rng);
    }
    tensors[spec.name] = t;
  }
  auto impl = std::make_unique<Impl>();
  impl->graph = build_bvlc_googlenet([&tensors](const std::string& name) { return tensors.at(name); });
  impl->labels = placeholder_labels();
  return GoogLeNet(std::move(impl));
}

bool GoogLeNet::has_blob(const std::string& name) const {
  return impl_->graph.has_blob(name) || googlenet_tf_aliases().count(name) > 0;
}

std::string GoogLeNet::canonical_blob_name(const std::string& name) const {
  if (impl_->graph.has_blob(name)) return name;
  auto alias = googlenet_tf_aliases().find(name);
  if (alias != googlenet_tf_aliases().end()) return alias->second;

  std::vector<std::pair<size_t, std::string>> ranked;
  for (const std::string& b : impl_->graph.blob_names()) ranked.emplace_back(edit_distance(name, b), b);
  for (const auto& a : googlenet_tf_aliases()) ranked.emplace_back(edit_distance(name, a.first), a.first);
  std::sort(ranked.begin(), ranked.end());
  std::string message = "GoogLeNet: unknown blob \"" + name + "\"; closest names:";
  for (size_t i = 0; i < ranked.size() && i < 5; ++i) message += (i ? ", " : " ") + ranked[i].second;
  message += " (dream-layers lists them all)";
  throw Error(message);
}

std::map<std::string, autograd::Variable> GoogLeNet::forward(autograd::Tape& tape, const autograd::Variable& input,
                                                             const std::vector<std::string>& ends) const {
  const Shape& x = input.shape();
  if (x.size() != 4 || x[0] != 1 || x[1] != 3)
    throw Error("GoogLeNet: input must be 1x3xHxW (BGR minus the mean), got " + shape_string(x));
  std::vector<std::string> canonical;
  for (const std::string& e : ends) canonical.push_back(canonical_blob_name(e));

  // A clear message for an input too small for the deepest requested blob.
  std::vector<nn::BlobGeometry> geometry = impl_->graph.geometry(x);
  for (const std::string& c : canonical) {
    bool found = c == nn::Graph::kInputName;
    for (const nn::BlobGeometry& g : geometry) found = found || g.name == c;
    if (!found) {
      const std::string need =
          "at least " + std::to_string(min_input_size(c)) + "x" + std::to_string(min_input_size(c));
      throw Error("GoogLeNet: an input of " + std::to_string(x[3]) + "x" + std::to_string(x[2]) +
                  " (WxH) cannot reach blob " + c + " (needs " + need + ")");
    }
  }

  std::map<std::string, autograd::Variable> values = impl_->graph.forward(tape, input, canonical);
  std::map<std::string, autograd::Variable> out;
  for (size_t i = 0; i < ends.size(); ++i) out[ends[i]] = values.at(canonical[i]);
  return out;
}

std::vector<BlobInfo> GoogLeNet::blobs(int64_t height, int64_t width) const {
  std::vector<BlobInfo> out;
  out.push_back({nn::Graph::kInputName, {1, 3, height, width}, 1, 1});
  for (const nn::BlobGeometry& g : impl_->graph.geometry({1, 3, height, width}))
    out.push_back({g.name, g.shape, g.receptive_field, g.stride});
  return out;
}

int64_t GoogLeNet::min_input_size(const std::string& blob) const {
  const std::string name = canonical_blob_name(blob);
  if (name == nn::Graph::kInputName) return 1;
  // Sizes only grow as the input grows (pool5 is global, so the classifier
  // follows inception_5b), so a linear scan from 1 finds the smallest side.
  for (int64_t side = 1; side <= 4096; ++side)
    for (const nn::BlobGeometry& g : impl_->graph.geometry({1, 3, side, side}))
      if (g.name == name) return side;
  throw Error("GoogLeNet: blob " + name + " is not reachable at any input size up to 4096");
}

const std::vector<std::string>& GoogLeNet::labels() const { return impl_->labels; }

}  // namespace dream::models
