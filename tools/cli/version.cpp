#include "tools/cli/version.h"

#include "tensor/cpu_features.h"
#include "tensor/gemm.h"
#include "tensor/parallel.h"

namespace dream::cli {

std::string version_string(const std::string& program) {
  return program + " (dream.cpp 0.1.0) simd=" + simd_level_name(active_simd_level()) +
         " gemm=" + gemm_backend_name() + " threads=" + std::to_string(max_threads());
}

}  // namespace dream::cli
