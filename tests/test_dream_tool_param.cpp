// `dream --param pixel|fft` end to end with the real weights: a bad value or
// an impossible combination gives one line, a non-zero exit and no output
// file; a small fft run from noise writes an image of the requested size.

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "dream/image.h"
#include "tests/dream_tool_testing.h"
#include "tests/googlenet_testing.h"
#include "tests/support/test_paths.h"

using namespace dream;

namespace {

using RunResult = test::DreamRun;

std::string work_dir() { return test::tool_work_dir("test_dream_tool_param"); }

RunResult run_dream(const std::string& args) { return test::run_dream_tool(args, work_dir()); }

std::string model_arg() { return "--model " + test::real_model_path(); }

void check_rejected(const std::string& args, const std::string& expected_text) {
  test::check_dream_rejected(args, work_dir() + "/rejected.png", expected_text, work_dir());
}

}  // namespace

TEST_CASE("dream tool --param: --help lists it with its default") {
  const RunResult r = run_dream("--help");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("--param") != std::string::npos);
  CHECK(r.out.find("pixel") != std::string::npos);
  CHECK(r.out.find("--fft-lr") != std::string::npos);
}

TEST_CASE("dream tool --param: bad values and combinations give one line, non-zero exit, no output") {
  const std::string m = model_arg();
  check_rejected(m + " --from-noise 64x64 --param wavelet", "--param must be pixel or fft, got 'wavelet'");
  const std::string dog = test::darknet_data_dir() + "/dog.jpg";
  test::require_path(dog, "apt-get install darknet");
  check_rejected(dog + " " + m + " --param fft", "--from-noise");
  check_rejected(m + " --from-noise 64x64 --param fft --blur-every 2", "--blur-every");
  check_rejected(m + " --from-noise 64x64 --param fft --zoom-frames 3", "--zoom-frames");
  check_rejected(m + " --from-noise 64x64 --param fft --fft-lr 0", "--fft-lr");
}

TEST_CASE("dream tool --param fft: a small run from noise writes a PNG of the noise size") {
  const std::string out = work_dir() + "/fft.png";
  std::remove(out.c_str());
  const RunResult r = run_dream(model_arg() + " --from-noise 96x80 --param fft --layer inception_3b/output" +
                                " --iterations 3 --quiet -o " + out);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const Image img = load_image(out);
  CHECK(img.width == 96);
  CHECK(img.height == 80);
  // Not flat: the spectrum starts random and three steps add structure.
  const auto [lo, hi] = std::minmax_element(img.pixels.begin(), img.pixels.end());
  CHECK(*hi - *lo > 10);
}
