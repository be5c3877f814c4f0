#include "models/image_resize_u8.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "tensor/error.h"

namespace dream::models {

namespace {

constexpr int kCoefBits = 11;
constexpr int kCoefScale = 1 << kCoefBits;  // 2048
constexpr int64_t kVectorBlock = 16;        // bytes per OpenCV SSE vector

struct Tap {
  int64_t index;  // first source sample
  int w0, w1;     // fixed-point weights of samples index and index + 1
};

// One axis: OpenCV computes the source position in float from a double scale.
std::vector<Tap> taps(int64_t in, int64_t out, bool clamp_weights) {
  const double scale = static_cast<double>(in) / static_cast<double>(out);
  std::vector<Tap> t(static_cast<size_t>(out));
  for (int64_t d = 0; d < out; ++d) {
    float f = static_cast<float>((static_cast<double>(d) + 0.5) * scale - 0.5);
    int64_t s = static_cast<int64_t>(std::floor(f));
    f -= static_cast<float>(s);
    // Horizontally OpenCV pins positions outside the image to the edge pixel
    // with weight 0; vertically it keeps fy and clamps the row indices.
    if (clamp_weights && s < 0) s = 0, f = 0.0f;
    if (clamp_weights && s >= in - 1) s = in - 1, f = 0.0f;
    const int w0 = static_cast<int>(std::lrint((1.0f - f) * kCoefScale));
    const int w1 = static_cast<int>(std::lrint(f * kCoefScale));
    t[static_cast<size_t>(d)] = {s, w0, w1};
  }
  return t;
}

}  // namespace

std::vector<uint8_t> resize_bilinear_u8_opencv(const uint8_t* src, int64_t width, int64_t height, int64_t channels,
                                               int64_t out_width, int64_t out_height) {
  if (width < 1 || height < 1 || channels < 1 || out_width < 1 || out_height < 1)
    throw Error("resize: sizes must be >= 1 (input " + std::to_string(width) + "x" + std::to_string(height) +
                ", output " + std::to_string(out_width) + "x" + std::to_string(out_height) + ")");
  const std::vector<Tap> xt = taps(width, out_width, true);
  const std::vector<Tap> yt = taps(height, out_height, false);
  const int64_t row = out_width * channels;

  // Horizontal pass over every source row: int32, scale 2048.
  std::vector<int32_t> h(static_cast<size_t>(height * row));
  for (int64_t y = 0; y < height; ++y) {
    const uint8_t* s = src + y * width * channels;
    int32_t* d = h.data() + y * row;
    for (int64_t x = 0; x < out_width; ++x) {
      const Tap& t = xt[static_cast<size_t>(x)];
      const int64_t x1 = std::min(t.index + 1, width - 1);
      for (int64_t c = 0; c < channels; ++c)
        d[x * channels + c] = s[t.index * channels + c] * t.w0 + s[x1 * channels + c] * t.w1;
    }
  }

  std::vector<uint8_t> out(static_cast<size_t>(out_height * row));
  const int64_t vector_end = row - row % kVectorBlock;
  for (int64_t y = 0; y < out_height; ++y) {
    const Tap& t = yt[static_cast<size_t>(y)];
    const int32_t* r0 = h.data() + std::clamp<int64_t>(t.index, 0, height - 1) * row;
    const int32_t* r1 = h.data() + std::clamp<int64_t>(t.index + 1, 0, height - 1) * row;
    uint8_t* d = out.data() + y * row;
    for (int64_t i = 0; i < row; ++i) {
      int32_t v;
      if (i < vector_end) {
        // 16-bit multiply-high of (h >> 4) by the weight, as the SSE path.
        v = ((((r0[i] >> 4) * t.w0) >> 16) + (((r1[i] >> 4) * t.w1) >> 16) + 2) >> 2;
      } else {
        v = static_cast<int32_t>((static_cast<int64_t>(r0[i]) * t.w0 + static_cast<int64_t>(r1[i]) * t.w1 +
                                  (int64_t{1} << (2 * kCoefBits - 1))) >>
                                 (2 * kCoefBits));
      }
      d[i] = static_cast<uint8_t>(std::clamp(v, 0, 255));
    }
  }
  return out;
}

}  // namespace dream::models
