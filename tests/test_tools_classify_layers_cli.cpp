// The .npy writer of dream-layers (header bytes as the NumPy format spec gives
// them, data little-endian, no partial file on failure).
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>
#include <sstream>

#include "tensor/error.h"
#include "tests/support/test_paths.h"
#include "tools/cli/npy_writer.h"

using namespace dream;

TEST_CASE("npy header follows the NumPy 1.0 format") {
  // 10 preamble bytes + 65 dict chars + newline = 76, padded to 128: header length 118 = 0x76.
  std::string expected("\x93NUMPY\x01\x00\x76\x00", 10);
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3, 4), }";
  REQUIRE(dict.size() == 65);
  expected += dict + std::string(128 - 10 - 65 - 1, ' ') + "\n";
  CHECK(cli::npy_header({1, 2, 3, 4}) == expected);
  CHECK(cli::npy_header({3}).find("'shape': (3,)") != std::string::npos);
  for (const Shape& s : {Shape{1, 1024, 11, 15}, Shape{1000}, Shape{1, 3, 224, 224}})
    CHECK(cli::npy_header(s).size() % 64 == 0);
}

TEST_CASE("write_npy writes little-endian float32 data after the header, atomically") {
  const std::string path = test::binary_dir() + "/test_npy_" + std::to_string(getpid()) + ".npy";
  const Tensor t({1, 2, 1, 2}, std::vector<float>{1.0f, -2.5f, 0.0f, 3.0e8f});
  cli::write_npy(path, t);
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string bytes = ss.str();
  std::remove(path.c_str());
  const std::string header = cli::npy_header(t.shape());
  REQUIRE(bytes.size() == header.size() + 16);
  CHECK(bytes.compare(0, header.size(), header) == 0);
  // 1.0f = 0x3F800000 little-endian: 00 00 80 3F
  CHECK(static_cast<unsigned char>(bytes[header.size() + 2]) == 0x80);
  CHECK(static_cast<unsigned char>(bytes[header.size() + 3]) == 0x3F);
  float back[4];
  std::memcpy(back, bytes.data() + header.size(), 16);
  CHECK(back[1] == -2.5f);
  CHECK(back[3] == 3.0e8f);

  const std::string bad = "/nonexistent-dir/x.npy";
  CHECK_THROWS_WITH(cli::write_npy(bad, t), Catch::Contains(bad));
  std::ifstream gone(bad + ".tmp");
  CHECK_FALSE(gone.good());
}
