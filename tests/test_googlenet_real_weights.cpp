// bvlc_googlenet with its real weights against independent engines:
//  * full network: top-5 classes and probabilities of every darknet photo vs
//    ../shared/weights/reference_top5.txt (four engines agree on it), fed the
//    exact 224x224 input the reference used (tests/fixtures/googlenet/*_224.png);
//  * layer by layer: activations vs OpenCV DNN (layers_dog_224.txt);
//  * end to end from the JPEG (our stb decode + OpenCV-exact resize), where
//    only the JPEG decoder differs from the reference, with a looser bound.
#include <dirent.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <numeric>
#include <sstream>

#include "dream/image.h"
#include "models/imagenet_preprocess.h"
#include "tests/googlenet_testing.h"

using namespace dream;

namespace {

std::vector<std::string> darknet_photos() {
  test::require_path(test::darknet_data_dir() + "/eagle.jpg", "apt-get install darknet (its test photos)");
  std::vector<std::string> names;
  DIR* dir = opendir(test::darknet_data_dir().c_str());
  REQUIRE(dir != nullptr);
  while (dirent* e = readdir(dir)) {
    std::string n = e->d_name;
    if (n.size() > 4 && n.compare(n.size() - 4, 4, ".jpg") == 0) names.push_back(n.substr(0, n.size() - 4));
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

Tensor probabilities(const Tensor& input) {
  autograd::Tape tape;
  auto x = tape.constant(input);
  return test::real_googlenet().forward(tape, x, {"prob"}).at("prob").value();
}

std::vector<int> top_k(const Tensor& prob, int k) {
  std::vector<int> order(static_cast<size_t>(prob.numel()));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&prob](int a, int b) { return prob[a] > prob[b]; });
  order.resize(static_cast<size_t>(k));
  return order;
}

}  // namespace

TEST_CASE("GoogLeNet top-5 of every darknet photo equals the reference, probabilities within 1e-3") {
  const auto reference = test::read_reference_top5();
  const auto photos = darknet_photos();
  REQUIRE(photos.size() >= 7);
  for (const std::string& photo : photos) {
    INFO("photo " << photo << ".jpg");
    REQUIRE(reference.count(photo + ".jpg") == 1);
    const auto& ref = reference.at(photo + ".jpg");
    REQUIRE(ref.size() == 5);
    const Image image = load_image(test::googlenet_fixture(photo + "_224.png"));
    REQUIRE(image.width == 224);
    const Tensor prob = probabilities(models::classification_input(image.pixels.data(), image.width, image.height));
    REQUIRE(prob.shape() == Shape{1, 1000});
    const std::vector<int> ours = top_k(prob, 5);
    for (int r = 0; r < 5; ++r) {
      INFO("rank " << r + 1 << ": ours class " << ours[r] << " p=" << prob[ours[r]] << ", reference class "
                   << ref[r].index << " p=" << ref[r].probability);
      CHECK(ours[r] == ref[r].index);
      CHECK(std::fabs(prob[ref[r].index] - ref[r].probability) <= 1e-3);
    }
    CHECK(std::accumulate(prob.data(), prob.data() + 1000, 0.0) == Approx(1.0).epsilon(1e-5));
  }
}

TEST_CASE("GoogLeNet from the JPEG files (stb decode + our resize) keeps top-1 and nearly the same top-5") {
  // stb_image and libjpeg decode the same JPEG up to 3 levels apart, which
  // moves probabilities by up to ~7e-3 and may swap the near-tied 5th class.
  const auto reference = test::read_reference_top5();
  for (const std::string& photo : darknet_photos()) {
    INFO("photo " << photo << ".jpg");
    const auto& ref = reference.at(photo + ".jpg");
    const Image image = load_image(test::darknet_data_dir() + "/" + photo + ".jpg");
    const Tensor prob = probabilities(models::classification_input(image.pixels.data(), image.width, image.height));
    const std::vector<int> ours = top_k(prob, 5);
    CHECK(ours[0] == ref[0].index);
    CHECK(std::fabs(prob[ref[0].index] - ref[0].probability) <= 1e-2);
    int shared = 0;
    for (const auto& r : ref) shared += std::count(ours.begin(), ours.end(), r.index) > 0;
    CHECK(shared >= 4);
  }
}

TEST_CASE("GoogLeNet activations match OpenCV DNN layer by layer on the dog photo") {
  struct Sample {
    int64_t c, y, x;
    double value;
  };
  std::map<std::string, std::vector<Sample>> samples;
  std::ifstream in(test::googlenet_fixture("layers_dog_224.txt"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream f(line);
    std::string blob;
    Sample s{};
    f >> blob >> s.c >> s.y >> s.x >> s.value;
    REQUIRE(f);
    samples[blob].push_back(s);
  }
  REQUIRE(samples.size() == 6);

  const Image image = load_image(test::googlenet_fixture("dog_224.png"));
  autograd::Tape tape;
  auto x = tape.constant(models::caffe_input_from_rgb(image.pixels.data(), image.width, image.height));
  std::vector<std::string> ends;
  for (const auto& s : samples) ends.push_back(s.first);
  const auto values = test::real_googlenet().forward(tape, x, ends);
  // The fused conv+ReLU path (pre-ReLU value not requested) must agree too.
  const auto fused = test::real_googlenet().forward(tape, x, {"conv1/7x7_s2"});

  for (const auto& [blob, list] : samples) {
    // Tolerance: relative 1e-4, plus an absolute 1e-4 of the blob's largest
    // sampled magnitude (values near 0 -- sums of large terms that cancel --
    // cannot be compared relatively).
    double scale = 0;
    for (const Sample& s : list) scale = std::max(scale, std::fabs(s.value));
    const double atol = 1e-4 * scale;
    for (int pass = 0; pass < (blob == "conv1/7x7_s2" ? 2 : 1); ++pass) {
      const Tensor t = (pass == 0 ? values : fused).at(blob).value();
      int bad = 0;
      double worst = 0;
      for (const Sample& s : list) {
        const double ours = t.rank() == 2 ? t[s.c] : t.at(0, s.c, s.y, s.x);
        const double err = std::fabs(ours - s.value);
        worst = std::max(worst, err);
        if (err > 1e-4 * std::fabs(s.value) + atol) ++bad;
      }
      INFO(blob << (pass ? " (fused conv+ReLU)" : "") << ": " << list.size() << " samples, scale " << scale
                << ", worst |diff| " << worst << ", allowed 1e-4*|ref| + " << atol);
      CHECK(bad == 0);
    }
  }
}

TEST_CASE("GoogLeNet::load reads the weights in place from the mapped file instead of copying them") {
  const std::string path = test::real_model_path();
  const int64_t live_before = tensor_memory_stats().live_bytes;
  models::GoogLeNet net = models::GoogLeNet::load(path);
  const int64_t allocated = tensor_memory_stats().live_bytes - live_before;
  INFO("tensor bytes allocated by load: " << allocated);
  CHECK(allocated < (1 << 20));  // the parameters alone are ~28 MB
  // A forward pass through every borrowed weight (the top-5 tests above check the values).
  autograd::Tape tape;
  const Tensor prob = net.forward(tape, tape.constant(Tensor({1, 3, 224, 224}, 0.0f)), {"prob"}).at("prob").value();
  float sum = 0;
  for (int64_t i = 0; i < prob.numel(); ++i) sum += prob[i];
  CHECK(sum == Approx(1.0f).epsilon(1e-4));
}
