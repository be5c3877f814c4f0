// The `dream` tool end to end on real files: a small dream succeeds and
// writes an image; every bad input gives one clear line, a non-zero exit and
// no output file.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "dream/image.h"
#include "dream/octave_pyramid.h"
#include "tests/dream_tool_testing.h"
#include "tests/googlenet_testing.h"
#include "tests/support/test_paths.h"

using namespace dream;

namespace {

using RunResult = test::DreamRun;

std::string work_dir() { return test::tool_work_dir("test_dream_tool"); }

RunResult run_dream(const std::string& args) { return test::run_dream_tool(args, work_dir()); }

std::string model_arg() { return "--model " + test::real_model_path(); }

// A small copy of Debian's dog photo (the tool then runs in seconds).
std::string small_dog() {
  const std::string path = work_dir() + "/dog-small.png";
  if (!test::file_exists(path)) {
    const std::string src = test::darknet_data_dir() + "/dog.jpg";
    test::require_path(src, "apt-get install darknet");
    const Tensor rgb = image_to_tensor(load_image(src));
    save_image(tensor_to_image(resize_image(rgb, 96, 128)), path);
  }
  return path;
}

void check_rejected(const std::string& args, const std::string& out, const std::string& expected_text) {
  test::check_dream_rejected(args, out, expected_text, work_dir());
}

}  // namespace

TEST_CASE("dream tool: a small dream writes a changed image of the input's size") {
  const std::string out = work_dir() + "/ok.png";
  std::remove(out.c_str());
  const RunResult r = run_dream(small_dog() + " -o " + out + " " + model_arg() + " --octaves 2 --iterations 2 --quiet");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const Image in = load_image(small_dog()), got = load_image(out);
  CHECK(got.width == in.width);
  CHECK(got.height == in.height);
  double diff = 0.0;
  for (size_t i = 0; i < in.pixels.size(); ++i) diff += std::abs(int(in.pixels[i]) - int(got.pixels[i]));
  CHECK(diff / static_cast<double>(in.pixels.size()) > 1.0);
  // JPEG by extension, reproducible with the same seed.
  const std::string jpg = work_dir() + "/ok.jpg";
  REQUIRE(run_dream(small_dog() + " -o " + jpg + " " + model_arg() + " --octaves 1 --iterations 1 -q --quality 80")
              .exit_code == 0);
  CHECK(load_image(jpg).width == in.width);
  const std::string again = work_dir() + "/again.png";
  REQUIRE(
      run_dream(small_dog() + " -o " + again + " " + model_arg() + " --octaves 2 --iterations 2 --quiet").exit_code ==
      0);
  CHECK(load_image(again).pixels == got.pixels);
}

TEST_CASE("dream tool: --help, --version and --list-layers") {
  CHECK(run_dream("--help").exit_code == 0);
  CHECK(run_dream("--version").exit_code == 0);
  CHECK(run_dream("--list-layers " + model_arg()).exit_code == 0);
}

TEST_CASE("dream tool: every bad input gives one line, non-zero exit, no output") {
  const std::string out = work_dir() + "/bad.png";
  const std::string m = model_arg();
  const std::string not_image = work_dir() + "/not-an-image.jpg";
  std::ofstream(not_image) << "this is text";
  check_rejected(work_dir() + "/missing.jpg " + m, out, "missing.jpg");
  check_rejected(not_image + " " + m, out, "not-an-image.jpg");
  check_rejected(small_dog() + " " + m + " --layer inception_4x/output", out, "inception_4");
  check_rejected(small_dog() + " " + m + " --channel 4000", out, "--channel");
  check_rejected(small_dog() + " " + m + " --class 1000", out, "--class");
  check_rejected(small_dog() + " " + m + " --class 'no such animal'", out, "--class");
  check_rejected(m + " --from-noise 0x10", out, "--from-noise");
  check_rejected(m + " --from-noise 100000x100000", out, "--from-noise");
  check_rejected(small_dog() + " " + m + " --tile 0", out, "--tile");
  check_rejected(small_dog() + " " + m + " --octaves 0", out, "--octaves");
  check_rejected(small_dog() + " " + m + " --iteratons 3", out, "--iterations");
  check_rejected(small_dog() + " --model " + work_dir() + "/no-weights.safetensors", out, "no-weights.safetensors");
  check_rejected(small_dog() + " " + m + " --layer inception_5b/output --octaves 1 --tile 16", out, "tile");
  // Output problems: unwritable directory, unknown extension.
  const std::string no_dir = work_dir() + "/no-such-dir/out.png";
  check_rejected(small_dog() + " " + m, no_dir, "no-such-dir");
  check_rejected(small_dog() + " " + m, work_dir() + "/out.gif", "out.gif");
  // Unwritable even for root (a pseudo file system): found before dreaming.
  check_rejected(small_dog() + " " + m, "/proc/dream-test-out.png", "/proc/dream-test-out.png");
}

