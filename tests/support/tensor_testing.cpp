#include "tests/support/tensor_testing.h"

#include <cmath>
#include <random>
#include <sstream>

#include "tensor/error.h"

namespace dream::test {

std::vector<float> random_floats(int64_t n, uint32_t seed, float lo, float hi) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = dist(rng);
  return v;
}

Tensor random_tensor(const Shape& shape, uint32_t seed, float lo, float hi) {
  return Tensor(shape, random_floats(shape_numel(shape), seed, lo, hi));
}

double dot(const Tensor& a, const Tensor& b) {
  if (a.numel() != b.numel())
    throw Error("dot: tensors of " + shape_string(a.shape()) + " and " + shape_string(b.shape()) +
                " differ in element count");
  double s = 0.0;
  for (int64_t i = 0; i < a.numel(); ++i) s += static_cast<double>(a[i]) * b[i];
  return s;
}

Comparison compare_arrays(const float* a, const float* b, int64_t n, double rtol, double atol) {
  Comparison c{true, 0.0, 0.0, -1, ""};
  double worst_excess = -1.0;
  for (int64_t i = 0; i < n; ++i) {
    double x = a[i], y = b[i];
    double err = std::fabs(x - y);
    if (std::isnan(x) != std::isnan(y)) err = INFINITY;
    if (std::isnan(x) && std::isnan(y)) err = 0;
    double rel = err / std::max(std::fabs(y), 1e-30);
    double excess = err - (atol + rtol * std::fabs(y));
    if (err > c.max_abs_error) c.max_abs_error = err;
    if (rel > c.max_rel_error && std::fabs(y) > atol) c.max_rel_error = rel;
    if (excess > worst_excess) {
      worst_excess = excess;
      c.worst_index = i;
    }
    if (excess > 0) c.ok = false;
  }
  std::ostringstream m;
  m << (c.ok ? "all " : "NOT all ") << n << " elements within rtol=" << rtol << " atol=" << atol
    << "; max abs error " << c.max_abs_error;
  if (c.worst_index >= 0) m << "; worst at " << c.worst_index << " (got " << a[c.worst_index] << ", want " << b[c.worst_index] << ")";
  c.message = m.str();
  return c;
}

Comparison compare_arrays(const std::vector<float>& a, const std::vector<float>& b, double rtol, double atol) {
  if (a.size() != b.size()) {
    return {false, INFINITY, INFINITY, -1,
            "size mismatch: " + std::to_string(a.size()) + " vs " + std::to_string(b.size())};
  }
  return compare_arrays(a.data(), b.data(), static_cast<int64_t>(a.size()), rtol, atol);
}

}  // namespace dream::test
