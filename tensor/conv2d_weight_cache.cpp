#include "tensor/conv2d_weight_cache.h"

#include <cstdint>

#include "tensor/cpu_features.h"

namespace dream {

const float* Conv2dWeightCache::get(WeightForm form, const Conv2dParams& p, const float* w, int64_t floats,
                                    const std::function<void(float*)>& fill) {
  const Key key{static_cast<int64_t>(form),
                static_cast<int64_t>(active_simd_level()),
                static_cast<int64_t>(reinterpret_cast<std::uintptr_t>(w)),
                p.c_out,
                p.c_in,
                p.kh,
                p.kw,
                p.stride_h,
                p.stride_w,
                p.dil_h,
                p.dil_w,
                p.pad_top,
                p.pad_left,
                floats};
  const std::lock_guard<std::mutex> lock(mutex_);
  auto found = forms_.find(key);
  if (found != forms_.end()) return found->second.get(floats);
  ScratchBuffer& entry = forms_[key];
  float* dst = entry.get(floats);
  try {
    fill(dst);
  } catch (...) {
    forms_.erase(key);  // never keep a half-filled form
    throw;
  }
  floats_ += floats;
  return dst;
}

int64_t Conv2dWeightCache::bytes() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return floats_ * static_cast<int64_t>(sizeof(float));
}

int64_t Conv2dWeightCache::forms() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<int64_t>(forms_.size());
}

}  // namespace dream
