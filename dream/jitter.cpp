#include "dream/jitter.h"

#include "tensor/roll.h"

namespace dream {

Shift random_shift(Rng& rng, int64_t max_shift) {
  if (max_shift <= 0) return {};
  Shift s;
  s.dx = rng.uniform_int(-max_shift, max_shift);
  s.dy = rng.uniform_int(-max_shift, max_shift);
  return s;
}

Tensor roll_image(const Tensor& image, Shift shift) {
  if (image.rank() != 4) throw Error("roll_image: expected NCHW, got " + shape_string(image.shape()));
  Tensor out(image.shape());
  roll2d(image.n() * image.c(), image.h(), image.w(), shift.dy, shift.dx, image.data(), out.data());
  return out;
}

}  // namespace dream
