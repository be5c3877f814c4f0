#pragma once
// Convolution weights kept in the layout the direct convolution's kernels
// read them in (packed A panels, forward and backward-to-input). Without a
// cache every call re-packs them from the OIHW weights; a dreaming loop runs
// the same layers with the same weights hundreds of times, and on small maps
// (16x16 at 512 input) that re-packing was 30% of a layer's time on 2
// threads.
//
// Winograd's transformed filters are not kept: they are 4x the weights (32 MB
// more peak memory for the default dream, 153 -> 185 MB) and keeping them
// made a 512x512 step only 1-2% faster, within the noise; its transform is
// small next to the layers it runs on (36 tiles and more).
//
// One cache belongs to one set of weights that never changes while the
// cache lives (nn::Conv2d owns one per layer; its weights are fixed at
// construction). Each form is built on first use and kept; the key is the
// form, the SIMD level active at the call (the panel height differs per
// level), the weights' address and the convolution's weight geometry, so a
// different level, stride or weight array gets its own entry, never a stale
// one. Entries are never dropped, so pointers returned stay valid while the
// cache lives. Safe to share between threads.
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>

#include "tensor/conv2d.h"
#include "tensor/scratch_buffer.h"

namespace dream {

enum class WeightForm { DirectForward, DirectBackwardInput };

class Conv2dWeightCache {
 public:
  // The `floats` floats of w (weights of p's shape) in `form`, written by
  // fill(dst) the first time this key is asked for.
  const float* get(WeightForm form, const Conv2dParams& p, const float* w, int64_t floats,
                   const std::function<void(float*)>& fill);

  int64_t bytes() const;  // stored, all forms
  int64_t forms() const;  // entries built so far

 private:
  // Form, SIMD level, weights' address, weight geometry, floats.
  using Key = std::array<int64_t, 14>;
  mutable std::mutex mutex_;
  std::map<Key, ScratchBuffer> forms_;
  int64_t floats_ = 0;
};

// The form for this call: the cache's copy when there is a cache, otherwise
// filled afresh into the calling thread's scratch (`workspace`, re-done on
// every call).
template <class Fill>
const float* weights_in_form(Conv2dWeightCache* cache, WeightForm form, const Conv2dParams& p, const float* w,
                             int64_t floats, float* (*workspace)(int64_t), Fill fill) {
  if (cache) return cache->get(form, p, w, floats, fill);
  float* dst = workspace(floats);
  fill(dst);
  return dst;
}

}  // namespace dream
