#pragma once
// Sibling 1x1 convolutions run as one. Each inception module applies three
// 1x1 convolutions, each followed by its ReLU, to the same input: 1x1,
// 3x3_reduce and 5x5_reduce (64 + 96 + 16 output channels in inception_3a).
// With their weights stacked they are one convolution of 176 channels:
//  - forward reads the input once, in one GEMM of M = 176 rows instead of
//    three narrow ones (M = 16 is memory-bound: 32 FLOP per input float);
//  - backward to the input is one GEMM with K = 176 whose result is already
//    the sum of the three branches' gradients, instead of three GEMMs of
//    K = 64, 96, 16 and two full-size additions.
// Each branch's ReLU blob is then a channel slice (a view) of the stacked
// output, with the same values, so names, objectives and blobs are unchanged;
// only the order in which the backward sums the branches differs (rounding).
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "nn/conv2d.h"

namespace dream::nn {

class PointwiseFusion {
 public:
  // A 1x1, stride-1, unpadded convolution: one that can be stacked.
  static bool stackable(const Conv2d& conv);

  // relu(conv_i(input)) for all convs at once (stackable, same input
  // channels): the stacked output, 1 x (sum of Co) x H x W. The stacked
  // weights are built on first use and kept for the next calls.
  Variable forward_relu(Tape& tape, const Variable& input, const std::vector<const Conv2d*>& convs);
  // The stacked output cut back into each conv's channels, in order (views).
  static std::vector<Variable> split(Tape& tape, const Variable& stacked, const std::vector<const Conv2d*>& convs);
  // "inception_3a/{1x1,3x3_reduce,5x5_reduce}": the group's name for profiles.
  static std::string name(const std::vector<const Conv2d*>& convs);

 private:
  struct Stacked {
    Tensor weight, bias;  // (sum Co, Ci, 1, 1), (sum Co)
  };
  const Stacked& stacked(const std::vector<const Conv2d*>& convs);

  std::mutex mutex_;
  std::map<std::vector<const Conv2d*>, Stacked> cache_;
};

}  // namespace dream::nn
