#pragma once
// Which SIMD instruction set the kernels use, chosen once at run time from
// what the CPU reports (a binary built here runs correctly on a CPU without
// AVX-512), and overridable so tests can exercise every path this CPU has.
namespace dream {

enum class SimdLevel { Scalar = 0, Neon = 1, Avx2 = 2, Avx512 = 3 };

// Best level both compiled in and supported by this CPU.
SimdLevel best_simd_level();
// Level the kernels use now (best_simd_level() unless forced).
SimdLevel active_simd_level();
// Force a level (clamped to what the CPU supports); returns the level set.
// Environment DREAM_SIMD=scalar|avx2|avx512|neon does the same at start-up.
SimdLevel force_simd_level(SimdLevel level);
const char* simd_level_name(SimdLevel level);
// Inverse of simd_level_name ("scalar", "neon", "avx2", "avx512"): false and
// *level untouched for any other text. Used for DREAM_SIMD and CLI flags.
bool parse_simd_level(const char* name, SimdLevel* level);
bool cpu_supports(SimdLevel level);

// RAII: force a level for a scope (tests).
class ScopedSimdLevel {
 public:
  explicit ScopedSimdLevel(SimdLevel level) : saved_(active_simd_level()) { force_simd_level(level); }
  ~ScopedSimdLevel() { force_simd_level(saved_); }
  ScopedSimdLevel(const ScopedSimdLevel&) = delete;
  ScopedSimdLevel& operator=(const ScopedSimdLevel&) = delete;

 private:
  SimdLevel saved_;
};

}  // namespace dream
