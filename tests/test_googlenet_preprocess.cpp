// Preprocessing for bvlc_googlenet: the uint8 bilinear resize against
// OpenCV's cv2.resize outputs (tests/fixtures/googlenet/resize_opencv.txt,
// synthetic images both sides compute from one formula), and the BGR /
// mean-subtraction layout against values written out by hand.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "models/image_resize_u8.h"
#include "models/imagenet_preprocess.h"
#include "tests/googlenet_testing.h"

using namespace dream;

namespace {

// The formula of make_opencv_reference.py's synthetic_image(), HWC RGB.
std::vector<uint8_t> synthetic_image(int64_t width, int64_t height) {
  std::vector<uint8_t> img(static_cast<size_t>(width * height * 3));
  for (int64_t y = 0; y < height; ++y)
    for (int64_t x = 0; x < width; ++x)
      for (int64_t c = 0; c < 3; ++c)
        img[static_cast<size_t>((y * width + x) * 3 + c)] =
            static_cast<uint8_t>((x * x * 3 + y * 5 + c * 71 + (x ^ y)) & 255);
  return img;
}

uint64_t fnv1a64(const std::vector<uint8_t>& bytes) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (uint8_t b : bytes) h = (h ^ b) * 0x100000001B3ull;
  return h;
}

}  // namespace

TEST_CASE("uint8 bilinear resize equals OpenCV's cv2.resize INTER_LINEAR byte for byte") {
  std::ifstream in(test::googlenet_fixture("resize_opencv.txt"));
  std::string line;
  int cases = 0, samples = 0;
  std::vector<uint8_t> ours;
  int64_t out_w = 0;
  std::string label;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream f(line);
    if (line.rfind("case", 0) == 0) {
      std::string word, hash;
      int64_t w, h, oh;
      f >> word >> w >> h >> out_w >> oh >> hash;
      label = std::to_string(w) + "x" + std::to_string(h) + " -> " + std::to_string(out_w) + "x" + std::to_string(oh);
      ours = models::resize_bilinear_u8_opencv(synthetic_image(w, h).data(), w, h, 3, out_w, oh);
      REQUIRE(ours.size() == static_cast<size_t>(out_w * oh * 3));
      INFO(label);
      CHECK(std::stoull(hash, nullptr, 16) == fnv1a64(ours));
      ++cases;
      continue;
    }
    int64_t y, x, c;
    int value;
    f >> y >> x >> c >> value;
    REQUIRE(f);
    INFO(label << " at y=" << y << " x=" << x << " c=" << c);
    CHECK(static_cast<int>(ours[static_cast<size_t>((y * out_w + x) * 3 + c)]) == value);
    ++samples;
  }
  CHECK(cases == 4);
  CHECK(samples > 500);
}

TEST_CASE("uint8 resize: identity size, a constant image, bad sizes") {
  const std::vector<uint8_t> img = synthetic_image(31, 17);
  CHECK(models::resize_bilinear_u8_opencv(img.data(), 31, 17, 3, 31, 17) == img);
  const std::vector<uint8_t> grey(40 * 30 * 3, 77);
  for (uint8_t v : models::resize_bilinear_u8_opencv(grey.data(), 40, 30, 3, 224, 224)) REQUIRE(v == 77);
  CHECK_THROWS_AS(models::resize_bilinear_u8_opencv(img.data(), 0, 17, 3, 4, 4), Error);
}

TEST_CASE("Caffe input: BGR planes minus (104, 117, 123), 224x224 passes through unresized") {
  // 2x1 image: pixel 0 = (R,G,B) = (200, 100, 50), pixel 1 = (0, 255, 10).
  const uint8_t rgb[6] = {200, 100, 50, 0, 255, 10};
  const Tensor x = models::caffe_input_from_rgb(rgb, 2, 1);
  REQUIRE(x.shape() == Shape{1, 3, 1, 2});
  CHECK(x.at(0, 0, 0, 0) == 50.0f - 104.0f);
  CHECK(x.at(0, 1, 0, 0) == 100.0f - 117.0f);
  CHECK(x.at(0, 2, 0, 0) == 200.0f - 123.0f);
  CHECK(x.at(0, 0, 0, 1) == 10.0f - 104.0f);
  CHECK(x.at(0, 1, 0, 1) == 255.0f - 117.0f);
  CHECK(x.at(0, 2, 0, 1) == 0.0f - 123.0f);

  const std::vector<uint8_t> img = synthetic_image(224, 224);
  const Tensor a = models::classification_input(img.data(), 224, 224);
  const Tensor b = models::caffe_input_from_rgb(img.data(), 224, 224);
  REQUIRE(a.shape() == Shape{1, 3, 224, 224});
  CHECK(std::equal(a.data(), a.data() + a.numel(), b.data()));
  const std::vector<uint8_t> big = synthetic_image(300, 200);
  CHECK(models::classification_input(big.data(), 300, 200).shape() == Shape{1, 3, 224, 224});
}
