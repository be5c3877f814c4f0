// Conv2dParams::validate(): reject shapes the kernels cannot run, with a
// message that names the bad field, its value and the whole configuration.
#include <sstream>
#include <string>

#include "tensor/conv2d.h"
#include "tensor/error.h"

namespace dream {
namespace {

std::string describe(const Conv2dParams& p) {
  std::ostringstream s;
  s << "in " << p.n << "x" << p.c_in << "x" << p.h_in << "x" << p.w_in << ", weight " << p.c_out << "x" << p.c_in << "x"
    << p.kh << "x" << p.kw << ", stride " << p.stride_h << "x" << p.stride_w << ", dilation " << p.dil_h << "x"
    << p.dil_w << ", pads (top " << p.pad_top << ", left " << p.pad_left << ", bottom " << p.pad_bottom << ", right "
    << p.pad_right << ")";
  return s.str();
}

[[noreturn]] void fail(const Conv2dParams& p, const std::string& what) {
  throw Error("conv2d: " + what + " (" + describe(p) + ")");
}

void require_positive(const Conv2dParams& p, const char* field, int64_t value) {
  if (value < 1) fail(p, std::string(field) + " = " + std::to_string(value) + " must be >= 1");
}

void require_non_negative(const Conv2dParams& p, const char* field, int64_t value) {
  if (value < 0) fail(p, std::string(field) + " = " + std::to_string(value) + " must be >= 0");
}

}  // namespace

void Conv2dParams::validate() const {
  require_positive(*this, "n", n);
  require_positive(*this, "c_in", c_in);
  require_positive(*this, "h_in", h_in);
  require_positive(*this, "w_in", w_in);
  require_positive(*this, "c_out", c_out);
  require_positive(*this, "kh", kh);
  require_positive(*this, "kw", kw);
  require_positive(*this, "stride_h", stride_h);
  require_positive(*this, "stride_w", stride_w);
  require_positive(*this, "dil_h", dil_h);
  require_positive(*this, "dil_w", dil_w);
  require_non_negative(*this, "pad_top", pad_top);
  require_non_negative(*this, "pad_left", pad_left);
  require_non_negative(*this, "pad_bottom", pad_bottom);
  require_non_negative(*this, "pad_right", pad_right);
  // The dilated kernel must fit in the padded input at least once; checked
  // before calling h_out()/w_out(), whose floor division would round a
  // negative numerator towards zero and report a bogus output of 1.
  const int64_t span_h = dil_h * (kh - 1) + 1, span_w = dil_w * (kw - 1) + 1;
  if (h_in + pad_top + pad_bottom < span_h)
    fail(*this, "h_out < 1: dilated kernel height " + std::to_string(span_h) + " exceeds padded input height " +
                    std::to_string(h_in + pad_top + pad_bottom));
  if (w_in + pad_left + pad_right < span_w)
    fail(*this, "w_out < 1: dilated kernel width " + std::to_string(span_w) + " exceeds padded input width " +
                    std::to_string(w_in + pad_left + pad_right));
}

}  // namespace dream
