#pragma once
// Our weight file format: safetensors (https://github.com/huggingface/safetensors).
//
// Layout: 8-byte little-endian u64 N, then N bytes of UTF-8 JSON, then the raw
// data buffer. The JSON maps each tensor name to
//   {"dtype": "F32", "shape": [64, 3, 7, 7], "data_offsets": [begin, end]}
// (offsets relative to the start of the data buffer) plus an optional
// "__metadata__" object of string -> string. We only read and write F32 data,
// little-endian, which is what the engine computes in.
//
// Reading memory-maps the file (POSIX mmap) and validates the whole header
// before anything is returned: header length sane, JSON well formed, dtype
// F32, data_offsets inside the buffer, tensors not overlapping, buffer fully
// covered, shape product x 4 == byte size. Every error names the file and,
// where there is one, the tensor.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tensor/tensor.h"

namespace dream::weights {

struct SafetensorsEntry {
  std::string name;
  Shape shape;
  uint64_t begin = 0;   // byte offset of the first element, relative to the data buffer
  uint64_t nbytes = 0;  // = numel(shape) * 4
};

class SafetensorsFile {
 public:
  // Opens, maps and validates `path`; throws dream::Error naming the file.
  explicit SafetensorsFile(const std::string& path);
  ~SafetensorsFile();
  SafetensorsFile(SafetensorsFile&&) noexcept;
  SafetensorsFile& operator=(SafetensorsFile&&) noexcept;
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const std::string& path() const;
  // All tensors, ordered by their position in the data buffer (our writer
  // stores them in network order, so this is network order too).
  const std::vector<SafetensorsEntry>& entries() const;
  const std::map<std::string, std::string>& metadata() const;
  // Metadata value or `fallback` when the key is absent.
  std::string metadata_value(const std::string& key, const std::string& fallback = "") const;

  bool has(const std::string& name) const;
  // Throws "<file>: no tensor named <name>" if absent.
  const SafetensorsEntry& entry(const std::string& name) const;
  // Zero-copy view into the mapping: entry(name).shape elements, valid while
  // this object lives. Always 4-byte aligned (see the .cpp for how).
  const float* data(const std::string& name) const;
  // A copy into a Tensor with its own storage.
  Tensor load(const std::string& name) const;
  // As load(), but first checks the stored shape equals `expected`
  // ("<file>: tensor conv1/7x7_s2.weight has shape 64x3x5x5, expected 64x3x7x7").
  Tensor load(const std::string& name, const Shape& expected) const;
  // Zero-copy: a Tensor over the mapped bytes (shape checked as load()). It
  // keeps the mapping alive after this object is destroyed, and pages are
  // read from disk only when a kernel touches them, so a run that stops at
  // inception_4c never reads the later layers' weights. The data is 4-byte
  // aligned, not 64: kernels must (and do) use unaligned loads on weights.
  // Writes go to a private copy of the page, never to the file.
  Tensor view(const std::string& name, const Shape& expected) const;

 private:
  void require_shape(const std::string& name, const Shape& expected) const;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct NamedTensor {
  std::string name;
  Tensor tensor;
};

// Writes `tensors` (in the given order) and `metadata` to `path`. The JSON
// header is padded with spaces so the data buffer starts at a multiple of 8
// bytes. Writes to "<path>.tmp" and renames it over `path` only when complete,
// so a failure never leaves a partial or truncated file at `path`.
// Throws on duplicate or empty names and on I/O errors (naming the file).
void write_safetensors(const std::string& path, const std::vector<NamedTensor>& tensors,
                       const std::map<std::string, std::string>& metadata);

}  // namespace dream::weights
