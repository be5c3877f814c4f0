// SIMD level detection and forcing: levels clamp to what the CPU supports,
// ScopedSimdLevel restores, names round-trip.
#include <catch2/catch.hpp>
#include <cstring>

#include "tensor/cpu_features.h"

namespace dream {

TEST_CASE("best level is supported and scalar always is", "[cpu_features]") {
  CHECK(cpu_supports(SimdLevel::Scalar));
  CHECK(cpu_supports(best_simd_level()));
#if defined(__aarch64__)
  CHECK(best_simd_level() == SimdLevel::Neon);
#elif defined(__x86_64__)
  CHECK_FALSE(cpu_supports(SimdLevel::Neon));
  // The x86 levels nest: AVX-512 hardware runs the AVX2 kernels too.
  if (cpu_supports(SimdLevel::Avx512)) CHECK(cpu_supports(SimdLevel::Avx2));
  CHECK(cpu_supports(SimdLevel::Avx2) == (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")));
#endif
}

TEST_CASE("forcing a level sets it, clamped to what the CPU supports", "[cpu_features]") {
  const SimdLevel saved = active_simd_level();
  CHECK(force_simd_level(SimdLevel::Scalar) == SimdLevel::Scalar);
  CHECK(active_simd_level() == SimdLevel::Scalar);
  for (SimdLevel l : {SimdLevel::Scalar, SimdLevel::Neon, SimdLevel::Avx2, SimdLevel::Avx512}) {
    INFO("requested " << simd_level_name(l));
    const SimdLevel set = force_simd_level(l);
    CHECK(active_simd_level() == set);
    CHECK(cpu_supports(set));
    if (cpu_supports(l))
      CHECK(set == l);
    else
      CHECK(set != l);
  }
  // Asking for more than the CPU has never goes above the best level.
  const SimdLevel top = force_simd_level(SimdLevel::Avx512);
  CHECK(static_cast<int>(top) <= static_cast<int>(best_simd_level()));
  force_simd_level(saved);
  CHECK(active_simd_level() == saved);
}

TEST_CASE("ScopedSimdLevel forces for its scope and restores", "[cpu_features]") {
  const SimdLevel before = active_simd_level();
  {
    ScopedSimdLevel scoped(SimdLevel::Scalar);
    CHECK(active_simd_level() == SimdLevel::Scalar);
    {
      ScopedSimdLevel inner(best_simd_level());
      CHECK(active_simd_level() == best_simd_level());
    }
    CHECK(active_simd_level() == SimdLevel::Scalar);
  }
  CHECK(active_simd_level() == before);
}

TEST_CASE("simd level names", "[cpu_features]") {
  CHECK(std::strcmp(simd_level_name(SimdLevel::Scalar), "scalar") == 0);
  CHECK(std::strcmp(simd_level_name(SimdLevel::Neon), "neon") == 0);
  CHECK(std::strcmp(simd_level_name(SimdLevel::Avx2), "avx2") == 0);
  CHECK(std::strcmp(simd_level_name(SimdLevel::Avx512), "avx512") == 0);
}

TEST_CASE("parse_simd_level reads the names DREAM_SIMD accepts", "[cpu_features]") {
  SimdLevel level = SimdLevel::Avx2;
  for (SimdLevel l : {SimdLevel::Scalar, SimdLevel::Neon, SimdLevel::Avx2, SimdLevel::Avx512}) {
    CHECK(parse_simd_level(simd_level_name(l), &level));
    CHECK(level == l);
  }
  level = SimdLevel::Avx2;
  CHECK_FALSE(parse_simd_level("AVX2", &level));
  CHECK_FALSE(parse_simd_level("sse", &level));
  CHECK_FALSE(parse_simd_level("", &level));
  CHECK_FALSE(parse_simd_level(nullptr, &level));
  CHECK(level == SimdLevel::Avx2);
}

}  // namespace dream
