#pragma once
// Circular shift of NCHW planes (numpy.roll over the last two axes):
//   out[y][x] = in[(y - dy) mod H][(x - dx) mod W]
// Rolling by (-dy, -dx) undoes it, which is also the backward.
//   in, out: (planes, H, W); in != out
#include <cstdint>

namespace dream {

void roll2d(int64_t planes, int64_t h, int64_t w, int64_t dy, int64_t dx, const float* in, float* out);
void roll2d_ref(int64_t planes, int64_t h, int64_t w, int64_t dy, int64_t dx, const float* in, float* out);

}  // namespace dream
