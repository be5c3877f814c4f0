#include "tools/cli/npy_writer.h"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "tensor/atomic_file.h"

namespace dream::cli {

std::string npy_header(const Shape& shape) {
  std::string dims;
  for (int64_t d : shape) dims += std::to_string(d) + ", ";
  if (shape.size() > 1)
    dims.resize(dims.size() - 2);  // "(1, 2)"; a 1-tuple keeps its comma: "(3,)"
  else if (shape.size() == 1)
    dims.resize(dims.size() - 1);
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
  const size_t preamble = 10;  // magic (6) + version (2) + length (2)
  size_t total = preamble + dict.size() + 1;
  const size_t padded = (total + 63) / 64 * 64;
  dict.append(padded - total, ' ');
  dict += '\n';
  const uint16_t len = static_cast<uint16_t>(dict.size());
  std::string header("\x93NUMPY\x01\x00", 8);
  header += static_cast<char>(len & 0xff);
  header += static_cast<char>(len >> 8);
  return header + dict;
}

void write_npy(const std::string& path, const Tensor& t) {
  const std::string header = npy_header(t.shape());
  // Little-endian bytes whatever the host order.
  std::vector<unsigned char> bytes(static_cast<size_t>(t.numel()) * 4);
  for (int64_t i = 0; i < t.numel(); ++i) {
    uint32_t u;
    std::memcpy(&u, t.data() + i, 4);
    for (int b = 0; b < 4; ++b) bytes[static_cast<size_t>(i) * 4 + b] = static_cast<unsigned char>(u >> (8 * b));
  }
  write_file_atomically(path, path + ".tmp", path, [&](std::FILE* f) {
    return std::fwrite(header.data(), 1, header.size(), f) == header.size() &&
           std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  });
}

}  // namespace dream::cli
