#pragma once
// Helpers shared by the autograd/op_*.cpp files (not part of the public op
// API): input checks whose messages name the op and both shapes, and the
// counter that lets tests prove the DeepDream path computes no parameter
// gradient.
#include <string>

#include "autograd/ops.h"

namespace dream::autograd::detail {

// Throws dream::Error("<op>: <what> is undefined") for a default Variable.
void require_defined(const Variable& v, const char* op, const char* what);
// Throws unless v has rank 4: "<op>: <what> must be NCHW (rank 4), got <shape>".
void require_nchw(const Variable& v, const char* op, const char* what);
// Throws "<op>: <a_what> of shape A does not match <b_what> of shape B" unless equal.
void require_same_shape(const Variable& a, const Variable& b, const char* op, const char* a_what, const char* b_what);

// Called by conv2d / linear each time they run a weight or bias gradient kernel.
void note_parameter_gradient_run();

}  // namespace dream::autograd::detail
