// Concatenation along channels and its inverse, the channel slice.
//   concat: parts[i] (N, C_i, H, W) -> y (N, sum C_i, H, W)
//           dL/dparts[i] = channel range i of dL/dy (a view when N = 1, else a
//           split copy; keeps nothing)
//   slice:  x (1, C, H, W) -> y = channels [begin, end) of x, a view sharing x's storage
//           dL/dx = zeros of x's shape with dL/dy added into [begin, end);
//           several slices of one x fill one gradient tensor (accumulate_grad_channels)
#include <string>

#include "autograd/op_support.h"
#include "autograd/ops.h"
#include "tensor/concat.h"

namespace dream::autograd {

Variable concat_channels(Tape& t, const std::vector<Variable>& parts) {
  if (parts.empty()) throw Error("concat_channels: no inputs");
  for (const Variable& v : parts) detail::require_nchw(v, "concat_channels", "input");
  const Shape& first = parts[0].shape();
  std::vector<ConcatPart> spans;
  std::vector<int64_t> channels;
  std::vector<GradSlot> slots;
  int64_t total = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    const Shape& s = parts[i].shape();
    if (s[0] != first[0] || s[2] != first[2] || s[3] != first[3])
      throw Error("concat_channels: input " + std::to_string(i) + " of shape " + shape_string(s) +
                  " does not match input 0 of shape " + shape_string(first) + " in N, H or W");
    spans.push_back({parts[i].value().data(), s[1]});
    channels.push_back(s[1]);
    slots.push_back(parts[i].grad_slot());
    total += s[1];
  }
  const int64_t n = first[0], hw = first[2] * first[3];
  Tensor y = Tensor::uninitialized({n, total, first[2], first[3]});  // every channel is written
  dream::concat_channels(n, hw, spans, y.data());
  return t.record("concat_channels", std::move(y), parts, [n, hw, channels, slots, first](const Tensor& grad_out) {
    if (n == 1) {
      // Each part's gradient is a contiguous channel range of grad_out: hand
      // out views, no copy. Safe with accumulate_grad, which may later add
      // into a cell's tensor in place: the views are disjoint, and once this
      // closure returns nothing else holds grad_out's storage, so a write
      // through one view lands only in that part's own channels.
      int64_t begin = 0;
      for (size_t i = 0; i < slots.size(); ++i) {
        const int64_t end = begin + channels[i];
        if (wants_grad(slots[i])) accumulate_grad(slots[i], grad_out.channels(begin, end));
        begin = end;
      }
      return;
    }
    std::vector<Tensor> grads(slots.size());
    std::vector<float*> dst(slots.size(), nullptr);
    for (size_t i = 0; i < slots.size(); ++i) {
      if (!wants_grad(slots[i])) continue;
      grads[i] = Tensor({n, channels[i], first[2], first[3]});
      dst[i] = grads[i].data();
    }
    split_channels(n, hw, grad_out.data(), channels, dst);
    for (size_t i = 0; i < slots.size(); ++i)
      if (dst[i]) accumulate_grad(slots[i], std::move(grads[i]));
  });
}

Variable slice_channels(Tape& t, const Variable& x, int64_t begin, int64_t end) {
  detail::require_nchw(x, "slice_channels", "input");
  if (x.shape()[0] != 1 || begin < 0 || end > x.shape()[1] || begin >= end)
    throw Error("slice_channels: channels [" + std::to_string(begin) + ", " + std::to_string(end) +
                ") of an input of shape " + shape_string(x.shape()) + " (needs N = 1 and 0 <= begin < end <= C)");
  Tensor y = x.value().channels(begin, end);
  GradSlot xs = x.grad_slot();
  return t.record("slice_channels", std::move(y), {x},
                  [begin, xs](const Tensor& grad_out) { accumulate_grad_channels(xs, begin, grad_out); });
}

}  // namespace dream::autograd
