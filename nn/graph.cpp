#include "nn/graph.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "nn/conv2d.h"
#include "nn/pointwise_fusion.h"
#include "nn/profile.h"

namespace dream::nn {

namespace {
// Forward FLOPs of a layer for the profile (multiply-add = 2): convolutions
// and inner products only; other layers are memory-bound and report 0.
double layer_flops(const Layer& layer, const Shape& in, const Shape& out) {
  const std::string kind = layer.kind();
  int64_t out_numel = 1;
  for (int64_t d : out) out_numel *= d;
  if (kind == "Convolution") {
    const int64_t k = layer.window(in).kernel;
    return 2.0 * static_cast<double>(out_numel) * static_cast<double>(in.at(1) * k * k);
  }
  if (kind == "InnerProduct") {
    int64_t in_numel = 1;
    for (int64_t d : in) in_numel *= d;
    return 2.0 * static_cast<double>(out_numel) * static_cast<double>(in_numel / std::max<int64_t>(1, in.at(0)));
  }
  return 0.0;
}
double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

void Graph::add(const std::string& name, std::shared_ptr<const Layer> layer, const std::vector<std::string>& inputs) {
  if (!layer) throw Error("graph: blob " + name + " has no layer");
  if (name == kInputName || index_.count(name)) throw Error("graph: blob " + name + " is defined twice");
  Node node;
  node.name = name;
  node.layer = std::move(layer);
  const int self = static_cast<int>(nodes_.size());
  for (const std::string& in : inputs) {
    if (in != kInputName && !index_.count(in))
      throw Error("graph: blob " + name + " reads " + in + ", which is not defined before it");
    const int i = in == kInputName ? -1 : index_.at(in);
    node.inputs.push_back(i);
    if (i >= 0) nodes_[i].consumers.push_back(self);
  }
  nodes_.push_back(std::move(node));
  names_.push_back(name);
  index_[name] = self;
}

bool Graph::has_blob(const std::string& name) const { return name == kInputName || index_.count(name) > 0; }

int Graph::index_of(const std::string& name) const {
  if (name == kInputName) return -1;
  auto it = index_.find(name);
  if (it == index_.end()) throw Error("graph: unknown blob " + name);
  return it->second;
}

const Layer& Graph::layer(const std::string& name) const {
  int i = index_of(name);
  if (i < 0) throw Error("graph: the input blob has no layer");
  return *nodes_[i].layer;
}

std::vector<std::string> Graph::inputs_of(const std::string& name) const {
  std::vector<std::string> names;
  int i = index_of(name);
  if (i < 0) return names;
  for (int j : nodes_[i].inputs) names.push_back(j < 0 ? std::string(kInputName) : nodes_[j].name);
  return names;
}

std::vector<bool> Graph::needed(const std::vector<std::string>& ends) const {
  std::vector<bool> need(nodes_.size(), false);
  for (const std::string& e : ends) {
    int i = index_of(e);
    if (i >= 0) need[i] = true;
  }
  // Nodes only read earlier nodes, so one backwards sweep closes the set.
  for (int i = static_cast<int>(nodes_.size()) - 1; i >= 0; --i)
    if (need[i])
      for (int j : nodes_[i].inputs)
        if (j >= 0) need[j] = true;
  return need;
}

std::vector<std::string> Graph::blobs_needed_for(const std::vector<std::string>& ends) const {
  std::vector<bool> need = needed(ends);
  std::vector<std::string> out;
  for (size_t i = 0; i < nodes_.size(); ++i)
    if (need[i]) out.push_back(nodes_[i].name);
  return out;
}

std::map<std::string, Variable> Graph::forward(Tape& tape, const Variable& input,
                                               const std::vector<std::string>& ends) const {
  const std::vector<bool> need = needed(ends);
  std::set<int> requested;
  bool want_input = false;
  for (const std::string& e : ends) {
    int i = index_of(e);
    if (i < 0)
      want_input = true;
    else
      requested.insert(i);
  }

  // Readers still to run per node, so a blob is dropped after its last reader.
  const int n = static_cast<int>(nodes_.size());
  std::vector<int> pending(n, 0);
  for (int i = 0; i < n; ++i)
    if (need[i])
      for (int j : nodes_[i].inputs)
        if (j >= 0) ++pending[j];

  const bool profiling = profile::enabled();
  const Variable data = profiling ? profile::mark_input(tape, input) : input;
  std::vector<Variable> value(n);
  std::vector<bool> done(n, false);
  auto release_inputs = [&](int i) {
    for (int j : nodes_[i].inputs)
      if (j >= 0 && --pending[j] == 0 && !requested.count(j)) value[j] = Variable();
  };
  // The ReLU that conv node i can run fused with: its only needed reader,
  // when nobody asked for the conv's own (pre-ReLU) blob; else -1.
  auto fusable_relu = [&](int i) {
    if (requested.count(i)) return -1;
    int readers = 0, reader = -1;
    for (int c : nodes_[i].consumers)
      if (need[c]) {
        ++readers;
        reader = c;
      }
    return readers == 1 && nodes_[reader].layer->kind() == "ReLU" ? reader : -1;
  };
  for (int i = 0; i < n; ++i) {
    if (!need[i] || done[i]) continue;
    const Node& node = nodes_[i];
    std::vector<Variable> args;
    for (int j : node.inputs) args.push_back(j < 0 ? data : value[j]);

    // Fuse conv + ReLU when nobody asked for (or reads) the pre-ReLU blob.
    const auto* conv = dynamic_cast<const Conv2d*>(node.layer.get());
    const int relu = conv ? fusable_relu(i) : -1;
    // Sibling 1x1 convs (same input, each into its own fusable ReLU) run as
    // one stacked convolution (nn/pointwise_fusion.h).
    std::vector<int> group, relus;  // the stacked convs and their ReLUs
    std::vector<const Conv2d*> convs;
    if (relu >= 0 && args.at(0).shape().at(0) == 1 && PointwiseFusion::stackable(*conv)) {
      group = {i};
      relus = {relu};
      convs = {conv};
      for (int j = i + 1; j < n; ++j) {
        if (!need[j] || done[j] || nodes_[j].inputs != node.inputs) continue;
        const auto* sibling = dynamic_cast<const Conv2d*>(nodes_[j].layer.get());
        const int r = sibling && PointwiseFusion::stackable(*sibling) ? fusable_relu(j) : -1;
        if (r < 0) continue;
        group.push_back(j);
        relus.push_back(r);
        convs.push_back(sibling);
      }
    }
    if (group.size() > 1) {
      double flops = 0.0;
      for (const Conv2d* c : convs) flops += layer_flops(*c, args.at(0).shape(), c->output_shape({args.at(0).shape()}));
      const auto t0 = profiling ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
      Variable stacked = fusion_->forward_relu(tape, args.at(0), convs);
      if (profiling)
        stacked = profile::after_layer(tape, PointwiseFusion::name(convs) + "+relu", "Convolution", flops,
                                       ms_since(t0), stacked);
      const std::vector<Variable> parts = PointwiseFusion::split(tape, stacked, convs);
      for (size_t g = 0; g < group.size(); ++g) {
        value[relus[g]] = parts[g];
        done[group[g]] = done[relus[g]] = true;
        release_inputs(group[g]);
        release_inputs(relus[g]);  // its only input, the conv, was never stored
      }
      continue;
    }
    const auto t0 = profiling ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
    if (relu >= 0) {
      value[relu] = conv->forward_relu(tape, args.at(0));
      if (profiling)
        value[relu] = profile::after_layer(tape, node.name + "+relu", "Convolution",
                                           layer_flops(*conv, args.at(0).shape(), value[relu].shape()), ms_since(t0),
                                           value[relu]);
      done[relu] = true;
      release_inputs(i);
      release_inputs(relu);  // its only input, this conv, was never stored
      continue;
    }
    value[i] = node.layer->forward(tape, args);
    if (profiling)
      value[i] = profile::after_layer(tape, node.name, node.layer->kind(),
                                      layer_flops(*node.layer, args.at(0).shape(), value[i].shape()), ms_since(t0),
                                      value[i]);
    done[i] = true;
    release_inputs(i);
  }

  std::map<std::string, Variable> out;
  for (int i : requested) out[nodes_[i].name] = value[i];
  if (want_input) out[kInputName] = input;
  return out;
}

std::vector<BlobGeometry> Graph::geometry(const Shape& input) const {
  std::vector<BlobGeometry> out;
  std::vector<BlobGeometry> g(nodes_.size());
  std::vector<bool> ok(nodes_.size(), false);
  BlobGeometry data{kInputName, input, 1, 1};
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const Node& node = nodes_[i];
    std::vector<Shape> shapes;
    BlobGeometry in_geo{"", {}, 1, 1};
    bool inputs_ok = true;
    for (int j : node.inputs) {
      if (j >= 0 && !ok[j]) inputs_ok = false;
      const BlobGeometry& src = j < 0 ? data : g[j];
      shapes.push_back(src.shape);
      // Branches that meet (Concat) see the union of their inputs' fields.
      in_geo.receptive_field = std::max(in_geo.receptive_field, src.receptive_field);
      in_geo.stride = std::max(in_geo.stride, src.stride);
    }
    if (!inputs_ok) continue;
    try {
      g[i].shape = node.layer->output_shape(shapes);
    } catch (const Error&) {
      continue;
    }
    const Window w = node.layer->window(shapes.at(0));
    g[i].name = node.name;
    g[i].receptive_field = in_geo.receptive_field + (w.kernel - 1) * in_geo.stride;
    g[i].stride = in_geo.stride * w.stride;
    ok[i] = true;
    out.push_back(g[i]);
  }
  return out;
}

}  // namespace dream::nn
