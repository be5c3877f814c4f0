#pragma once
// Shared by the GoogLeNet, tool and dream tests: the real bvlc_googlenet
// weights converted once per build directory, reference files of
// ../shared/weights, fixtures.
// Missing data makes the tests FAIL with a message saying what to install.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "models/googlenet.h"
#include "tests/support/test_paths.h"
#include "weights/convert.h"

namespace dream::test {

// ../shared/weights/bvlc_googlenet.caffemodel converted to safetensors in the
// build directory (never committed), converted only if absent, once per
// process. Each process converts to its own file and renames it into place
// (atomic), so test executables running in parallel never see a half-written
// file. Missing weights make the test FAIL with the remedy, not skip.
inline std::string real_model_path() {
  static const std::string path = [] {
    const std::string caffemodel = weights_dir() + "/bvlc_googlenet.caffemodel";
    require_path(caffemodel, "the real bvlc_googlenet weights belong in ../shared/weights (see its README.md)");
    require_path(weights_dir() + "/synset_words.txt", "ImageNet labels belong in ../shared/weights");
    const std::string dst = binary_dir() + "/test_bvlc_googlenet.safetensors";
    if (!file_exists(dst)) {
      const std::string mine = dst + "." + std::to_string(getpid());
      weights::convert_to_safetensors(caffemodel, mine, {});
      if (std::rename(mine.c_str(), dst.c_str()) != 0) std::remove(mine.c_str());
    }
    return dst;
  }();
  return path;
}

inline const models::GoogLeNet& real_googlenet() {
  static const models::GoogLeNet net = models::GoogLeNet::load(real_model_path());
  return net;
}

inline std::string googlenet_fixture(const std::string& name) {
  const std::string path = source_dir() + "/tests/fixtures/googlenet/" + name;
  require_path(path, "made by /usr/bin/python3 tests/fixtures/make_opencv_reference.py");
  return path;
}

struct RankedClass {
  int rank;
  int index;
  double probability;
};

// reference_top5.txt, section "Variant A" (the OpenCV blobFromImage
// preprocessing): photo file name -> its 5 ranked classes.
inline std::map<std::string, std::vector<RankedClass>> read_reference_top5() {
  const std::string path = weights_dir() + "/reference_top5.txt";
  require_path(path, "reference_top5.txt belongs in ../shared/weights");
  std::ifstream in(path);
  std::map<std::string, std::vector<RankedClass>> out;
  std::string line, photo;
  bool in_variant_a = false;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) {
      in_variant_a = line.find("Variant A") != std::string::npos;
      continue;
    }
    if (!in_variant_a || line.empty() || line[0] == '#') continue;
    if (line[0] != ' ') {
      photo = line;
      continue;
    }
    std::istringstream fields(line);
    RankedClass r{};
    fields >> r.rank >> r.index >> r.probability;
    if (fields) out[photo].push_back(r);
  }
  return out;
}

}  // namespace dream::test
