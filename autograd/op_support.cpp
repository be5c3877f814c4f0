#include "autograd/op_support.h"

#include <atomic>

namespace dream::autograd {

namespace {
std::atomic<int64_t> g_parameter_gradient_runs{0};
}  // namespace

int64_t parameter_gradient_runs() { return g_parameter_gradient_runs.load(); }

namespace detail {

void note_parameter_gradient_run() { g_parameter_gradient_runs.fetch_add(1); }

void require_defined(const Variable& v, const char* op, const char* what) {
  if (!v.defined()) throw Error(std::string(op) + ": " + what + " is undefined");
}

void require_nchw(const Variable& v, const char* op, const char* what) {
  require_defined(v, op, what);
  if (v.value().rank() != 4)
    throw Error(std::string(op) + ": " + what + " must be NCHW (rank 4), got shape " + shape_string(v.shape()));
}

void require_same_shape(const Variable& a, const Variable& b, const char* op, const char* a_what, const char* b_what) {
  require_defined(a, op, a_what);
  require_defined(b, op, b_what);
  if (a.shape() != b.shape())
    throw Error(std::string(op) + ": " + a_what + " of shape " + shape_string(a.shape()) + " does not match " + b_what +
                " of shape " + shape_string(b.shape()));
}

}  // namespace detail
}  // namespace dream::autograd
