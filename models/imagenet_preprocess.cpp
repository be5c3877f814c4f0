#include "models/imagenet_preprocess.h"

#include <string>
#include <vector>

#include "models/googlenet.h"
#include "models/image_resize_u8.h"

namespace dream::models {

Tensor caffe_input_from_rgb(const uint8_t* rgb, int64_t width, int64_t height) {
  if (width < 1 || height < 1)
    throw Error("preprocess: image size must be >= 1x1, got " + std::to_string(width) + "x" + std::to_string(height));
  Tensor x({1, 3, height, width});
  const int64_t plane = height * width;
  // Network channel c reads RGB channel 2 - c (BGR order).
  const float mean[3] = {GoogLeNetPreprocess::kMeanB, GoogLeNetPreprocess::kMeanG, GoogLeNetPreprocess::kMeanR};
  for (int64_t c = 0; c < 3; ++c) {
    float* out = x.data() + c * plane;
    for (int64_t i = 0; i < plane; ++i) out[i] = static_cast<float>(rgb[i * 3 + (2 - c)]) - mean[c];
  }
  return x;
}

Tensor classification_input(const uint8_t* rgb, int64_t width, int64_t height) {
  const int64_t s = kGoogLeNetInputSize;
  if (width == s && height == s) return caffe_input_from_rgb(rgb, width, height);
  std::vector<uint8_t> resized = resize_bilinear_u8_opencv(rgb, width, height, 3, s, s);
  return caffe_input_from_rgb(resized.data(), s, s);
}

}  // namespace dream::models
