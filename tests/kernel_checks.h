#pragma once
// Checks shared by the kernel tests (test_pool, test_lrn, test_resize, ...):
// central finite differences in double of L(x) = sum_i g_i f_i(x), and the
// adjoint identity <f(x), y> == <x, f^T(y)> for linear maps.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "tensor/error.h"
#include "tests/support/test_paths.h"

namespace dream::test {

using KernelFn = std::function<void(const float* in, float* out)>;

inline double dot_double(const std::vector<float>& a, const std::vector<float>& b) {
  double s = 0.0;
  for (size_t i = 0; i < a.size(); ++i) s += double(a[i]) * double(b[i]);
  return s;
}

struct GradCheck {
  bool ok;
  double max_rel_error;
  std::string message;
};

// Compares analytic dL/dx with (L(x + h e_i) - L(x - h e_i)) / 2h for every i.
// The relative error's denominator is floored at 1e-2 * max |numeric| so an
// element whose true gradient is ~0 is judged on the scale of the others.
inline GradCheck finite_difference_check(const KernelFn& f, std::vector<float> x, int64_t out_size,
                                         const std::vector<float>& g, const std::vector<float>& analytic, float h,
                                         double tol) {
  std::vector<float> y(size_t(out_size), 0.0f);
  auto loss = [&](const std::vector<float>& at) {
    f(at.data(), y.data());
    return dot_double(g, y);
  };
  std::vector<double> numeric(x.size());
  double scale = 0.0;
  for (size_t i = 0; i < x.size(); ++i) {
    float saved = x[i];
    x[i] = saved + h;
    double up = loss(x);
    x[i] = saved - h;
    double down = loss(x);
    x[i] = saved;
    // Divide by the step actually taken (x +- h is rounded to float).
    numeric[i] = (up - down) / (double(saved + h) - double(saved - h));
    scale = std::max(scale, std::fabs(numeric[i]));
  }
  GradCheck r{true, 0.0, ""};
  size_t worst = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    double denom = std::max({std::fabs(numeric[i]), std::fabs(double(analytic[i])), 1e-2 * scale, 1e-12});
    double rel = std::fabs(numeric[i] - double(analytic[i])) / denom;
    if (rel > r.max_rel_error) {
      r.max_rel_error = rel;
      worst = i;
    }
  }
  r.ok = r.max_rel_error < tol;
  std::ostringstream m;
  m << "finite differences: max rel error " << r.max_rel_error << " at " << worst << " (analytic " << analytic[worst]
    << ", numeric " << numeric[worst] << "), tolerance " << tol;
  r.message = m.str();
  return r;
}

// <f(x), y> versus <x, fT(y)>, relative to the size of the terms.
inline double adjoint_mismatch(const KernelFn& f, const KernelFn& f_transpose, const std::vector<float>& x,
                               const std::vector<float>& y) {
  std::vector<float> fx(y.size()), fty(x.size());
  f(x.data(), fx.data());
  f_transpose(y.data(), fty.data());
  double lhs = dot_double(fx, y), rhs = dot_double(x, fty);
  double mag = 0.0;
  for (size_t i = 0; i < y.size(); ++i) mag += std::fabs(double(fx[i]) * y[i]);
  return std::fabs(lhs - rhs) / std::max(mag, 1e-30);
}

// An input and the output an independent engine (PyTorch, OpenCV) computed
// from it: tests/fixtures/kernels/<name>.txt, written by
// tests/fixtures/kernels/make_kernel_fixtures.py.
struct KernelFixture {
  std::vector<int64_t> in_shape, out_shape;
  std::vector<float> in, out;
};

inline KernelFixture read_kernel_fixture(const std::string& name) {
  const std::string path = source_dir() + "/tests/fixtures/kernels/" + name + ".txt";
  require_path(path, "it is committed with the sources; re-create it with make_kernel_fixtures.py");
  std::ifstream file(path);
  std::string line;
  std::getline(file, line);  // comment
  auto read_array = [&](const std::string& tag, std::vector<int64_t>& shape, std::vector<float>& values) {
    std::getline(file, line);
    std::istringstream header(line);
    std::string got;
    header >> got;
    if (got != tag) throw Error(path + ": expected '" + tag + "' line, got '" + line + "'");
    int64_t n = 1;
    for (int64_t d; header >> d;) {
      shape.push_back(d);
      n *= d;
    }
    std::getline(file, line);
    std::istringstream body(line);
    for (float v; body >> v;) values.push_back(v);
    if (int64_t(values.size()) != n)
      throw Error(path + ": '" + tag + "' holds " + std::to_string(values.size()) + " values, shape needs " +
                  std::to_string(n));
  };
  KernelFixture fx;
  read_array("in", fx.in_shape, fx.in);
  read_array("out", fx.out_shape, fx.out);
  return fx;
}

}  // namespace dream::test

#define CHECK_GRADIENT(check) \
  do {                        \
    auto _gc = (check);       \
    INFO(_gc.message);        \
    CHECK(_gc.ok);            \
  } while (0)
