// --max-memory: the size parser, the budget's tile choice (no network), and
// the built `dream` tool on a 2048x2048 image whose peak RSS (measured by the
// kernel for the child process) must stay under the cap.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "dream/image.h"
#include "dream/memory_budget.h"
#include "tensor/error.h"
#include "tests/googlenet_testing.h"
#include "tests/support/test_paths.h"

using namespace dream;

#if defined(__SANITIZE_ADDRESS__)
#define DREAM_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DREAM_TEST_ASAN 1
#endif
#endif

namespace {

constexpr int64_t kMiB = 1024 * 1024;

// A stand-in for the network: 100 floats of activations per tile pixel.
int64_t fake_activations(int64_t th, int64_t tw) { return 4 * 100 * th * tw; }

MemoryRequest request(int64_t h, int64_t w) {
  MemoryRequest r;
  r.height = h;
  r.width = w;
  r.octaves = 1;
  r.min_size = 50;
  r.tile = 512;
  r.activation_bytes = fake_activations;
  return r;
}

}  // namespace

TEST_CASE("parse_memory_size: binary units, fractions, bytes, and clear errors") {
  CHECK(parse_memory_size("--max-memory", "256M") == 256 * kMiB);
  CHECK(parse_memory_size("--max-memory", "256m") == 256 * kMiB);
  CHECK(parse_memory_size("--max-memory", "1G") == 1024 * kMiB);
  CHECK(parse_memory_size("--max-memory", "1.5G") == 1536 * kMiB);
  CHECK(parse_memory_size("--max-memory", "512K") == 512 * 1024);
  CHECK(parse_memory_size("--max-memory", "512KiB") == 512 * 1024);
  CHECK(parse_memory_size("--max-memory", "2GB") == 2048 * kMiB);
  CHECK(parse_memory_size("--max-memory", "1000000") == 1000000);
  CHECK(parse_memory_size("--max-memory", "1000000B") == 1000000);
  for (const char* bad : {"", "M", "abc", "12X", "1.2.3G", "-5M", "0", "0.0G", "1 G", "5MM"}) {
    INFO("input '" << bad << "'");
    try {
      parse_memory_size("--max-memory", bad);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(std::string(e.what()).find("--max-memory") != std::string::npos);
    }
  }
}

TEST_CASE("estimate_peak_memory: fixed + pyramid and full-size images + tile activations, by hand") {
  MemoryModel m;
  m.fixed_bytes = 1000;
  m.full_images = 2.0;
  m.tile_factor = 3.0;
  m.smaller_level_weight = 2.0;
  MemoryRequest r = request(100, 300);
  r.tile = 128;  // 300 -> 3 pieces of 100; 100 -> one piece of 100
  const MemoryEstimate e = estimate_peak_memory(r, m);
  CHECK(e.fixed == 1000);
  // One octave: the base (12 bytes/pixel) + 2 full images + 8-bit RGB.
  CHECK(e.image == 12 * 30000 + 2 * 12 * 30000 + 3 * 30000);
  CHECK(e.tile == 3 * 4 * 100 * 100 * 100);
  CHECK(e.total() == e.fixed + e.image + e.tile);

  // Two octaves at scale 2: the 50x150 level (a quarter of the base) counts twice.
  r.octaves = 2;
  r.octave_scale = 2.0;
  CHECK(estimate_peak_memory(r, m).image == 12 * (30000 + 2 * 7500) + 2 * 12 * 30000 + 3 * 30000);
}

TEST_CASE("choose_tile: the requested tile when it fits, smaller tiles for smaller caps, refusal when impossible") {
  const MemoryRequest r = request(2000, 2000);
  const MemoryModel m;
  const TileChoice roomy = choose_tile(r, 64ll << 30, m);
  REQUIRE(roomy.fits);
  CHECK(roomy.tile == 512);

  int64_t previous = 512;
  for (int64_t cap_mib : {400, 320, 300, 280, 260, 250}) {
    INFO("cap " << cap_mib << " MiB");
    const TileChoice c = choose_tile(r, cap_mib * kMiB, m);
    REQUIRE(c.fits);
    CHECK(c.tile <= previous);
    CHECK(c.estimate.total() <= cap_mib * kMiB);
    CHECK(c.tile >= 100);  // never under 2 x min_size
    // The next larger candidate (+32) must not have fitted: the choice is the largest.
    if (c.tile < 512) {
      MemoryRequest bigger = r;
      bigger.tile = std::min<int64_t>(512, c.tile + 32);
      CHECK(estimate_peak_memory(bigger, m).total() > cap_mib * kMiB);
    }
    previous = c.tile;
  }
  CHECK(previous < 512);

  // The image alone (pyramid + full images) is over the cap: refuse.
  const int64_t image_only = m.fixed_bytes + estimate_peak_memory(r, m).image;
  const TileChoice no = choose_tile(r, image_only - 1, m);
  CHECK_FALSE(no.fits);
  CHECK(no.tile == 100);
  CHECK(no.message.find("--max-memory") != std::string::npos);
  CHECK(no.message.find("2000x2000") != std::string::npos);
  CHECK(no.message.find("smaller image") != std::string::npos);
  CHECK(no.message.find('\n') == std::string::npos);
}

