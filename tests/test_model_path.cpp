// The weight search order shared by all tools: --model, DREAM_MODEL, the
// user's cache dir, the checkout's weights/ folder; and the error that tells
// the user how to get weights.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "tests/support/test_paths.h"
#include "tests/weights_testing.h"
#include "weights/model_path.h"

using dream::test::ScratchDir;
using namespace dream::weights;

namespace {

// Sets (or unsets, for nullptr) an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old, had_ = true;
    if (value)
      setenv(name, value, 1);
    else
      unsetenv(name);
  }
  ~ScopedEnv() {
    if (had_)
      setenv(name_.c_str(), old_.c_str(), 1);
    else
      unsetenv(name_.c_str());
  }

 private:
  std::string name_, old_;
  bool had_ = false;
};

bool checkout_has_weights() {
  return dream::test::file_exists(dream::test::source_dir() + "/weights/bvlc_googlenet.safetensors");
}

}  // namespace

TEST_CASE("model search order: --model, DREAM_MODEL, cache dir, checkout") {
  ScratchDir dir;
  const std::string explicit_file = dir.file("mine.safetensors");
  const std::string env_file = dir.file("env.safetensors");
  dream::test::write_text(explicit_file, "x");
  dream::test::write_text(env_file, "x");
  std::filesystem::create_directories(dir.file("cache/dream.cpp"));
  const std::string cached = dir.file("cache/dream.cpp/bvlc_googlenet.safetensors");
  dream::test::write_text(cached, "x");

  ScopedEnv xdg("XDG_CACHE_HOME", dir.file("cache").c_str());
  {
    ScopedEnv model("DREAM_MODEL", env_file.c_str());
    CHECK(find_model_file(explicit_file) == explicit_file);  // the flag wins over everything
    CHECK(find_model_file("") == env_file);                  // then the environment
  }
  ScopedEnv no_model("DREAM_MODEL", nullptr);
  CHECK(default_model_cache_path() == cached);
  CHECK(find_model_file("") == cached);  // then the cache dir
  const auto paths = model_search_paths("");
  REQUIRE(paths.size() == 2);
  CHECK(paths[0] == cached);
  CHECK(paths[1] == dream::test::source_dir() + "/weights/bvlc_googlenet.safetensors");
}

TEST_CASE("model search: XDG_CACHE_HOME defaults to ~/.cache") {
  ScopedEnv xdg("XDG_CACHE_HOME", nullptr);
  ScopedEnv home("HOME", "/home/someone");
  CHECK(default_model_cache_path() == "/home/someone/.cache/dream.cpp/bvlc_googlenet.safetensors");
}

TEST_CASE("model search errors say where we looked and how to get weights") {
  ScratchDir dir;
  ScopedEnv xdg("XDG_CACHE_HOME", dir.file("empty-cache").c_str());
  {
    ScopedEnv model("DREAM_MODEL", nullptr);
    CHECK_THROWS_WITH(find_model_file(dir.file("nope.safetensors")), Catch::Contains("--model") &&
                                                                         Catch::Contains("nope.safetensors") &&
                                                                         Catch::Contains("weights/fetch"));
    if (!checkout_has_weights())
      CHECK_THROWS_WITH(find_model_file(""), Catch::Contains("empty-cache/dream.cpp/bvlc_googlenet.safetensors") &&
                                                 Catch::Contains("weights/fetch") && Catch::Contains("dream-convert"));
  }
  // A DREAM_MODEL that does not exist is an error, not a silent fallback.
  ScopedEnv model("DREAM_MODEL", dir.file("gone.safetensors").c_str());
  CHECK_THROWS_WITH(find_model_file(""), Catch::Contains("DREAM_MODEL=") && Catch::Contains("gone.safetensors"));
}
