#include "dream/octave_pyramid.h"

#include <algorithm>
#include <cmath>

#include "tensor/resize.h"

namespace dream {

OctavePlan plan_octaves(int64_t height, int64_t width, int octaves, double octave_scale, int64_t min_size) {
  if (octaves < 1) throw Error("octaves must be at least 1, got " + std::to_string(octaves));
  if (!(octave_scale > 1.0) || !std::isfinite(octave_scale))
    throw Error("octave scale must be greater than 1, got " + std::to_string(octave_scale));
  if (height < 1 || width < 1) throw Error("image size must be at least 1x1");
  if (std::min(height, width) < min_size)
    throw Error("image " + std::to_string(width) + "x" + std::to_string(height) + " is smaller than " +
                std::to_string(min_size) + " pixels, the smallest input the chosen layer accepts");
  OctavePlan plan;
  plan.requested = octaves;
  plan.sizes.push_back({height, width});
  for (int i = 1; i < octaves; ++i) {
    const OctaveSize& prev = plan.sizes.back();
    const int64_t h = std::max<int64_t>(1, std::llround(static_cast<double>(prev.height) / octave_scale));
    const int64_t w = std::max<int64_t>(1, std::llround(static_cast<double>(prev.width) / octave_scale));
    if (std::min(h, w) < min_size) {
      plan.truncated = true;
      break;
    }
    plan.sizes.push_back({h, w});
  }
  return plan;
}

Tensor resize_image(const Tensor& image, int64_t height, int64_t width) {
  if (image.rank() != 4) throw Error("resize_image: expected NCHW, got " + shape_string(image.shape()));
  if (image.h() == height && image.w() == width) return image.clone();
  ResizeParams p;
  p.planes = image.n() * image.c();
  p.h_in = image.h();
  p.w_in = image.w();
  p.h_out = height;
  p.w_out = width;
  p.validate();
  Tensor out({image.n(), image.c(), height, width});
  resize_bilinear_forward(p, image.data(), out.data());
  return out;
}

std::vector<Tensor> build_octave_bases(const Tensor& image, const OctavePlan& plan) {
  std::vector<Tensor> bases;
  bases.reserve(plan.sizes.size());
  bases.push_back(image);  // shares the caller's storage: bases are only read (saves a full-size copy)
  for (size_t i = 1; i < plan.sizes.size(); ++i)
    bases.push_back(resize_image(bases.back(), plan.sizes[i].height, plan.sizes[i].width));
  return bases;
}

}  // namespace dream
