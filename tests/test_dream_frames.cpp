// Frame sequences: shard selection, per-frame seeds, zoom and blend, and the
// dream tool's flag table and progress formatting.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <set>

#include "dream/frames.h"
#include "dream/image.h"
#include "tests/support/tensor_testing.h"
#include "tests/support/test_paths.h"
#include "tools/cli/dream_flags.h"
#include "tools/cli/flag_parser.h"
#include "tools/cli/progress_bar.h"

using namespace dream;

TEST_CASE("shards: every frame belongs to exactly one shard") {
  for (int64_t n : {1, 2, 3, 7}) {
    std::vector<int> owners(50, 0);
    for (int64_t i = 0; i < n; ++i) {
      const Shard s = parse_shard(std::to_string(i) + "/" + std::to_string(n));
      for (int64_t k = 0; k < 50; ++k)
        if (s.selects(k)) ++owners[static_cast<size_t>(k)];
    }
    for (int c : owners) REQUIRE(c == 1);
  }
  const Shard s = parse_shard("1/3");
  CHECK(s.selects(1));
  CHECK(s.selects(4));
  CHECK_FALSE(s.selects(3));
  for (const char* bad : {"3/3", "1/0", "a/3", "1", "/3", "1/", "-1/3", "1/3/4"})
    CHECK_THROWS_WITH(parse_shard(bad), Catch::Contains("--shard"));
}

TEST_CASE("frame seeds depend only on the run seed and the frame index") {
  std::set<uint64_t> seen;
  for (int64_t k = 0; k < 100; ++k) seen.insert(frame_seed(42, k));
  CHECK(seen.size() == 100);
  CHECK(frame_seed(42, 5) == frame_seed(42, 5));
  CHECK(frame_seed(42, 5) != frame_seed(43, 5));
}

TEST_CASE("zoom frame: factor 1 without rotation is the identity, zoom enlarges about the centre") {
  Tensor img = test::random_tensor({1, 3, 9, 11}, 3, 0.0f, 255.0f);
  Tensor same = zoom_frame(img, 1.0, 0.0);
  CHECK_ALL_CLOSE(same.data(), img.data(), img.numel(), 0.0, 1e-4);
  // Zoom 2x: output (y, x) samples input at centre + (p - centre) / 2.
  Tensor z = zoom_frame(img, 2.0, 0.0);
  CHECK(z.at(0, 1, 4, 5) == Approx(img.at(0, 1, 4, 5)));  // the centre stays
  // (0, 1) -> source (4 - 2, 5 - 2) = (2, 3): integer, exact
  CHECK(z.at(0, 2, 0, 1) == Approx(img.at(0, 2, 2, 3)).margin(1e-3));
}

TEST_CASE("blend mixes the previous output into the frame") {
  Tensor a({1, 3, 2, 2}, 10.0f), b({1, 3, 2, 2}, 20.0f);
  CHECK(blend_frames(a, b, 0.25)[0] == Approx(12.5f));
  CHECK_THROWS_AS(blend_frames(a, Tensor({1, 3, 2, 3}), 0.5), Error);
}

TEST_CASE("frame files of a directory are listed in name order, images only") {
  const std::string dir = test::binary_dir() + "/test_dream_frames_dir";
  mkdir(dir.c_str(), 0777);
  Image img(4, 3);
  for (const char* name : {"b.png", "a.png", "c.jpg"}) save_image(img, dir + "/" + name);
  std::ofstream(dir + "/notes.txt") << "not an image";
  const std::vector<std::string> files = list_frame_files(dir);
  REQUIRE(files.size() == 3);
  CHECK(files[0] == dir + "/a.png");
  CHECK(files[2] == dir + "/c.jpg");
  CHECK(numbered_frame_path("out", 42) == "out/frame_00042.png");
  CHECK_THROWS_AS(list_frame_files(dir + "/missing"), Error);
}

TEST_CASE("images: save/load round trip, temp file renamed, bad files rejected") {
  const std::string dir = test::binary_dir();
  Image img(5, 4);
  for (size_t i = 0; i < img.pixels.size(); ++i) img.pixels[i] = static_cast<uint8_t>(i * 7);
  save_image(img, dir + "/test_dream_roundtrip.png");
  Image back = load_image(dir + "/test_dream_roundtrip.png");
  CHECK(back.width == 5);
  CHECK(back.height == 4);
  CHECK(back.pixels == img.pixels);
  CHECK_THROWS_WITH(load_image(dir + "/does-not-exist.png"), Catch::Contains("does-not-exist.png"));
  std::ofstream(dir + "/test_dream_not_image.png") << "hello";
  CHECK_THROWS_WITH(load_image(dir + "/test_dream_not_image.png"), Catch::Contains("test_dream_not_image.png"));
  CHECK_THROWS_AS(save_image(img, dir + "/no-such-dir/x.png"), Error);
  CHECK_THROWS_AS(save_image(img, dir + "/x.gif"), Error);
  // Pixel <-> network conversions: BGR minus the Caffe mean.
  Tensor x = image_to_network_input(img, caffe_googlenet_transform());
  CHECK(x.at(0, 0, 0, 0) == Approx(img.at(0, 0, 2) - 104.0f));  // channel 0 = blue
  CHECK(x.at(0, 2, 0, 0) == Approx(img.at(0, 0, 0) - 123.0f));  // channel 2 = red
  Image round = network_input_to_image(x, caffe_googlenet_transform());
  CHECK(round.pixels == img.pixels);
}

TEST_CASE("dream flags: --help lists every flag with its default and neurons parse") {
  cli::DreamOptions o;
  cli::FlagParser p("dream", "INPUT", "d");
  cli::add_dream_flags(p, o);
  const std::string help = p.help();
  for (const char* f : {"--layer", "--octaves", "--octave-scale", "--iterations", "--step", "--jitter", "--tile",
                        "--seed", "--from-noise", "--original-colors", "--shard", "--quiet", "--list-layers"})
    CHECK(help.find(f) != std::string::npos);
  CHECK(help.find("inception_4c/output") != std::string::npos);
  CHECK(help.find("(default: 1.4)") != std::string::npos);
  CHECK(cli::parse_neuron("7") == std::vector<int64_t>{7, -1, -1});
  CHECK(cli::parse_neuron("7,2,3") == std::vector<int64_t>{7, 2, 3});
  CHECK_THROWS_AS(cli::parse_neuron("7,2"), Error);
  o.blend = 0.5;
  o.shard = "1/3";
  CHECK_THROWS_WITH(cli::check_option_combinations(o), Catch::Contains("--blend"));
}

TEST_CASE("progress line shows octave, step, rate and ETA") {
  DreamProgress p;
  p.octave = 1;
  p.octaves = 4;
  p.iteration = 4;
  p.iterations = 10;
  p.step_index = 14;
  p.total_steps = 40;
  p.width = 640;
  p.height = 480;
  const std::string line = cli::ProgressBar::render(p, 5.0, 1.0, 10);
  CHECK(line.find("octave 2/4") != std::string::npos);
  CHECK(line.find("step 5/10") != std::string::npos);
  CHECK(line.find("3.00 it/s") != std::string::npos);  // 15 steps in 5 s
  CHECK(line.find("ETA 0:08") != std::string::npos);   // 25 left at 3/s = 8.3 s
  CHECK(cli::ProgressBar::format_duration(3725) == "1:02:05");
}
