#pragma once
// A network as a list of named blobs, each the output of one layer applied to
// earlier blobs (Caffe's view: layers in order, blobs by name). The input
// blob is "data".
//
// forward(ends) runs only the layers the requested blobs depend on -- nothing
// past the last of them and no branch they do not read -- the
// `net.forward(end=...)` of the original DeepDream. Blobs are dropped as soon
// as no remaining layer reads them, so memory stays near the widest point of
// the network, not its sum.
//
// A convolution whose only reader is a ReLU, and whose own (pre-ReLU) blob is
// not requested, runs with the ReLU fused into it; sibling 1x1 convolutions
// of that kind reading the same blob run as one (nn/pointwise_fusion.h).
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "nn/layer.h"
#include "nn/pointwise_fusion.h"

namespace dream::nn {

struct BlobGeometry {
  std::string name;
  Shape shape;
  int64_t receptive_field = 1;  // input pixels seen by one output pixel (square)
  int64_t stride = 1;           // input pixels between neighbouring output pixels
};

class Graph {
 public:
  static constexpr const char* kInputName = "data";

  // Adds blob `name` = layer(inputs...). Inputs must be "data" or earlier
  // blobs; names must be unique. Throws dream::Error otherwise.
  void add(const std::string& name, std::shared_ptr<const Layer> layer, const std::vector<std::string>& inputs);

  bool has_blob(const std::string& name) const;  // "data" included
  // Every blob except "data", in the order they were added.
  const std::vector<std::string>& blob_names() const { return names_; }
  const Layer& layer(const std::string& name) const;
  std::vector<std::string> inputs_of(const std::string& name) const;

  // The requested blobs' values for `input` (1xCxHxW). Throws dream::Error
  // for an unknown name (listing none; callers resolve names first).
  std::map<std::string, Variable> forward(Tape& tape, const Variable& input,
                                          const std::vector<std::string>& ends) const;
  // The blobs forward(ends) computes, in order (its own bookkeeping, for tests).
  std::vector<std::string> blobs_needed_for(const std::vector<std::string>& ends) const;

  // Shape and receptive field of every blob for an input of shape `input`;
  // blobs that cannot be computed at that size (and those after them) are
  // omitted.
  std::vector<BlobGeometry> geometry(const Shape& input) const;

 private:
  struct Node {
    std::string name;
    std::shared_ptr<const Layer> layer;
    std::vector<int> inputs;     // node indices; -1 is "data"
    std::vector<int> consumers;  // nodes reading this one
  };
  int index_of(const std::string& name) const;  // -1 for "data"; throws if unknown
  std::vector<bool> needed(const std::vector<std::string>& ends) const;

  std::vector<Node> nodes_;
  // Stacked weights of fused sibling convolutions, built on first use.
  std::shared_ptr<PointwiseFusion> fusion_ = std::make_shared<PointwiseFusion>();
  std::vector<std::string> names_;
  std::map<std::string, int> index_;
};

}  // namespace dream::nn
