#pragma once
// Reverse-mode automatic differentiation on a tape (a Wengert list).
//
// Every differentiable op runs its forward kernel at once and, if any input
// needs a gradient, appends one entry to the tape: the output's gradient cell
// and a closure that turns the output's gradient into its inputs' gradients.
// Tape::backward(loss) seeds d loss/d loss = 1 and runs the entries in reverse
// order -- the chain rule, one op at a time.
//
// What makes it cheap for DeepDream, where only the input image needs a
// gradient:
//  * an op whose inputs need no gradient records nothing (so nothing after
//    or before the path from the image to the loss is kept);
//  * an op's closure captures only the tensors its backward reads and the
//    gradient *cells* of its inputs, never their values -- e.g. a convolution
//    whose weights are constants keeps its weights but not its input;
//  * a closure checks requires_grad before computing a gradient, so weight
//    and bias gradients of constant parameters are never computed or stored;
//  * each entry is released right after it ran, and gradients of
//    intermediate values are freed once used; only leaves keep theirs.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace dream::autograd {

// Where a value's gradient accumulates. Shared between the value's Variable
// and the closures of the ops that consumed it.
struct GradCell {
  Tensor grad;  // empty until some gradient arrives
  Shape shape;
  bool requires_grad = false;
  bool is_leaf = true;
};
using GradSlot = std::shared_ptr<GradCell>;

// A value in a computation: a tensor plus (maybe) its gradient. Cheap to copy
// (a handle); copies refer to the same value.
class Variable {
 public:
  Variable() = default;
  bool defined() const { return value_ != nullptr; }
  const Tensor& value() const;
  const Shape& shape() const { return value().shape(); }
  const Tensor& grad() const;  // empty tensor if no gradient reached it
  bool requires_grad() const { return slot_ && slot_->requires_grad; }
  const GradSlot& grad_slot() const { return slot_; }
  void zero_grad();  // drop the stored gradient

 private:
  friend class Tape;
  std::shared_ptr<Tensor> value_;
  GradSlot slot_;
};

using BackwardFn = std::function<void(const Tensor& grad_out)>;

class Tape {
 public:
  // Inputs and parameters. A leaf keeps its gradient after backward().
  Variable leaf(Tensor value, bool requires_grad);
  Variable constant(Tensor value) { return leaf(std::move(value), false); }

  // For op implementations: wrap a forward result. The output requires a
  // gradient iff any input does; only then is `backward` stored.
  Variable record(const char* op_name, Tensor output, const std::vector<Variable>& inputs, BackwardFn backward);

  // Runs the tape backwards from a one-element value (the loss).
  void backward(const Variable& loss);
  void clear();                                  // forget every entry
  size_t size() const { return entries_.size(); }  // entries still held
  std::vector<std::string> op_names() const;     // recorded ops, in order

 private:
  struct Entry {
    const char* op_name;
    GradSlot output;
    BackwardFn backward;
  };
  std::vector<Entry> entries_;
};

// For backward closures: add g into the cell (taking ownership of g: pass a
// tensor nobody else writes). No-op when the cell needs no gradient.
void accumulate_grad(const GradSlot& slot, Tensor g);
inline bool wants_grad(const GradSlot& slot) { return slot && slot->requires_grad; }
// For backward closures of channel slices: add g (1 x c x H x W) into
// channels [begin, begin + c) of the cell's gradient (1 x C x H x W), which
// starts as zeros of the cell's shape. Several slices of one value then build
// a single gradient tensor in place instead of one full-size tensor each.
void accumulate_grad_channels(const GradSlot& slot, int64_t begin, const Tensor& g);

}  // namespace dream::autograd
