// dream-classify and dream-layers end to end: real files in, real output
// out, bad input rejected with one clear line and a non-zero exit.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "dream/image.h"
#include "models/imagenet_preprocess.h"
#include "tests/googlenet_testing.h"

using namespace dream;

namespace {

struct Run {
  int status;
  std::string out, err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs tools/<tool> with arguments (already shell-quoted where needed).
Run run_tool(const std::string& tool, const std::string& args) {
  const std::string exe = test::binary_dir() + "/tools/" + tool;
  test::require_path(exe, "build the tools (cmake --build)");
  const std::string base = test::binary_dir() + "/test_tools_" + std::to_string(getpid());
  const std::string cmd = "env -u DREAM_MODEL HOME=/nonexistent-home XDG_CACHE_HOME=/nonexistent-cache " + exe + " " +
                          args + " >" + base + ".out 2>" + base + ".err";
  const int raw = std::system(cmd.c_str());
  Run r{WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(base + ".out"), slurp(base + ".err")};
  std::remove((base + ".out").c_str());
  std::remove((base + ".err").c_str());
  return r;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string l;
  while (std::getline(in, l)) out.push_back(l);
  return out;
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> f;
  size_t start = 0, tab;
  while ((tab = line.find('\t', start)) != std::string::npos) {
    f.push_back(line.substr(start, tab - start));
    start = tab + 1;
  }
  f.push_back(line.substr(start));
  return f;
}

std::string model_flag() { return "--model " + test::real_model_path(); }

}  // namespace

TEST_CASE("dream-classify on eagle.jpg prints bald eagle and kite first, in the tab-separated format") {
  const std::string eagle = test::darknet_data_dir() + "/eagle.jpg";
  test::require_path(eagle, "apt-get install darknet (its test photos)");
  const Run r = run_tool("dream-classify", model_flag() + " " + eagle);
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto out = lines(r.out);
  REQUIRE(out.size() == 6);
  CHECK(out[0] == eagle);
  std::vector<int> classes;
  for (int i = 1; i <= 5; ++i) {
    const auto f = split_tabs(out[static_cast<size_t>(i)]);
    REQUIRE(f.size() == 4);
    CHECK(f[0] == std::to_string(i));
    classes.push_back(std::stoi(f[1]));
    CHECK(f[2].size() == 8);  // "0.930361": 6 decimals
  }
  // Reference: 1 = 22 bald eagle (p 0.930), 2 = 21 kite (p 0.067).
  CHECK(classes[0] == 22);
  CHECK(classes[1] == 21);
  CHECK(out[1].find("bald eagle") != std::string::npos);
  CHECK(out[2].find("kite") != std::string::npos);

  const Run top = run_tool("dream-classify", model_flag() + " --top 12 " + eagle + " " + eagle);
  REQUIRE(top.status == 0);
  CHECK(lines(top.out).size() == 26);
}

TEST_CASE("dream-classify and dream-layers reject bad input with one line and a non-zero exit") {
  const std::string eagle = test::darknet_data_dir() + "/eagle.jpg";
  Run r = run_tool("dream-classify", model_flag() + " /nonexistent/photo.jpg");
  CHECK(r.status != 0);
  CHECK(lines(r.err).size() == 1);
  CHECK(r.err.find("/nonexistent/photo.jpg") != std::string::npos);

  r = run_tool("dream-classify", "--model /nonexistent/model.safetensors " + eagle);
  CHECK(r.status != 0);
  CHECK(lines(r.err).size() == 1);
  CHECK(r.err.find("/nonexistent/model.safetensors") != std::string::npos);

  // No --model and nothing in the search path (HOME, XDG_CACHE_HOME, DREAM_MODEL cleared).
  r = run_tool("dream-classify", eagle);
  if (!test::file_exists(test::source_dir() + "/weights/bvlc_googlenet.safetensors")) {
    CHECK(r.status != 0);
    CHECK(lines(r.err).size() == 1);
  }

  r = run_tool("dream-classify", model_flag() + " --top 0 " + eagle);
  CHECK(r.status != 0);
  CHECK(r.err.find("--top") != std::string::npos);
  r = run_tool("dream-classify", "--frobnicate " + eagle);
  CHECK(r.status != 0);
  CHECK(r.err.find("--frobnicate") != std::string::npos);
  r = run_tool("dream-classify", "--help");
  CHECK(r.status == 0);
  CHECK(r.out.find("usage: dream-classify") != std::string::npos);

  r = run_tool("dream-layers", model_flag() + " --input " + eagle + " --dump inception_4c/outptu -o /tmp/x.npy");
  CHECK(r.status != 0);
  CHECK(lines(r.err).size() == 1);
  CHECK(r.err.find("inception_4c/output") != std::string::npos);  // suggested
  r = run_tool("dream-layers", "--size 0x10");
  CHECK(r.status != 0);
  CHECK(r.err.find("--size") != std::string::npos);
  r = run_tool("dream-layers", model_flag() + " --dump conv1/7x7_s2 -o /tmp/x.npy");
  CHECK(r.status != 0);
  CHECK(r.err.find("--input") != std::string::npos);
  r = run_tool("dream-layers", "--help");
  CHECK(r.status == 0);
  CHECK(r.out.find("usage: dream-layers") != std::string::npos);
}

TEST_CASE("dream-layers lists every inception blob with Caffe's shapes at 224x224 and 500x375") {
  struct Expect {
    std::string size, blob, shape;
  };
  const std::vector<Expect> expected = {{"224x224", "conv1/7x7_s2", "1x64x112x112"},
                                        {"224x224", "inception_3a/output", "1x256x28x28"},
                                        {"224x224", "inception_4c/output", "1x512x14x14"},
                                        {"224x224", "inception_5b/output", "1x1024x7x7"},
                                        {"224x224", "prob", "1x1000"},
                                        {"500x375", "pool1/norm1", "1x64x94x125"},
                                        {"500x375", "inception_3b/output", "1x480x47x62"},
                                        {"500x375", "inception_4e/output", "1x832x23x31"},
                                        {"500x375", "inception_5b/output", "1x1024x11x15"},
                                        {"500x375", "pool5/7x7_s1", "1x1024x1x1"},  // global (Caffe: 5x9)
                                        {"500x375", "prob", "1x1000"}};
  for (const std::string size : {"224x224", "500x375"}) {
    const Run r = run_tool("dream-layers", "--size " + size);
    INFO(size << "\n" << r.err);
    REQUIRE(r.status == 0);
    std::map<std::string, std::string> shape_of;
    for (const std::string& l : lines(r.out)) {
      if (l.empty() || l[0] == '#') continue;
      std::istringstream f(l);
      std::string name, shape;
      f >> name >> shape;
      shape_of[name] = shape;
    }
    for (const char* m : {"3a", "3b", "4a", "4b", "4c", "4d", "4e", "5a", "5b"})
      for (const char* b : {"1x1", "3x3_reduce", "3x3", "5x5_reduce", "5x5", "pool", "pool_proj", "output"})
        CHECK(shape_of.count(std::string("inception_") + m + "/" + b) == 1);
    for (const Expect& e : expected)
      if (e.size == size) {
        INFO(e.blob);
        CHECK(shape_of[e.blob] == e.shape);
      }
  }
}

TEST_CASE("dream-layers --dump writes the blob as a .npy that matches the in-process forward") {
  const std::string image_path = test::googlenet_fixture("eagle_224.png");
  const std::string npy = test::binary_dir() + "/test_tools_dump_" + std::to_string(getpid()) + ".npy";
  const Run r = run_tool("dream-layers", model_flag() + " --input " + image_path + " --dump mixed3a -o " + npy);
  INFO(r.err);
  REQUIRE(r.status == 0);
  const std::string bytes = slurp(npy);
  std::remove(npy.c_str());
  REQUIRE(bytes.size() > 10);
  CHECK(bytes.compare(0, 8, std::string("\x93NUMPY\x01\x00", 8)) == 0);
  const size_t header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
  CHECK((10 + header_len) % 64 == 0);
  const std::string header = bytes.substr(10, header_len);
  CHECK(header.find("'descr': '<f4'") != std::string::npos);
  CHECK(header.find("'fortran_order': False") != std::string::npos);
  CHECK(header.find("'shape': (1, 256, 28, 28)") != std::string::npos);
  REQUIRE(bytes.size() == 10 + header_len + 256 * 28 * 28 * 4);

  const Image image = load_image(image_path);
  autograd::Tape tape;
  auto x = tape.constant(models::caffe_input_from_rgb(image.pixels.data(), image.width, image.height));
  const Tensor ref = test::real_googlenet().forward(tape, x, {"inception_3a/output"}).at("inception_3a/output").value();
  CHECK(std::memcmp(bytes.data() + 10 + header_len, ref.data(), static_cast<size_t>(ref.numel()) * 4) == 0);
}
