// Reference concatenation: one element at a time, output index computed
// from (image, channel, pixel). concat.cpp is tested against it.
#include "tensor/concat.h"

namespace dream {

void concat_channels_ref(int64_t n, int64_t hw, const std::vector<ConcatPart>& parts, float* out) {
  int64_t total = 0;
  for (const ConcatPart& part : parts) total += part.channels;
  for (int64_t b = 0; b < n; ++b) {
    int64_t first = 0;  // channel of this part in the output
    for (const ConcatPart& part : parts) {
      for (int64_t c = 0; c < part.channels; ++c)
        for (int64_t i = 0; i < hw; ++i)
          out[(b * total + first + c) * hw + i] = part.data[(b * part.channels + c) * hw + i];
      first += part.channels;
    }
  }
}

}  // namespace dream
