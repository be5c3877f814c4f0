#pragma once
// Internal to tensor/: the pieces gemm.cpp dispatches between. Not part of
// the public contract (tensor/gemm.h).
#include "tensor/cpu_features.h"
#include "tensor/gemm.h"

namespace dream {
namespace gemm_detail {

// True when built with DREAM_BLAS (cblas_sgemm is linked in).
bool blas_compiled_in();
// cblas_sgemm on the same arguments; only callable when blas_compiled_in().
void gemm_blas(const GemmArgs& g);
// C = beta * C + bias (C not read when beta == 0; bias may be null): the
// product-free part of a GEMM. gemm_blocked's answer when K == 0, and the
// start OpenBLAS, which has no bias argument, adds its product onto.
void scale_c_add_bias(const GemmArgs& g);
// OpenBLAS's name for the kernel set it picked for this CPU ("Haswell",
// "SkylakeX", "Prescott", ...), or "" without BLAS.
const char* blas_core_name();

// The default backend (documented in gemm.cpp) from: OpenBLAS built in,
// its core name (may be null), our best SIMD level, and the value of
// DREAM_GEMM (null when unset). Pure, so tests can check every branch.
GemmBackend choose_gemm_backend(bool blas_available, const char* blas_core, SimdLevel ours, const char* env);

}  // namespace gemm_detail
}  // namespace dream
