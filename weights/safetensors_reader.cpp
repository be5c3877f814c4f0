#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>

#include "weights/safetensors.h"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "safetensors data is little-endian; add byte swapping");

namespace dream::weights {
namespace {

// A header larger than this is not a weight file (the safetensors reference
// implementation uses the same 100 MB limit).
constexpr uint64_t kMaxHeaderBytes = 100ull << 20;
// Keeps shape products far from int64 overflow.
constexpr int64_t kMaxElements = int64_t{1} << 40;

// Bytes of the file, either memory-mapped or (when the data buffer would not
// start on a 4-byte boundary, so float pointers into a mapping would be
// misaligned) copied to an aligned heap block. Shared: tensors returned by
// SafetensorsFile::view() keep it alive after the file object is gone.
struct FileBytes {
  const uint8_t* data = nullptr;
  size_t size = 0;
  void* mapping = nullptr;
  std::unique_ptr<float[]> heap;  // float-aligned copy, used only when needed

  ~FileBytes() {
    if (mapping) munmap(mapping, size);
  }
};

[[noreturn]] void fail(const std::string& path, const std::string& what) { throw Error(path + ": " + what); }

uint64_t read_u64_le(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

}  // namespace

struct SafetensorsFile::Impl {
  std::string path;
  std::shared_ptr<FileBytes> bytes = std::make_shared<FileBytes>();
  const uint8_t* buffer = nullptr;  // start of the data buffer
  uint64_t buffer_size = 0;
  std::vector<SafetensorsEntry> entries;
  std::map<std::string, size_t> index;
  std::map<std::string, std::string> metadata;

