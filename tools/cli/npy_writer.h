#pragma once
// Writes a tensor as a NumPy .npy file (format version 1.0): the magic
// "\x93NUMPY", version 1.0, a little-endian u16 header length, a Python dict
// literal {'descr': '<f4', 'fortran_order': False, 'shape': (1, 64, 112, 112), }
// padded with spaces to a multiple of 64 bytes and ended by '\n', then the
// float32 data, little-endian, C order. numpy.load reads it as-is.
// Written to "<path>.tmp" and renamed, so a failure leaves no partial file.
#include <string>

#include "tensor/tensor.h"

namespace dream::cli {

// The header bytes (magic through the '\n'), for tests.
std::string npy_header(const Shape& shape);
// Throws dream::Error naming the file on I/O failure.
void write_npy(const std::string& path, const Tensor& t);

}  // namespace dream::cli
