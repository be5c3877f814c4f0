// gemm(): argument checks, then the backend chosen once per process (OpenBLAS
// or our blocked SIMD GEMM). The choice is made in one place,
// gemm_detail::choose_gemm_backend(), and can be overridden with DREAM_GEMM
// or set_gemm_backend().
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <string>

#include "tensor/cpu_features.h"
#include "tensor/error.h"
#include "tensor/gemm_backends.h"

namespace dream {
namespace {

// The SIMD level OpenBLAS's kernels use for a core name it reports. Cores we
// do not recognise count as scalar: OpenBLAS's DYNAMIC_ARCH falls back to
// "Prescott" (SSE3 kernels) for CPUs newer than its table, e.g. Debian 12's
// 0.3.21 on recent Xeons, where its SGEMM runs ~10x below this CPU's peak.
SimdLevel blas_core_simd_level(const char* core) {
  if (core == nullptr) return SimdLevel::Scalar;
  std::string name(core);
  for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  const char* avx512_cores[] = {"skylakex", "cooperlake", "sapphirerapids"};
  const char* avx2_cores[] = {"haswell", "zen", "skylake", "excavator"};
  const char* neon_cores[] = {"armv8", "cortex", "neoverse", "thunderx", "falkor", "tsv110", "emag", "a64fx"};
  for (const char* c : avx512_cores)
    if (name.find(c) != std::string::npos) return SimdLevel::Avx512;
  for (const char* c : avx2_cores)
    if (name.find(c) != std::string::npos) return SimdLevel::Avx2;
  for (const char* c : neon_cores)
    if (name.find(c) != std::string::npos) return SimdLevel::Neon;
  return SimdLevel::Scalar;
}

std::atomic<GemmBackend>& backend_storage() {
  static std::atomic<GemmBackend> backend{gemm_detail::choose_gemm_backend(
      gemm_detail::blas_compiled_in(), gemm_detail::blas_core_name(), best_simd_level(), std::getenv("DREAM_GEMM"))};
  return backend;
}

std::string shape_text(const GemmArgs& g) {
  return "m=" + std::to_string(g.m) + " n=" + std::to_string(g.n) + " k=" + std::to_string(g.k) +
         " trans_a=" + std::to_string(g.trans_a) + " trans_b=" + std::to_string(g.trans_b) +
         " lda=" + std::to_string(g.lda) + " ldb=" + std::to_string(g.ldb) + " ldc=" + std::to_string(g.ldc);
}

// Rejects sizes and strides no backend can honour (row-major: a stored
// matrix with C columns needs a row stride >= C).
void check_args(const GemmArgs& g) {
  if (g.m < 0 || g.n < 0 || g.k < 0) throw Error("gemm: negative size (" + shape_text(g) + ")");
  const int64_t a_cols = g.trans_a ? g.m : g.k;
  const int64_t b_cols = g.trans_b ? g.k : g.n;
  const int64_t a_rows = g.trans_a ? g.k : g.m;
  const int64_t b_rows = g.trans_b ? g.n : g.k;
  if (a_rows > 0 && g.lda < (a_cols > 1 ? a_cols : 1))
    throw Error("gemm: lda smaller than A's row (" + shape_text(g) + ")");
  if (b_rows > 0 && g.ldb < (b_cols > 1 ? b_cols : 1))
    throw Error("gemm: ldb smaller than B's row (" + shape_text(g) + ")");
  if (g.m > 0 && g.ldc < (g.n > 1 ? g.n : 1)) throw Error("gemm: ldc smaller than C's row (" + shape_text(g) + ")");
}

}  // namespace

namespace gemm_detail {

// The one backend decision. Order:
//  1. DREAM_GEMM=blas|blocked (blas ignored when OpenBLAS is not built in);
//  2. without OpenBLAS: Blocked;
//  3. OpenBLAS when the kernels it picked for this CPU use at least the SIMD
//     level our blocked GEMM would use (then it is at least as fast: it is
//     more tuned than ours), or when we have no SIMD level at all;
//  4. otherwise Blocked: OpenBLAS runs older kernels than this CPU can
//     (measured on a Xeon with AVX-512 where Debian's 0.3.21 says "Prescott":
//     ~16 GFLOP/s per core against ~130 for the blocked AVX-512 GEMM).
GemmBackend choose_gemm_backend(bool blas_available, const char* blas_core, SimdLevel ours, const char* env) {
  if (env != nullptr) {
    if (std::strcmp(env, "blocked") == 0) return GemmBackend::Blocked;
    if (std::strcmp(env, "blas") == 0 && blas_available) return GemmBackend::Blas;
  }
  if (!blas_available) return GemmBackend::Blocked;
  const SimdLevel theirs = blas_core_simd_level(blas_core);
  if (ours == SimdLevel::Scalar || static_cast<int>(theirs) >= static_cast<int>(ours)) return GemmBackend::Blas;
  return GemmBackend::Blocked;
}

void scale_c_add_bias(const GemmArgs& g) {
  for (int64_t i = 0; i < g.m; ++i) {
    float* row = g.c + i * g.ldc;
    const float b = g.bias ? g.bias[i] : 0.0f;
    for (int64_t j = 0; j < g.n; ++j) row[j] = (g.beta == 0.0f ? 0.0f : g.beta * row[j]) + b;
  }
}

}  // namespace gemm_detail

GemmBackend gemm_backend() { return backend_storage().load(std::memory_order_relaxed); }

void set_gemm_backend(GemmBackend b) {
  if (b == GemmBackend::Blas && !gemm_detail::blas_compiled_in()) b = GemmBackend::Blocked;
  backend_storage().store(b, std::memory_order_relaxed);
}

const char* gemm_backend_name() { return gemm_backend() == GemmBackend::Blas ? "openblas" : "blocked"; }

void gemm(const GemmArgs& g) {
  check_args(g);
  if (g.m == 0 || g.n == 0) return;
  if (gemm_backend() == GemmBackend::Blas) {
    if (g.bias == nullptr) {
      gemm_detail::gemm_blas(g);
      return;
    }
    // cblas has no bias: C = beta * C + bias first, then the product onto it.
    gemm_detail::scale_c_add_bias(g);
    GemmArgs onto = g;
    onto.beta = 1.0f;
    onto.bias = nullptr;
    gemm_detail::gemm_blas(onto);
  } else {
    gemm_blocked(g);
  }
}

}  // namespace dream
