#pragma once
// The real bvlc_googlenet for dream tests: ../shared/weights/
// bvlc_googlenet.caffemodel converted once into the build directory with
// the weights library's converter (never committed). Missing weights make
// the test FAIL with the remedy, not skip.
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "tests/support/test_paths.h"
#include "weights/convert.h"

namespace dream::test {

inline std::string converted_googlenet_path() {
  static const std::string path = [] {
    const std::string src = weights_dir() + "/bvlc_googlenet.caffemodel";
    require_path(src, "the shared bvlc_googlenet weights must sit beside the checkout in ../shared/weights");
    const std::string dir = binary_dir() + "/test_dream_weights";
    const std::string dst = dir + "/bvlc_googlenet.safetensors";
    struct stat st {};
    if (stat(dst.c_str(), &st) != 0) {
      mkdir(dir.c_str(), 0777);
      // Tests run in parallel processes: convert to a private name, then
      // rename (atomic), so no process ever reads a half-written file.
      const std::string mine = dir + "/bvlc_googlenet." + std::to_string(getpid()) + ".safetensors";
      weights::convert_to_safetensors(src, mine, weights::ConvertOptions{});
      if (std::rename(mine.c_str(), dst.c_str()) != 0) std::remove(mine.c_str());
    }
    return dst;
  }();
  return path;
}

}  // namespace dream::test
