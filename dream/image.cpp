#include "dream/image.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>

#include "tensor/atomic_file.h"

// Declarations only; the implementation is compiled once in stb_impl.cpp.
#include <stb_image.h>
#include <stb_image_write.h>

namespace dream {

namespace {

std::string lower_extension(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  const size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string ext = path.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

void append_bytes(void* context, void* data, int size) {
  auto* out = static_cast<std::vector<unsigned char>*>(context);
  const auto* bytes = static_cast<const unsigned char*>(data);
  out->insert(out->end(), bytes, bytes + size);
}

float clamp_0_255(float v) { return v < 0.0f ? 0.0f : (v > 255.0f ? 255.0f : v); }

void check_rgb_tensor(const Tensor& t, const char* what) {
  if (t.rank() != 4 || t.n() != 1 || t.c() != 3 || t.h() < 1 || t.w() < 1)
    throw Error(std::string(what) + ": expected a 1x3xHxW tensor, got " + shape_string(t.shape()));
}

// Network channel k reads pixel channel source_channel(k).
int source_channel(const PixelTransform& t, int k) { return t.bgr ? 2 - k : k; }

}  // namespace

Image::Image(int64_t w, int64_t h) : width(w), height(h) {
  if (w < 1 || h < 1)
    throw Error("image size must be at least 1x1, got " + std::to_string(w) + "x" + std::to_string(h));
  pixels.assign(static_cast<size_t>(w * h * 3), 0);
}

Image load_image(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw Error("cannot read image '" + path + "': " + std::strerror(errno));
  int w = 0, h = 0, file_channels = 0;
  if (!stbi_info_from_file(f, &w, &h, &file_channels)) {
    std::fclose(f);
    throw Error("cannot read image '" + path + "': not a JPEG/PNG/BMP/TGA/PNM image (" + stbi_failure_reason() + ")");
  }
  if (w < 1 || h < 1 || w > kMaxImageSide || h > kMaxImageSide) {
    std::fclose(f);
    throw Error("cannot read image '" + path + "': size " + std::to_string(w) + "x" + std::to_string(h) +
                " is outside 1.." + std::to_string(kMaxImageSide) + " pixels per side");
  }
  std::unique_ptr<unsigned char, void (*)(void*)> data(stbi_load_from_file(f, &w, &h, &file_channels, 3),
                                                       stbi_image_free);
  std::fclose(f);
  if (!data) throw Error("cannot read image '" + path + "': " + stbi_failure_reason());
  Image image(w, h);
  std::memcpy(image.pixels.data(), data.get(), image.pixels.size());
  return image;
}

bool is_supported_output_extension(const std::string& path) {
  const std::string ext = lower_extension(path);
  return ext == "png" || ext == "jpg" || ext == "jpeg";
}

void save_image(const Image& image, const std::string& path, int quality) {
  if (image.width < 1 || image.height < 1 || image.pixels.size() != static_cast<size_t>(image.width * image.height * 3))
    throw Error("cannot write image '" + path + "': the image is empty or inconsistent");
  if (quality < 1 || quality > 100)
    throw Error("cannot write image '" + path + "': JPEG quality must be 1..100, got " + std::to_string(quality));
  const std::string ext = lower_extension(path);
  std::vector<unsigned char> bytes;
  const int w = static_cast<int>(image.width), h = static_cast<int>(image.height);
  int ok = 0;
  if (ext == "png") {
    ok = stbi_write_png_to_func(append_bytes, &bytes, w, h, 3, image.pixels.data(), w * 3);
  } else if (ext == "jpg" || ext == "jpeg") {
    ok = stbi_write_jpg_to_func(append_bytes, &bytes, w, h, 3, image.pixels.data(), quality);
  } else {
    throw Error("cannot write image '" + path + "': unknown extension (use .png, .jpg or .jpeg)");
  }
  if (!ok) throw Error("cannot write image '" + path + "': encoder failed");
  // A per-process temporary: parallel shards may write beside each other.
  write_file_atomically(
      path, path + ".tmp-" + std::to_string(static_cast<long>(getpid())), "cannot write image '" + path + "'",
      [&bytes](std::FILE* f) { return std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size(); });
}

Tensor image_to_tensor(const Image& image) {
  const int64_t h = image.height, w = image.width, plane = h * w;
  Tensor t({1, 3, h, w});
  float* d = t.data();
  for (int64_t i = 0; i < plane; ++i)
    for (int c = 0; c < 3; ++c) d[c * plane + i] = image.pixels[static_cast<size_t>(i * 3 + c)];
  return t;
}

Image tensor_to_image(const Tensor& rgb) {
  check_rgb_tensor(rgb, "tensor_to_image");
  const int64_t h = rgb.h(), w = rgb.w(), plane = h * w;
  Image image(w, h);
  const float* d = rgb.data();
  for (int64_t i = 0; i < plane; ++i)
    for (int c = 0; c < 3; ++c)
      image.pixels[static_cast<size_t>(i * 3 + c)] = static_cast<uint8_t>(std::lround(clamp_0_255(d[c * plane + i])));
  return image;
}

Tensor pixels_to_network(const Tensor& rgb, const PixelTransform& t) {
  check_rgb_tensor(rgb, "pixels_to_network");
  const int64_t plane = rgb.h() * rgb.w();
  Tensor x(rgb.shape());
  for (int k = 0; k < 3; ++k) {
    const float* src = rgb.data() + source_channel(t, k) * plane;
    float* dst = x.data() + k * plane;
    for (int64_t i = 0; i < plane; ++i) dst[i] = src[i] - t.mean[static_cast<size_t>(k)];
  }
  return x;
}

Tensor network_to_pixels(const Tensor& x, const PixelTransform& t) {
  check_rgb_tensor(x, "network_to_pixels");
  const int64_t plane = x.h() * x.w();
  Tensor rgb(x.shape());
  for (int k = 0; k < 3; ++k) {
    const float* src = x.data() + k * plane;
    float* dst = rgb.data() + source_channel(t, k) * plane;
    for (int64_t i = 0; i < plane; ++i) dst[i] = src[i] + t.mean[static_cast<size_t>(k)];
  }
  return rgb;
}

Tensor image_to_network_input(const Image& image, const PixelTransform& t) {
  return pixels_to_network(image_to_tensor(image), t);
}

Image network_input_to_image(const Tensor& x, const PixelTransform& t) {
  return tensor_to_image(network_to_pixels(x, t));
}

}  // namespace dream
