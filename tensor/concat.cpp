// Channel concatenation and its backward, the split. In NCHW each part of one
// image is one contiguous block of C_i * H * W floats, so both directions are
// block copies; threads take (image, part) pairs.
#include "tensor/concat.h"

#include <algorithm>
#include <string>
#include <vector>

#include "tensor/error.h"
#include "tensor/parallel.h"

namespace dream {

namespace {

int64_t total_channels(const std::vector<int64_t>& channels, const char* what) {
  int64_t total = 0;
  for (int64_t c : channels) {
    if (c < 0) throw Error(std::string(what) + ": negative channel count " + std::to_string(c));
    total += c;
  }
  return total;
}

std::vector<int64_t> channels_of(const std::vector<ConcatPart>& parts) {
  std::vector<int64_t> c;
  for (const ConcatPart& part : parts) c.push_back(part.channels);
  return c;
}

// First channel of each part in the concatenated tensor.
std::vector<int64_t> channel_offsets(const std::vector<int64_t>& channels) {
  std::vector<int64_t> offsets(channels.size(), 0);
  for (size_t i = 1; i < channels.size(); ++i) offsets[i] = offsets[i - 1] + channels[i - 1];
  return offsets;
}

}  // namespace

void concat_channels(int64_t n, int64_t hw, const std::vector<ConcatPart>& parts, float* out) {
  std::vector<int64_t> channels = channels_of(parts);
  const int64_t total = total_channels(channels, "concat_channels");
  const std::vector<int64_t> offsets = channel_offsets(channels);
  const int64_t count = int64_t(parts.size());
  parallel_for(n * count, total * hw / std::max<int64_t>(count, 1) + 1, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) {
      const int64_t b = t / count, i = t % count;
      const int64_t block = channels[size_t(i)] * hw;
      const float* src = parts[size_t(i)].data + b * block;
      std::copy(src, src + block, out + (b * total + offsets[size_t(i)]) * hw);
    }
  });
}

void split_channels(int64_t n, int64_t hw, const float* grad_out, const std::vector<int64_t>& channels,
                    const std::vector<float*>& grad_parts) {
  if (channels.size() != grad_parts.size())
    throw Error("split_channels: " + std::to_string(channels.size()) + " channel counts but " +
                std::to_string(grad_parts.size()) + " outputs");
  const int64_t total = total_channels(channels, "split_channels");
  const std::vector<int64_t> offsets = channel_offsets(channels);
  const int64_t count = int64_t(channels.size());
  parallel_for(n * count, total * hw / std::max<int64_t>(count, 1) + 1, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) {
      const int64_t b = t / count, i = t % count;
      if (!grad_parts[size_t(i)]) continue;
      const int64_t block = channels[size_t(i)] * hw;
      const float* src = grad_out + (b * total + offsets[size_t(i)]) * hw;
      std::copy(src, src + block, grad_parts[size_t(i)] + b * block);
    }
  });
}

}  // namespace dream
