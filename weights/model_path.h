#pragma once
// Where the tools find the bvlc_googlenet weights. Search order (first hit wins):
//   1. an explicit path (--model FILE): must exist, no fallback;
//   2. the environment variable DREAM_MODEL: must exist, no fallback;
//   3. $XDG_CACHE_HOME/dream.cpp/bvlc_googlenet.safetensors
//      (XDG_CACHE_HOME defaults to $HOME/.cache), where weights/fetch installs;
//   4. <source checkout>/weights/bvlc_googlenet.safetensors.
// When nothing is found the error lists every place looked at and says how to
// get the weights (run weights/fetch, or dream-convert a downloaded file).
#include <string>
#include <vector>

namespace dream::weights {

inline constexpr const char* kModelFileName = "bvlc_googlenet.safetensors";
inline constexpr const char* kModelEnvVar = "DREAM_MODEL";

// The default install location (step 3), "" if neither XDG_CACHE_HOME nor HOME is set.
std::string default_model_cache_path();

// The candidate paths in search order (for messages and tests).
std::vector<std::string> model_search_paths(const std::string& explicit_path);

// The first existing candidate; throws dream::Error explaining how to get
// weights. An explicit path or DREAM_MODEL that does not exist is an error
// of its own (naming the flag / variable) rather than a silent fallback.
std::string find_model_file(const std::string& explicit_path);

}  // namespace dream::weights
