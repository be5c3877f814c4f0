// Reference roll: the formula of roll.h, one element at a time.
#include "tensor/roll.h"

namespace dream {

void roll2d_ref(int64_t planes, int64_t h, int64_t w, int64_t dy, int64_t dx, const float* in, float* out) {
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x) {
        int64_t ys = ((y - dy) % h + h) % h, xs = ((x - dx) % w + w) % w;
        out[(p * h + y) * w + x] = in[(p * h + ys) * w + xs];
      }
}

}  // namespace dream
