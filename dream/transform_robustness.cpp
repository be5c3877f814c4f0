#include "dream/transform_robustness.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "dream/octave_pyramid.h"
#include "dream/tiled_gradient.h"
#include "tensor/resize.h"

namespace dream {

namespace {

void check_nchw(const Tensor& x, const char* what) {
  if (x.rank() != 4) throw Error(std::string(what) + ": expected NCHW, got " + shape_string(x.shape()));
}

// Bilinear sample positions of a rotation: output (y, x) reads input
// R(-angle) (p - centre) + centre. Calls visit(out_index, in_index, weight)
// for every in-bounds tap.
template <class Visit>
void for_each_rotation_tap(int64_t h, int64_t w, double radians, Visit visit) {
  const double cy = (static_cast<double>(h) - 1.0) / 2.0, cx = (static_cast<double>(w) - 1.0) / 2.0;
  const double c = std::cos(radians), s = std::sin(radians);
  for (int64_t y = 0; y < h; ++y)
    for (int64_t x = 0; x < w; ++x) {
      const double dy = static_cast<double>(y) - cy, dx = static_cast<double>(x) - cx;
      const double sy = c * dy - s * dx + cy, sx = s * dy + c * dx + cx;
      const double fy = std::floor(sy), fx = std::floor(sx);
      const int64_t y0 = static_cast<int64_t>(fy), x0 = static_cast<int64_t>(fx);
      const float ay = static_cast<float>(sy - fy), ax = static_cast<float>(sx - fx);
      const float wy[2] = {1.0f - ay, ay}, wx[2] = {1.0f - ax, ax};
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j) {
          const int64_t yy = y0 + i, xx = x0 + j;
          if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
          visit(y * w + x, yy * w + xx, wy[i] * wx[j]);
        }
    }
}

Tensor resize_adjoint(const Tensor& g, int64_t h_in, int64_t w_in) {
  ResizeParams p;
  p.planes = g.n() * g.c();
  p.h_in = h_in;
  p.w_in = w_in;
  p.h_out = g.h();
  p.w_out = g.w();
  p.validate();
  Tensor out({g.n(), g.c(), h_in, w_in});
  resize_bilinear_backward(p, g.data(), out.data());
  return out;
}

}  // namespace

Tensor pad_image(const Tensor& x, int64_t pad) {
  check_nchw(x, "pad_image");
  return embed_image(x, pad, pad, x.h() + 2 * pad, x.w() + 2 * pad);
}

Tensor crop_image(const Tensor& x, int64_t y0, int64_t x0, int64_t h, int64_t w) {
  check_nchw(x, "crop_image");
  if (y0 < 0 || x0 < 0 || h < 1 || w < 1 || y0 + h > x.h() || x0 + w > x.w())
    throw Error("crop_image: crop " + std::to_string(w) + "x" + std::to_string(h) + " at (" + std::to_string(y0) +
                ", " + std::to_string(x0) + ") is outside " + shape_string(x.shape()));
  return crop_tile(x, Tile{y0, x0, h, w});
}

Tensor embed_image(const Tensor& g, int64_t y0, int64_t x0, int64_t height, int64_t width) {
  check_nchw(g, "embed_image");
  if (y0 < 0 || x0 < 0 || y0 + g.h() > height || x0 + g.w() > width)
    throw Error("embed_image: " + shape_string(g.shape()) + " at (" + std::to_string(y0) + ", " + std::to_string(x0) +
                ") does not fit " + std::to_string(width) + "x" + std::to_string(height));
  Tensor out({g.n(), g.c(), height, width});
  paste_tile(out, g, Tile{y0, x0, g.h(), g.w()});
  return out;
}

Tensor rotate_image(const Tensor& x, double radians) {
  check_nchw(x, "rotate_image");
  const int64_t h = x.h(), w = x.w(), planes = x.n() * x.c();
  Tensor out(x.shape());
  for (int64_t p = 0; p < planes; ++p) {
    const float* in = x.data() + p * h * w;
    float* o = out.data() + p * h * w;
    for_each_rotation_tap(h, w, radians, [&](int64_t oi, int64_t ii, float wt) { o[oi] += wt * in[ii]; });
  }
  return out;
}

Tensor rotate_image_adjoint(const Tensor& g, double radians) {
  check_nchw(g, "rotate_image_adjoint");
  const int64_t h = g.h(), w = g.w(), planes = g.n() * g.c();
  Tensor out(g.shape());
  for (int64_t p = 0; p < planes; ++p) {
    const float* go = g.data() + p * h * w;
    float* gi = out.data() + p * h * w;
    for_each_rotation_tap(h, w, radians, [&](int64_t oi, int64_t ii, float wt) { gi[ii] += wt * go[oi]; });
  }
  return out;
}

double transformed_objective_and_gradient(GradientSource& source, const Tensor& x, const TransformRobustness& t,
                                          int64_t tile, Rng& rng, Tensor& grad) {
  if (!t.any()) return tiled_objective_and_gradient(source, x, tile, grad);
  check_nchw(x, "transformed gradient");
  const int64_t min_size = source.min_input_size();
  // Draw every random number up front so the sequence does not depend on
  // which transforms turn out to be applicable.
  const int64_t jy = rng.uniform_int(0, std::max<int64_t>(t.jitter, 0));
  const int64_t jx = rng.uniform_int(0, std::max<int64_t>(t.jitter, 0));
  const double scale = rng.uniform(1.0 - t.scale_jitter, 1.0 + t.scale_jitter);
  const double angle = rng.uniform(-t.rotate_degrees, t.rotate_degrees) * 3.14159265358979323846 / 180.0;

  Tensor padded = t.pad > 0 ? pad_image(x, t.pad) : x;
  const int64_t ph = padded.h(), pw = padded.w();
  int64_t cy = 0, cx = 0, ch = ph, cw = pw;
  if (t.jitter > 0 && std::min(ph, pw) - t.jitter >= min_size) {
    cy = jy;
    cx = jx;
    ch = ph - t.jitter;
    cw = pw - t.jitter;
  }
  Tensor cropped = (ch == ph && cw == pw) ? padded : crop_image(padded, cy, cx, ch, cw);
  int64_t sh = std::max<int64_t>(1, std::llround(static_cast<double>(ch) * scale));
  int64_t sw = std::max<int64_t>(1, std::llround(static_cast<double>(cw) * scale));
  if (std::min(sh, sw) < min_size) {
    sh = ch;
    sw = cw;
  }
  Tensor scaled = (sh == ch && sw == cw) ? cropped : resize_image(cropped, sh, sw);
  Tensor rotated = angle != 0.0 ? rotate_image(scaled, angle) : scaled;

  Tensor g;
  const double objective = tiled_objective_and_gradient(source, rotated, tile, g);
  if (angle != 0.0) g = rotate_image_adjoint(g, angle);
  if (sh != ch || sw != cw) g = resize_adjoint(g, ch, cw);
  if (ch != ph || cw != pw) g = embed_image(g, cy, cx, ph, pw);
  grad = t.pad > 0 ? crop_image(g, t.pad, t.pad, x.h(), x.w()) : g;
  return objective;
}

}  // namespace dream