  void map_file();
  void parse_header();
  void parse_entry(const std::string& name, const nlohmann::json& value);
  void check_layout();
};

void SafetensorsFile::Impl::map_file() {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(path, std::string("cannot open: ") + std::strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0) {
    ::close(fd);
    fail(path, "cannot stat");
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    fail(path, "not a regular file");
  }
  bytes->size = static_cast<size_t>(st.st_size);
  if (bytes->size < 8) {
    ::close(fd);
    fail(path, "file is " + std::to_string(bytes->size) + " bytes, too short for a safetensors header length (8 bytes)");
  }
  // Private and writable: views hand out float* (Tensor has no read-only
  // kind), so a stray write copies one page instead of faulting, and never
  // reaches the file. Pages are read from the page cache only when touched.
  void* m = mmap(nullptr, bytes->size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (m == MAP_FAILED) fail(path, std::string("cannot memory-map: ") + std::strerror(errno));
  bytes->mapping = m;
  bytes->data = static_cast<const uint8_t*>(m);
}

void SafetensorsFile::Impl::parse_header() {
  const uint64_t header_len = read_u64_le(bytes->data);
  if (header_len > kMaxHeaderBytes)
    fail(path, "header length " + std::to_string(header_len) + " exceeds the 100 MB limit (corrupt file?)");
  if (header_len > bytes->size - 8)
    fail(path, "header length " + std::to_string(header_len) + " exceeds the file size " + std::to_string(bytes->size) +
                   " (truncated file?)");
  if (header_len < 2) fail(path, "header length " + std::to_string(header_len) + " is too small for a JSON object");

  const char* text = reinterpret_cast<const char*>(bytes->data + 8);
  nlohmann::json header = nlohmann::json::parse(text, text + header_len, nullptr, /*allow_exceptions=*/false);
  if (header.is_discarded()) fail(path, "header is not valid JSON");
  if (!header.is_object()) fail(path, "header JSON is not an object");

  const uint64_t data_start = 8 + header_len;
  buffer_size = bytes->size - data_start;
  if (data_start % alignof(float) == 0) {
    buffer = bytes->data + data_start;
  } else {
    // Legal but unusual header padding: copy the data buffer so float views are aligned.
    bytes->heap.reset(new float[(buffer_size + 3) / 4]);
    if (buffer_size) std::memcpy(bytes->heap.get(), bytes->data + data_start, buffer_size);
    buffer = reinterpret_cast<const uint8_t*>(bytes->heap.get());
  }

  for (auto it = header.begin(); it != header.end(); ++it) {
    if (it.key() == "__metadata__") {
      if (!it.value().is_object()) fail(path, "__metadata__ is not a JSON object");
      for (auto m = it.value().begin(); m != it.value().end(); ++m) {
        if (!m.value().is_string()) fail(path, "__metadata__ value of \"" + m.key() + "\" is not a string");
        metadata[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    parse_entry(it.key(), it.value());
  }
}

void SafetensorsFile::Impl::parse_entry(const std::string& name, const nlohmann::json& value) {
  const std::string where = "tensor \"" + name + "\": ";
  if (name.empty()) fail(path, "a tensor has an empty name");
  if (!value.is_object()) fail(path, where + "entry is not a JSON object");
  auto dtype = value.find("dtype");
  auto shape = value.find("shape");
  auto offsets = value.find("data_offsets");
  if (dtype == value.end() || !dtype->is_string()) fail(path, where + "missing string field \"dtype\"");
  if (shape == value.end() || !shape->is_array()) fail(path, where + "missing array field \"shape\"");
  if (offsets == value.end() || !offsets->is_array() || offsets->size() != 2)
    fail(path, where + "\"data_offsets\" must be an array [begin, end]");
  if (dtype->get<std::string>() != "F32")
    fail(path, where + "dtype " + dtype->get<std::string>() + " is not supported (only F32)");

  SafetensorsEntry e;
  e.name = name;
  int64_t numel = 1;
  for (const auto& d : *shape) {
    if (!d.is_number_integer() || d.get<int64_t>() < 0) fail(path, where + "shape has a non-integer or negative dim");
    const int64_t dim = d.get<int64_t>();
    if (dim > kMaxElements || (dim > 0 && numel > kMaxElements / dim))
      fail(path, where + "shape " + shape->dump() + " is implausibly large");
    numel *= dim;
    e.shape.push_back(dim);
  }
  for (const auto& o : *offsets)
    if (!o.is_number_unsigned()) fail(path, where + "data_offsets must be non-negative integers");
  const uint64_t begin = (*offsets)[0].get<uint64_t>();
  const uint64_t end = (*offsets)[1].get<uint64_t>();
  if (begin > end)
    fail(path, where + "data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) + "] are reversed");
  if (end > buffer_size)
    fail(path, where + "data_offsets end " + std::to_string(end) + " is past the data buffer (" +
                   std::to_string(buffer_size) + " bytes; truncated file?)");
  if (end - begin != static_cast<uint64_t>(numel) * 4)
    fail(path, where + "shape " + shape_string(e.shape) + " needs " + std::to_string(numel * 4) +
                   " bytes of F32 but data_offsets span " + std::to_string(end - begin));
  e.begin = begin;
  e.nbytes = end - begin;
  if (index.count(name)) fail(path, where + "appears twice");
  index[name] = entries.size();
  entries.push_back(std::move(e));
}

// Tensors must tile the data buffer exactly: no overlap (two names aliasing
// the same bytes) and no holes (the format forbids unindexed bytes).
void SafetensorsFile::Impl::check_layout() {
  std::stable_sort(entries.begin(), entries.end(),
                   [](const SafetensorsEntry& a, const SafetensorsEntry& b) { return a.begin < b.begin; });
  uint64_t cursor = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    const SafetensorsEntry& e = entries[i];
    if (e.begin < cursor)
      fail(path, "tensors \"" + entries[i - 1].name + "\" and \"" + e.name + "\" overlap in the data buffer");
    if (e.begin > cursor)
      fail(path, "bytes " + std::to_string(cursor) + ".." + std::to_string(e.begin) +
                     " of the data buffer belong to no tensor (before \"" + e.name + "\")");
    cursor = e.begin + e.nbytes;
  }
  if (cursor != buffer_size)
    fail(path, "data buffer has " + std::to_string(buffer_size) + " bytes but the tensors cover " +
                   std::to_string(cursor) + " (trailing garbage or truncated header?)");
  index.clear();
  for (size_t i = 0; i < entries.size(); ++i) index[entries[i].name] = i;
}

SafetensorsFile::SafetensorsFile(const std::string& path) : impl_(std::make_unique<Impl>()) {
  impl_->path = path;
  impl_->map_file();
  impl_->parse_header();
  impl_->check_layout();
}

SafetensorsFile::~SafetensorsFile() = default;
SafetensorsFile::SafetensorsFile(SafetensorsFile&&) noexcept = default;
SafetensorsFile& SafetensorsFile::operator=(SafetensorsFile&&) noexcept = default;

const std::string& SafetensorsFile::path() const { return impl_->path; }
const std::vector<SafetensorsEntry>& SafetensorsFile::entries() const { return impl_->entries; }
const std::map<std::string, std::string>& SafetensorsFile::metadata() const { return impl_->metadata; }

std::string SafetensorsFile::metadata_value(const std::string& key, const std::string& fallback) const {
  auto it = impl_->metadata.find(key);
  return it == impl_->metadata.end() ? fallback : it->second;
}

bool SafetensorsFile::has(const std::string& name) const { return impl_->index.count(name) != 0; }

const SafetensorsEntry& SafetensorsFile::entry(const std::string& name) const {
  auto it = impl_->index.find(name);
  if (it == impl_->index.end()) fail(impl_->path, "no tensor named \"" + name + "\"");
  return impl_->entries[it->second];
}

const float* SafetensorsFile::data(const std::string& name) const {
  return reinterpret_cast<const float*>(impl_->buffer + entry(name).begin);
}

Tensor SafetensorsFile::load(const std::string& name) const {
  const SafetensorsEntry& e = entry(name);
  if (e.shape.size() > 4)
    fail(impl_->path,
         "tensor \"" + name + "\" has rank " + std::to_string(e.shape.size()) + " (Tensor holds at most 4)");
  Tensor t(e.shape);
  if (e.nbytes) std::memcpy(t.data(), impl_->buffer + e.begin, e.nbytes);
  return t;
}

void SafetensorsFile::require_shape(const std::string& name, const Shape& expected) const {
  const SafetensorsEntry& e = entry(name);
  if (e.shape != expected)
    fail(impl_->path,
         "tensor \"" + name + "\" has shape " + shape_string(e.shape) + ", expected " + shape_string(expected));
}

Tensor SafetensorsFile::load(const std::string& name, const Shape& expected) const {
  require_shape(name, expected);
  return load(name);
}

Tensor SafetensorsFile::view(const std::string& name, const Shape& expected) const {
  require_shape(name, expected);
  const SafetensorsEntry& e = entry(name);
  // const_cast: the mapping is private and writable (see map_file), the
  // heap copy is ours; Tensor simply has no read-only flavour.
  float* first = reinterpret_cast<float*>(const_cast<uint8_t*>(impl_->buffer + e.begin));
  return Tensor::borrow(e.shape, first, impl_->bytes);
}

}  // namespace dream::weights
