#pragma once
// Point-wise layers without parameters: ReLU and Softmax (over the last axis
// of (N, K)). Caffe's Dropout is the identity at inference and in place
// (its top is its bottom), so it adds no blob and has no layer here.
#include <string>

#include "nn/layer.h"

namespace dream::nn {

class ReLU : public Layer {
 public:
  explicit ReLU(std::string name) : name_(std::move(name)) {}
  std::string kind() const override { return "ReLU"; }
  Variable forward(Tape& tape, const std::vector<Variable>& inputs) const override;
  Shape output_shape(const std::vector<Shape>& inputs) const override;

 private:
  std::string name_;
};

class Softmax : public Layer {
 public:
  explicit Softmax(std::string name) : name_(std::move(name)) {}
  std::string kind() const override { return "Softmax"; }
  Variable forward(Tape& tape, const std::vector<Variable>& inputs) const override;
  Shape output_shape(const std::vector<Shape>& inputs) const override;

 private:
  std::string name_;
};

}  // namespace dream::nn
