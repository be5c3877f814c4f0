#pragma once
// Image files in and out (the project's one place that talks to stb_image).
//
//  * load_image reads JPEG, PNG, BMP, TGA, PNM (and GIF's first frame, PSD,
//    HDR as stb_image allows) into 8-bit RGB, whatever the file's channel
//    count (grey is replicated, alpha is dropped).
//  * save_image writes PNG or JPEG chosen by the extension (.png, .jpg,
//    .jpeg; case-insensitive). It writes a temporary file beside the target
//    and renames it, so a failure never leaves a half-written image.
//  * Conversions to and from the planar float tensors the engine works on:
//    pixel space is 1x3xHxW RGB in 0..255; a network's input space is the
//    same after channel reordering and mean subtraction (Caffe: BGR minus
//    (104, 117, 123)).
// Errors are dream::Error naming the file.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace dream {

// 8-bit RGB, row-major, interleaved: pixels[(y * width + x) * 3 + c], c = R,G,B.
struct Image {
  int64_t width = 0;
  int64_t height = 0;
  std::vector<uint8_t> pixels;

  Image() = default;
  Image(int64_t w, int64_t h);  // black; throws on w or h < 1
  uint8_t& at(int64_t y, int64_t x, int c) { return pixels[static_cast<size_t>((y * width + x) * 3 + c)]; }
  uint8_t at(int64_t y, int64_t x, int c) const { return pixels[static_cast<size_t>((y * width + x) * 3 + c)]; }
};

// Largest side load_image accepts (guards against absurd headers).
inline constexpr int64_t kMaxImageSide = 32768;

Image load_image(const std::string& path);
// quality: JPEG quality 1..100 (ignored for PNG).
void save_image(const Image& image, const std::string& path, int quality = 95);
// True if save_image knows the extension of path.
bool is_supported_output_extension(const std::string& path);

// 1x3xHxW RGB float in 0..255  <->  Image (rounded, clamped to 0..255).
Tensor image_to_tensor(const Image& image);
Image tensor_to_image(const Tensor& rgb_0_255);

// Mean-subtracted network input in the given channel order.
struct PixelTransform {
  bool bgr = true;                                       // channel 0 of the network input is blue
  std::array<float, 3> mean = {104.0f, 117.0f, 123.0f};  // per network channel, in network order
};
// Caffe bvlc_googlenet: BGR, 0..255 minus (104, 117, 123).
inline PixelTransform caffe_googlenet_transform() { return PixelTransform{}; }

// Image -> 1x3xHxW network input;  network input -> Image (clamped).
Tensor image_to_network_input(const Image& image, const PixelTransform& t);
Image network_input_to_image(const Tensor& x, const PixelTransform& t);
// Pixel-space tensors (RGB 0..255) <-> network space, same shape.
Tensor pixels_to_network(const Tensor& rgb_0_255, const PixelTransform& t);
Tensor network_to_pixels(const Tensor& x, const PixelTransform& t);

}  // namespace dream
