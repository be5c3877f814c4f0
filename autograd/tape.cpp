#include "autograd/tape.h"

#include "tensor/elementwise.h"

namespace dream::autograd {

const Tensor& Variable::value() const {
  if (!value_) throw Error("autograd: use of an undefined Variable");
  return *value_;
}

const Tensor& Variable::grad() const {
  static const Tensor kEmpty;
  return slot_ ? slot_->grad : kEmpty;
}

void Variable::zero_grad() {
  if (slot_) slot_->grad = Tensor();
}

Variable Tape::leaf(Tensor value, bool requires_grad) {
  Variable v;
  v.slot_ = std::make_shared<GradCell>();
  v.slot_->shape = value.shape();
  v.slot_->requires_grad = requires_grad;
  v.slot_->is_leaf = true;
  v.value_ = std::make_shared<Tensor>(std::move(value));
  return v;
}

Variable Tape::record(const char* op_name, Tensor output, const std::vector<Variable>& inputs, BackwardFn backward) {
  bool any = false;
  for (const Variable& in : inputs) any = any || in.requires_grad();
  Variable v;
  v.slot_ = std::make_shared<GradCell>();
  v.slot_->shape = output.shape();
  v.slot_->requires_grad = any;
  v.slot_->is_leaf = false;
  v.value_ = std::make_shared<Tensor>(std::move(output));
  if (any) entries_.push_back({op_name, v.slot_, std::move(backward)});
  return v;
}

void Tape::backward(const Variable& loss) {
  if (loss.value().numel() != 1)
    throw Error("autograd: backward() needs a one-element loss, got shape " + shape_string(loss.shape()));
  if (!loss.requires_grad()) throw Error("autograd: the loss does not depend on any value that requires a gradient");
  accumulate_grad(loss.grad_slot(), Tensor(loss.shape(), 1.0f));
  try {
    for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
      Entry& e = *it;
      if (e.backward && !e.output->grad.empty()) {
        Tensor g = std::move(e.output->grad);
        e.output->grad = Tensor();
        e.backward(g);
      }
      // Release what the closure held (saved activations) as soon as it ran.
      e.backward = nullptr;
    }
  } catch (...) {
    // A half-run tape cannot be resumed: drop it (and the activations it
    // holds) so the error leaves no stale entries behind.
    entries_.clear();
    throw;
  }
  entries_.clear();
}

void Tape::clear() { entries_.clear(); }

std::vector<std::string> Tape::op_names() const {
  std::vector<std::string> names;
  for (const Entry& e : entries_) names.emplace_back(e.op_name);
  return names;
}

void accumulate_grad(const GradSlot& slot, Tensor g) {
  if (!wants_grad(slot)) return;
  if (g.shape() != slot->shape)
    throw Error("autograd: gradient of shape " + shape_string(g.shape()) + " for a value of shape " +
                shape_string(slot->shape));
  if (slot->grad.empty()) {
    slot->grad = std::move(g);
  } else {
    add(g.numel(), slot->grad.data(), g.data(), slot->grad.data());
  }
}

void accumulate_grad_channels(const GradSlot& slot, int64_t begin, const Tensor& g) {
  if (!wants_grad(slot)) return;
  const Shape& full = slot->shape;
  const Shape& part = g.shape();
  if (full.size() != 4 || part.size() != 4 || full[0] != 1 || part[0] != 1 || full[2] != part[2] ||
      full[3] != part[3] || begin < 0 || begin + part[1] > full[1])
    throw Error("autograd: gradient of shape " + shape_string(part) + " for channels from " + std::to_string(begin) +
                " of a value of shape " + shape_string(full));
  if (slot->grad.empty()) slot->grad = Tensor(full);
  Tensor dst = slot->grad.channels(begin, begin + part[1]);
  add(g.numel(), dst.data(), g.data(), dst.data());
}

}  // namespace dream::autograd
