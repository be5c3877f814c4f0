#include "weights/model_path.h"

#include <sys/stat.h>

#include <cstdlib>

#include "tensor/error.h"

#ifndef DREAM_CHECKOUT_DIR
// The checkout's root, for step 4 of the search (set by CMake; "." otherwise).
#define DREAM_CHECKOUT_DIR "."
#endif

namespace dream::weights {
namespace {

bool is_regular_file(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

std::string how_to_get_weights() {
  return "get the weights with `weights/fetch` (downloads BVLC's bvlc_googlenet.caffemodel, checks its SHA-1 and "
         "converts it), or convert a file you have with `dream-convert bvlc_googlenet.caffemodel " +
         (default_model_cache_path().empty() ? std::string(kModelFileName) : default_model_cache_path()) +
         "`, or pass --model FILE";
}

}  // namespace

std::string default_model_cache_path() {
  std::string cache = env("XDG_CACHE_HOME");
  if (cache.empty()) {
    const std::string home = env("HOME");
    if (home.empty()) return "";
    cache = home + "/.cache";
  }
  return cache + "/dream.cpp/" + kModelFileName;
}

std::vector<std::string> model_search_paths(const std::string& explicit_path) {
  if (!explicit_path.empty()) return {explicit_path};
  const std::string from_env = env(kModelEnvVar);
  if (!from_env.empty()) return {from_env};
  std::vector<std::string> paths;
  const std::string cache = default_model_cache_path();
  if (!cache.empty()) paths.push_back(cache);
  paths.push_back(std::string(DREAM_CHECKOUT_DIR) + "/weights/" + kModelFileName);
  return paths;
}

std::string find_model_file(const std::string& explicit_path) {
  if (!explicit_path.empty()) {
    if (!is_regular_file(explicit_path))
      throw Error("--model " + explicit_path + ": no such file; " + how_to_get_weights());
    return explicit_path;
  }
  const std::string from_env = env(kModelEnvVar);
  if (!from_env.empty()) {
    if (!is_regular_file(from_env))
      throw Error(std::string(kModelEnvVar) + "=" + from_env + ": no such file; " + how_to_get_weights());
    return from_env;
  }
  std::string looked;
  for (const std::string& p : model_search_paths("")) {
    if (is_regular_file(p)) return p;
    looked += (looked.empty() ? "" : ", ") + p;
  }
  throw Error("no bvlc_googlenet weights found (looked in " + looked + "); " + how_to_get_weights());
}

}  // namespace dream::weights
