#include "tensor/cpu_features.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <initializer_list>

namespace dream {
namespace {

#if defined(__x86_64__) || defined(_M_X64)
// XGETBV(0): which register states the OS saves on context switch. A CPU may
// report AVX-512 while the OS does not enable the ZMM state (then using ZMM
// registers faults), so the CPUID-based check alone is not enough.
uint64_t os_enabled_xstate() {
  uint32_t eax = 0, edx = 0;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<uint64_t>(edx) << 32) | eax;
}

bool os_has_osxsave() {
  uint32_t eax = 1, ebx = 0, ecx = 0, edx = 0;
  __asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
  return (ecx >> 27) & 1u;  // CPUID.1:ECX.OSXSAVE: XGETBV is usable
}

bool detect_avx2() {
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) return false;
  if (!os_has_osxsave()) return false;
  const uint64_t ymm_state = 0x6;  // XMM (bit 1) + YMM upper halves (bit 2)
  return (os_enabled_xstate() & ymm_state) == ymm_state;
}

bool detect_avx512() {
  if (!detect_avx2()) return false;
  // The AVX-512 kernels use F (arithmetic), DQ/BW/VL (compiled with them).
  if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512dq") ||
      !__builtin_cpu_supports("avx512bw") || !__builtin_cpu_supports("avx512vl"))
    return false;
  const uint64_t zmm_state = 0xE6;  // XMM, YMM, opmask (5), ZMM hi256 (6), hi16 ZMM (7)
  return (os_enabled_xstate() & zmm_state) == zmm_state;
}
#endif

SimdLevel detect_best() {
#if defined(__x86_64__) || defined(_M_X64)
  if (detect_avx512()) return SimdLevel::Avx512;
  if (detect_avx2()) return SimdLevel::Avx2;
  return SimdLevel::Scalar;
#elif defined(__aarch64__)
  return SimdLevel::Neon;  // Advanced SIMD is mandatory on AArch64
#else
  return SimdLevel::Scalar;
#endif
}

SimdLevel clamp_to_supported(SimdLevel level) {
  if (cpu_supports(level)) return level;
  // An unsupported request falls to the best level below it: Avx512 ->
  // Avx2 -> Scalar on x86, Neon -> Scalar elsewhere.
  switch (level) {
    case SimdLevel::Avx512:
      return clamp_to_supported(SimdLevel::Avx2);
    default:
      return SimdLevel::Scalar;
  }
}

SimdLevel initial_level() {
  // An unrecognised DREAM_SIMD value is ignored (the best level is used).
  SimdLevel requested;
  const char* env = std::getenv("DREAM_SIMD");
  if (env != nullptr && parse_simd_level(env, &requested)) return clamp_to_supported(requested);
  return best_simd_level();
}

std::atomic<SimdLevel>& active_level_storage() {
  static std::atomic<SimdLevel> level{initial_level()};
  return level;
}

}  // namespace

SimdLevel best_simd_level() {
  static const SimdLevel best = detect_best();
  return best;
}

bool cpu_supports(SimdLevel level) {
  const SimdLevel best = best_simd_level();
  if (level == SimdLevel::Scalar) return true;
  if (level == SimdLevel::Neon) return best == SimdLevel::Neon;
  // x86 levels are nested: AVX-512 hardware here also has AVX2+FMA.
  if (best == SimdLevel::Neon) return false;
  return static_cast<int>(level) <= static_cast<int>(best);
}

SimdLevel active_simd_level() { return active_level_storage().load(std::memory_order_relaxed); }

SimdLevel force_simd_level(SimdLevel level) {
  const SimdLevel set = clamp_to_supported(level);
  active_level_storage().store(set, std::memory_order_relaxed);
  return set;
}

const char* simd_level_name(SimdLevel level) {
  switch (level) {
    case SimdLevel::Scalar:
      return "scalar";
    case SimdLevel::Neon:
      return "neon";
    case SimdLevel::Avx2:
      return "avx2";
    case SimdLevel::Avx512:
      return "avx512";
  }
  return "unknown";
}

bool parse_simd_level(const char* name, SimdLevel* level) {
  if (name == nullptr) return false;
  for (SimdLevel l : {SimdLevel::Scalar, SimdLevel::Neon, SimdLevel::Avx2, SimdLevel::Avx512}) {
    if (std::strcmp(name, simd_level_name(l)) == 0) {
      *level = l;
      return true;
    }
  }
  return false;
}

}  // namespace dream
