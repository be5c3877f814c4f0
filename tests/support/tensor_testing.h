#pragma once
// Helpers shared by the tests: seeded random data and array comparison with
// a message that says where the worst element is.
#include <cstdint>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace dream::test {

// Uniform in [lo, hi), deterministic for a seed.
std::vector<float> random_floats(int64_t n, uint32_t seed, float lo = -1.0f, float hi = 1.0f);
Tensor random_tensor(const Shape& shape, uint32_t seed, float lo = -1.0f, float hi = 1.0f);

// sum_i a[i] * b[i] accumulated in double, for adjoint identities
// <f(x), y> == <x, f^T(y)> and directional finite differences. Throws if
// the element counts differ.
double dot(const Tensor& a, const Tensor& b);

struct Comparison {
  bool ok;
  double max_abs_error;
  double max_rel_error;
  int64_t worst_index;
  std::string message;  // "max |a-b| = ... at i (a=..., b=...)"
};

// ok iff for every i: |a-b| <= atol + rtol * |b|   (b is the reference)
Comparison compare_arrays(const float* a, const float* b, int64_t n, double rtol, double atol);
Comparison compare_arrays(const std::vector<float>& a, const std::vector<float>& b, double rtol, double atol);

}  // namespace dream::test

// CHECK_ALL_CLOSE(actual_ptr, reference_ptr, n, rtol, atol)
#define CHECK_ALL_CLOSE(a, b, n, rtol, atol)                                              \
  do {                                                                                    \
    auto _cmp = ::dream::test::compare_arrays((a), (b), (n), (rtol), (atol));           \
    INFO(_cmp.message);                                                                   \
    CHECK(_cmp.ok);                                                                       \
  } while (0)
