#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "weights/bvlc_googlenet_params.h"
#include "weights/convert.h"
#include "weights/protobuf_reader.h"

namespace dream::weights {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_regular_file(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// The source must be a readable regular file (a directory would otherwise
// fail deep inside the stream library with a message that names no file).
void require_regular_file(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) throw Error(path + ": cannot open file: " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) throw Error(path + ": not a regular file");
}

std::string directory_of(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
}

std::string file_name_of(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::string source_format_name(SourceFormat format) { return format == SourceFormat::Onnx ? "onnx" : "caffemodel"; }

SourceFormat detect_source_format(const std::string& path, const uint8_t* data, size_t size) {
  if (ends_with(path, ".caffemodel")) return SourceFormat::Caffemodel;
  if (ends_with(path, ".onnx")) return SourceFormat::Onnx;
  if (size == 0) throw Error(path + ": empty file: neither a .caffemodel nor an .onnx model");
  // First field key: ONNX ModelProto begins with ir_version (field 1, varint:
  // key 0x08); a NetParameter with its name (field 1, bytes: 0x0a), its legacy
  // layers (field 2: 0x12), inputs (field 3: 0x1a) or input_dim (field 4: 0x20).
  switch (data[0]) {
    case 0x08:
      return SourceFormat::Onnx;
    case 0x0a:
    case 0x12:
    case 0x1a:
    case 0x20:
      return SourceFormat::Caffemodel;
    default:
      throw Error(path + ": cannot tell the format: not a .caffemodel or .onnx file name, and the content " +
                  "starts like neither (first byte " + std::to_string(data[0]) + ")");
  }
}

namespace {

CanonicalWeights canonical_from_bytes(const std::string& path, const std::vector<uint8_t>& bytes, SourceFormat format) {
  if (format == SourceFormat::Onnx)
    return canonical_from_onnx(onnx::parse_model(bytes.data(), bytes.size(), path), path);
  // Decode blob data only for the catalogue's layers: the published file's
  // training-only auxiliary heads (loss1/*, loss2/*) are skipped unread.
  const CaffeNet net = parse_caffemodel(bytes.data(), bytes.size(), path, [](const std::string& layer) {
    return find_bvlc_googlenet_layer(layer) != nullptr;
  });
  return canonical_from_caffe(net, path);
}

}  // namespace

CanonicalWeights read_canonical_weights(const std::string& path) {
  require_regular_file(path);
  const std::vector<uint8_t> bytes = read_file_bytes(path);
  return canonical_from_bytes(path, bytes, detect_source_format(path, bytes.data(), bytes.size()));
}

std::vector<std::string> read_label_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(path + ": cannot open label file");
  std::vector<std::string> labels;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty())
      throw Error(path + ": line " + std::to_string(labels.size() + 1) + " is empty (expected one label per line)");
    labels.push_back(line);
  }
  if (labels.size() != 1000)
    throw Error(path + ": has " + std::to_string(labels.size()) + " labels, expected the 1000 ImageNet classes");
  return labels;
}

ConvertReport convert_to_safetensors(const std::string& src, const std::string& dst, const ConvertOptions& options) {
  if (src == dst) throw Error(dst + ": output would overwrite the source file");
  require_regular_file(src);
  ConvertReport report;
  std::string labels_path = options.labels_path;
  if (labels_path.empty()) {
    const std::string beside = directory_of(src) + "/synset_words.txt";
    if (is_regular_file(beside)) labels_path = beside;
  }
  // Labels first: a bad label file fails fast, before the slow conversion.
  std::string labels_text;
  if (!labels_path.empty()) {
    const std::vector<std::string> labels = read_label_file(labels_path);
    for (size_t i = 0; i < labels.size(); ++i) labels_text += (i ? "\n" : "") + labels[i];
  }

  CanonicalWeights weights;
  {
    const std::vector<uint8_t> bytes = read_file_bytes(src);  // freed before writing
    report.format = detect_source_format(src, bytes.data(), bytes.size());
    weights = canonical_from_bytes(src, bytes, report.format);
  }

  std::map<std::string, std::string> metadata = {
      {"network", kGoogLeNetNetworkName}, {"format", "dream.cpp/1"}, {"source", file_name_of(src)}};
  if (!labels_text.empty()) metadata["labels"] = labels_text;
  write_safetensors(dst, weights.tensors, metadata);

  report.tensor_count = weights.tensors.size();
  for (const NamedTensor& t : weights.tensors) report.parameter_count += t.tensor.numel();
  report.skipped_layers = weights.skipped_layers;
  report.labels_path = labels_path;
  return report;
}

}  // namespace dream::weights
