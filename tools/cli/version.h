#pragma once
// What a tool prints for --version: program version, SIMD level and GEMM
// backend actually chosen on this machine, thread count.
#include <string>

namespace dream::cli {

std::string version_string(const std::string& program);

}  // namespace dream::cli
