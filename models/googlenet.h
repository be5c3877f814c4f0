#pragma once
// bvlc_googlenet (GoogLeNet / Inception v1, ImageNet-1k) with Caffe's exact
// semantics and blob names -- the network of the original DeepDream.
//
// Contract used by dream/ and tools/ (implemented in models/ on top of nn/):
//  * load(path): a safetensors file with our canonical tensor names
//    (weights/README.md); throws dream::Error naming a missing tensor or a
//    shape mismatch.
//  * forward(tape, input, ends): input is 1x3xHxW, preprocessed (BGR, 0..255
//    minus the mean); returns the Variables of the requested blobs and
//    computes nothing past the last of them. Blob names are Caffe's
//    ("inception_4c/output", "conv2/3x3", "pool5/7x7_s1", "loss3/classifier",
//    "prob"); every conv blob also has a pre-ReLU twin named
//    "<blob>/pre_relu" (the TensorFlow notebook dreams on pre-ReLU values).
//    Also accepted: TensorFlow-style aliases ("mixed4c" = inception_4c/output,
//    "mixed4c_pre_relu" ...), see blob_aliases().
//  * One deliberate difference from Caffe: pool5/7x7_s1 is a global average
//    (identical at 224x224, where Caffe's 7x7 kernel covers the 7x7 map), so
//    any input size reaches the classifier.
//  * Weights are constants on the tape: only the input gets a gradient.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "autograd/tape.h"
#include "tensor/tensor.h"

namespace dream::models {

struct BlobInfo {
  std::string name;
  Shape shape;               // for the queried input size, N = 1
  int64_t receptive_field;   // in input pixels (square)
  int64_t stride;            // input pixels per output pixel
};

// Caffe's preprocessing constants for bvlc_googlenet.
struct GoogLeNetPreprocess {
  static constexpr float kMeanB = 104.0f, kMeanG = 117.0f, kMeanR = 123.0f;
};

class GoogLeNet {
 public:
  static GoogLeNet load(const std::string& safetensors_path);
  // The same network with He-initialised random weights (bias 0) and
  // placeholder labels: for benchmarks and shape queries without a weight file.
  static GoogLeNet with_random_weights(uint32_t seed);

  std::map<std::string, autograd::Variable> forward(autograd::Tape& tape, const autograd::Variable& input,
                                                    const std::vector<std::string>& ends) const;

  // Every addressable blob (canonical names, network order) with its shape for
  // a 1x3xHxW input; blobs whose spatial size would fall below 1 are omitted.
  std::vector<BlobInfo> blobs(int64_t height, int64_t width) const;
  bool has_blob(const std::string& name) const;  // canonical name or alias
  std::string canonical_blob_name(const std::string& name) const;  // throws with suggestions if unknown
  // Smallest input side for which `blob` still has spatial size >= 1.
  int64_t min_input_size(const std::string& blob) const;

  const std::vector<std::string>& labels() const;  // 1000 ImageNet labels (from the weight file's metadata)

  GoogLeNet(GoogLeNet&&) noexcept;
  GoogLeNet& operator=(GoogLeNet&&) noexcept;
  ~GoogLeNet();

 private:
  struct Impl;
  explicit GoogLeNet(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dream::models