namespace {

std::string work_dir() {
  const std::string d = test::binary_dir() + "/test_dream_memory";
  mkdir(d.c_str(), 0777);
  return d;
}

struct ChildRun {
  int exit_code = -1;
  int64_t max_rss_bytes = 0;
  std::string err;
};

// Runs the built tool directly (no shell, so the rusage is the tool's own).
ChildRun run_tool(const std::vector<std::string>& args) {
  const std::string tool = test::binary_dir() + "/tools/dream";
  test::require_path(tool, "build the dream tool (cmake --build BUILD --target dream)");
  const std::string err_file = work_dir() + "/stderr." + std::to_string(getpid()) + ".txt";
  std::vector<std::string> all{tool};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : all) argv.push_back(&a[0]);
  argv.push_back(nullptr);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int err = open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int null = open("/dev/null", O_WRONLY);
    if (err < 0 || null < 0) _exit(126);
    dup2(null, 1);
    dup2(err, 2);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  struct rusage usage {};
  REQUIRE(wait4(pid, &status, 0, &usage) == pid);
  ChildRun r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.max_rss_bytes = static_cast<int64_t>(usage.ru_maxrss) * 1024;  // Linux: KiB
  std::ifstream in(err_file);
  std::stringstream ss;
  ss << in.rdbuf();
  r.err = ss.str();
  std::remove(err_file.c_str());
  return r;
}

// 2048x2048 smooth colour pattern (12 bytes/pixel as floats: 48 MiB per
// full-size image, so the image part of the budget matters).
std::string large_image() {
  const std::string path = work_dir() + "/large-2048.png";
  if (!test::file_exists(path)) {
    const int64_t n = 2048;
    Tensor rgb({1, 3, n, n});
    for (int64_t c = 0; c < 3; ++c)
      for (int64_t y = 0; y < n; ++y)
        for (int64_t x = 0; x < n; ++x)
          rgb[(c * n + y) * n + x] =
              static_cast<float>(127.5 + 120.0 * std::sin(0.013 * static_cast<double>(x * (c + 1)) +
                                                           0.007 * static_cast<double>(y)));
    const std::string mine = path + "." + std::to_string(getpid()) + ".png";
    save_image(tensor_to_image(rgb), mine);
    if (std::rename(mine.c_str(), path.c_str()) != 0) std::remove(mine.c_str());
  }
  return path;
}

}  // namespace

TEST_CASE("dream --max-memory: a 2048x2048 dream stays under the cap (peak RSS of the child)") {
  const std::string out = work_dir() + "/large-out.png";
  std::remove(out.c_str());
  const int64_t cap = 400 * kMiB;
#if defined(DREAM_TEST_ASAN)
  const char* iterations = "0";  // RSS is not compared (below); skip the minute-long sanitized gradient
#else
  const char* iterations = "1";
#endif
  const ChildRun r = run_tool({large_image(), "-o", out, "--model", test::real_model_path(), "--octaves", "1",
                               "--iterations", iterations, "--max-memory", "400M", "--threads", "2"});
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(test::file_exists(out));
  CHECK(r.err.find("note: --tile") != std::string::npos);  // the default 512 tile did not fit
  std::printf("dream --max-memory %lld MiB on 2048x2048: peak RSS %.1f MiB\n", static_cast<long long>(cap / kMiB),
              static_cast<double>(r.max_rss_bytes) / static_cast<double>(kMiB));
#if defined(DREAM_TEST_ASAN)
  // ASan's shadow memory and quarantine inflate RSS several-fold: the number
  // says nothing about the engine's own memory, so only the run is checked.
  WARN("AddressSanitizer build: peak RSS not compared with the cap");
#else
  CHECK(r.max_rss_bytes < cap);
#endif
  std::remove(out.c_str());
}

TEST_CASE("dream --max-memory: a cap below what the image alone needs is refused in one line, no output") {
  const std::string out = work_dir() + "/refused.png";
  std::remove(out.c_str());
  const ChildRun r = run_tool({large_image(), "-o", out, "--model", test::real_model_path(), "--octaves", "1",
                               "--iterations", "1", "--max-memory", "64M"});
  INFO("stderr: " << r.err);
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("--max-memory") != std::string::npos);
  CHECK(r.err.find("smaller image") != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK_FALSE(test::file_exists(out));
}

TEST_CASE("dream --max-memory: a bad size is one clear line naming the flag") {
  const ChildRun r = run_tool({large_image(), "-o", work_dir() + "/bad.png", "--max-memory", "lots"});
  INFO("stderr: " << r.err);
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("--max-memory") != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}
