#pragma once
// Caffe / OpenCV preprocessing for bvlc_googlenet, from 8-bit RGB pixels
// (HWC, interleaved, as image loaders return them) to the network input:
//   1x3xHxW float, channel 0 = blue, 0..255 minus the mean (B,G,R) = (104,117,123).
// classification_input() first resizes the whole image (no crop) to 224x224
// exactly as cv2.dnn.blobFromImage(img, 1, (224,224), mean, swapRB=False,
// crop=False) does (models/image_resize_u8.h); an image already 224x224 is
// used unchanged.
#include <cstdint>

#include "tensor/tensor.h"

namespace dream::models {

inline constexpr int64_t kGoogLeNetInputSize = 224;

// rgb: height x width x 3 bytes -> 1x3xHxW, same size.
Tensor caffe_input_from_rgb(const uint8_t* rgb, int64_t width, int64_t height);

// rgb: height x width x 3 bytes -> 1x3x224x224.
Tensor classification_input(const uint8_t* rgb, int64_t width, int64_t height);

}  // namespace dream::models
