#pragma once
// Concatenation along channels of NCHW tensors with equal N, H, W.
//   parts[i]: (N, C_i, H, W)  out: (N, sum C_i, H, W)
// The backward is the split: grad_parts[i] = channel slice i of grad_out.
#include <cstdint>
#include <vector>

namespace dream {

struct ConcatPart {
  const float* data;
  int64_t channels;
};

void concat_channels(int64_t n, int64_t hw, const std::vector<ConcatPart>& parts, float* out);
void concat_channels_ref(int64_t n, int64_t hw, const std::vector<ConcatPart>& parts, float* out);
// grad_parts[i] (N, C_i, H, W); a null pointer skips that part.
void split_channels(int64_t n, int64_t hw, const float* grad_out, const std::vector<int64_t>& channels,
                    const std::vector<float*>& grad_parts);

}  // namespace dream
