#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "tensor/atomic_file.h"
#include "weights/safetensors.h"

namespace dream::weights {
void write_safetensors(const std::string& path, const std::vector<NamedTensor>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  // ordered_json keeps insertion order, so the header lists tensors in the
  // order given (network order for our converters): easy to read with `head`.
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) {
    nlohmann::ordered_json meta = nlohmann::ordered_json::object();
    for (const auto& [key, value] : metadata) meta[key] = value;
    header["__metadata__"] = meta;
  }
  std::set<std::string> seen;
  uint64_t offset = 0;
  for (const NamedTensor& t : tensors) {
    if (t.name.empty()) throw Error(path + ": cannot write a tensor with an empty name");
    if (t.name == "__metadata__") throw Error(path + ": \"__metadata__\" is reserved and cannot name a tensor");
    if (!seen.insert(t.name).second) throw Error(path + ": tensor \"" + t.name + "\" given twice");
    if (t.tensor.empty() && t.tensor.numel() != 0) throw Error(path + ": tensor \"" + t.name + "\" has no storage");
    const uint64_t nbytes = static_cast<uint64_t>(t.tensor.numel()) * 4;
    nlohmann::ordered_json entry = nlohmann::ordered_json::object();
    entry["dtype"] = "F32";
    entry["shape"] = t.tensor.shape();
    entry["data_offsets"] = {offset, offset + nbytes};
    header[t.name] = entry;
    offset += nbytes;
  }
  std::string text = header.dump();
  // Pad with spaces (allowed by the format) so the data starts 8-byte aligned.
  while ((8 + text.size()) % 8 != 0) text.push_back(' ');

  const uint64_t header_len = text.size();
  uint8_t len_bytes[8];
  for (int i = 0; i < 8; ++i) len_bytes[i] = static_cast<uint8_t>(header_len >> (8 * i));
  write_file_atomically(path, path + ".tmp", path, [&](std::FILE* f) {
    bool ok = std::fwrite(len_bytes, 1, 8, f) == 8 && std::fwrite(text.data(), 1, text.size(), f) == text.size();
    for (const NamedTensor& t : tensors) {
      const size_t n = static_cast<size_t>(t.tensor.numel());
      if (ok && n) ok = std::fwrite(t.tensor.data(), sizeof(float), n, f) == n;
    }
    return ok;
  });
}

}  // namespace dream::weights
