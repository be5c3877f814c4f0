#include <string>

#include "tensor/error.h"
#include "tensor/pool.h"

namespace dream {

namespace {

// One spatial axis of the output size (see pool.h for the two rules).
int64_t pooled_extent(int64_t in, int64_t k, int64_t stride, int64_t pad_lo, int64_t pad_hi, bool ceil_mode) {
  int64_t span = in + pad_lo + pad_hi - k;  // >= 0 after validate()
  if (!ceil_mode) return span / stride + 1;
  int64_t out = (span + stride - 1) / stride + 1;
  // Caffe/PyTorch: the last window must start inside the input or its
  // leading padding, never wholly in the trailing padding.
  if ((out - 1) * stride >= in + pad_lo) --out;
  return out;
}

void require(bool ok, const std::string& message) {
  if (!ok) throw Error("pool2d: " + message);
}

}  // namespace

int64_t Pool2dParams::h_out() const { return pooled_extent(h_in, kh, stride_h, pad_top, pad_bottom, ceil_mode); }
int64_t Pool2dParams::w_out() const { return pooled_extent(w_in, kw, stride_w, pad_left, pad_right, ceil_mode); }

void Pool2dParams::validate() const {
  auto s = [](int64_t v) { return std::to_string(v); };
  require(n >= 1 && c >= 1, "n and c must be >= 1 (got n=" + s(n) + ", c=" + s(c) + ")");
  require(h_in >= 1 && w_in >= 1, "h_in and w_in must be >= 1 (got " + s(h_in) + "x" + s(w_in) + ")");
  require(kh >= 1 && kw >= 1, "kernel kh, kw must be >= 1 (got " + s(kh) + "x" + s(kw) + ")");
  require(stride_h >= 1 && stride_w >= 1,
          "stride_h, stride_w must be >= 1 (got " + s(stride_h) + "x" + s(stride_w) + ")");
  require(pad_top >= 0 && pad_bottom >= 0 && pad_left >= 0 && pad_right >= 0, "pads must be >= 0");
  // A pad as large as the kernel would allow windows holding no input pixel
  // (undefined for max, 0/0 for average without padding counted).
  require(pad_top < kh && pad_bottom < kh,
          "pad_top, pad_bottom (" + s(pad_top) + ", " + s(pad_bottom) + ") must be < kh (" + s(kh) + ")");
  require(pad_left < kw && pad_right < kw,
          "pad_left, pad_right (" + s(pad_left) + ", " + s(pad_right) + ") must be < kw (" + s(kw) + ")");
  require(h_in + pad_top + pad_bottom >= kh,
          "kernel height " + s(kh) + " exceeds padded input height " + s(h_in + pad_top + pad_bottom));
  require(w_in + pad_left + pad_right >= kw,
          "kernel width " + s(kw) + " exceeds padded input width " + s(w_in + pad_left + pad_right));
}

}  // namespace dream