TEST_CASE("dream tool: a directory run split in 3 shards equals the unsharded run and zoom frames") {
  const std::string frames = work_dir() + "/frames";
  mkdir(frames.c_str(), 0777);
  const Tensor dog_rgb = image_to_tensor(load_image(small_dog()));
  for (int k = 0; k < 4; ++k) {
    // Four different 64x64 crops-by-resize of the dog.
    const Tensor f = resize_image(dog_rgb, 64 + 8 * k, 64 + 8 * k);
    save_image(tensor_to_image(resize_image(f, 64, 64)), frames + "/f" + std::to_string(k) + ".png");
  }
  const std::string flags = " " + model_arg() + " --layer inception_3b/output --octaves 1 --iterations 2 -q --seed 5";
  const std::string whole = work_dir() + "/frames-whole", sharded = work_dir() + "/frames-sharded";
  REQUIRE(run_dream(frames + " -o " + whole + flags).exit_code == 0);
  for (int i = 0; i < 3; ++i)
    REQUIRE(run_dream(frames + " -o " + sharded + flags + " --shard " + std::to_string(i) + "/3").exit_code == 0);
  for (int k = 0; k < 4; ++k) {
    const std::string name = "/f" + std::to_string(k) + ".png";
    INFO(name);
    CHECK(load_image(whole + name).pixels == load_image(sharded + name).pixels);
  }
  CHECK(run_dream(frames + " -o " + sharded + flags + " --shard 1/3 --blend 0.5").exit_code != 0);

  const std::string zoom = work_dir() + "/zoom";
  REQUIRE(run_dream(frames + "/f0.png -o " + zoom + flags + " --zoom-frames 3 --zoom 1.1").exit_code == 0);
  for (int k = 0; k < 3; ++k) CHECK(test::file_exists(zoom + "/frame_0000" + std::to_string(k) + ".png"));
  CHECK(load_image(zoom + "/frame_00001.png").pixels != load_image(zoom + "/frame_00002.png").pixels);
}

TEST_CASE("dream tool: objectives, regularisers and options run end to end on small images") {
  const std::string m = model_arg() + " --octaves 1 --iterations 1 -q";
  const std::string out = work_dir() + "/feature.png";
  const char* variants[] = {
      "--layer inception_4c/output:1 --layer inception_3b/output:0.5",
      "--layer inception_3b/output --objective mean",
      "--layer conv2/3x3/pre_relu",
      "--layer inception_3b/output --neuron 5",
      "--layer inception_3b/output --guide DOG",
      "--original-colors",
      "--lap-norm --tv 0.01 --l2 0.01 --blur-every 1",
      "--robust --layer inception_3b/output",
      "--class 22 --from-noise 224x224 --tile 512",
      // Padded and rescaled by --robust, and a photo not 224x224: pool5 is
      // global, so the classifier is reachable at any size (README example).
      "--class 'bald eagle' --from-noise 224x224 --robust",
      "--class 22",
  };
  for (const char* v : variants) {
    std::string args = v;
    const size_t dog_at = args.find("DOG");
    if (dog_at != std::string::npos) args.replace(dog_at, 3, small_dog());
    const bool noise = args.find("--from-noise") != std::string::npos;
    std::remove(out.c_str());
    const RunResult r = run_dream((noise ? std::string() : small_dog() + " ") + args + " " + m + " -o " + out);
    INFO("dream " << args << "\nstderr: " << r.err);
    CHECK(r.exit_code == 0);
    CHECK(test::file_exists(out));
  }
}

TEST_CASE("dream tool: --profile prints per-layer time summed over every forward/backward pass") {
  const std::string out = work_dir() + "/profiled.png";
  const RunResult r =
      run_dream(small_dog() + " -o " + out + " " + model_arg() + " --octaves 2 --iterations 3 --quiet --profile");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  // 96x128 fits one tile: one pass per step, 2 octaves x 3 iterations.
  CHECK(r.err.find("summed over 6 forward/backward passes") != std::string::npos);
  CHECK(r.err.find("conv2/3x3/pre_relu+relu") != std::string::npos);
  CHECK(r.err.find("inception_4c/output") != std::string::npos);
  CHECK(r.err.find("-- per kind --") != std::string::npos);
  CHECK(r.err.find("\ntotal ") != std::string::npos);
  // Not profiled: no table.
  CHECK(run_dream(small_dog() + " -o " + out + " " + model_arg() + " --octaves 1 --iterations 1 --quiet").err.empty());
}
