#include "nn/layer.h"

namespace dream::nn {

void require_input_count(const std::string& layer, size_t expected, size_t got) {
  if (expected != got)
    throw Error(layer + ": expects " + std::to_string(expected) + " input(s), got " + std::to_string(got));
}

}  // namespace dream::nn
