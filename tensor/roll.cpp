// Circular shift of planes: each output row is one input row rotated, i.e.
// two block copies. Threads take rows of all planes.
#include "tensor/roll.h"

#include <algorithm>

#include "tensor/parallel.h"

namespace dream {

namespace {
int64_t positive_mod(int64_t a, int64_t m) { return ((a % m) + m) % m; }
}  // namespace

void roll2d(int64_t planes, int64_t h, int64_t w, int64_t dy, int64_t dx, const float* in, float* out) {
  if (planes <= 0 || h <= 0 || w <= 0) return;
  const int64_t sy = positive_mod(dy, h), sx = positive_mod(dx, w);
  parallel_for(planes * h, w, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t plane = r / h, y = r % h;
      const float* src = in + (plane * h + positive_mod(y - sy, h)) * w;
      float* dst = out + r * w;
      // out[x] = src[x - sx]: the row's last sx values come first.
      std::copy(src + (w - sx), src + w, dst);
      std::copy(src, src + (w - sx), dst + sx);
    }
  });
}

}  // namespace dream
