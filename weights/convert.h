#pragma once
// Converters from the formats users download (Caffe .caffemodel, ONNX .onnx)
// to our safetensors file with canonical tensor names (weights/README.md).
//
// Every converter checks the source against the bvlc_googlenet catalogue
// (weights/bvlc_googlenet_params.h): a missing layer, a shape that disagrees
// with the expected one, or a file of another network throws dream::Error
// naming the file, the layer and both shapes. Conversion happens entirely in
// memory before anything is written, and the writer renames a finished
// temporary file into place, so a failed conversion never leaves an output.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "weights/caffemodel.h"
#include "weights/onnx_reader.h"
#include "weights/safetensors.h"

namespace dream::weights {

enum class SourceFormat { Caffemodel, Onnx };
std::string source_format_name(SourceFormat format);  // "caffemodel", "onnx"

// Chooses by extension (.caffemodel / .onnx), else by content: an ONNX
// ModelProto starts with field 1 as a varint (ir_version), a NetParameter
// with field 1 as a string (name) or a layer list. Throws naming the file if
// neither fits.
SourceFormat detect_source_format(const std::string& path, const uint8_t* data, size_t size);

struct CanonicalWeights {
  std::vector<NamedTensor> tensors;         // the 116 catalogue tensors, network order
  std::vector<std::string> skipped_layers;  // source layers with parameters not in the catalogue
};

// Caffe: layer "<name>" with blobs [weight, bias] -> "<name>.weight",
// "<name>.bias". Blob shapes may carry leading 1s (bias 1x1x1xO, classifier
// 1x1x1000x1024); they are reshaped to the canonical shapes.
CanonicalWeights canonical_from_caffe(const CaffeNet& net, const std::string& context);

// ONNX (model-zoo naming): initializers "<name>_w_0" and "<name>_b_0".
CanonicalWeights canonical_from_onnx(const onnx::OnnxModel& model, const std::string& context);

// Reads and converts a whole file (format from detect_source_format).
CanonicalWeights read_canonical_weights(const std::string& path);

// Reads an ImageNet label file: exactly 1000 non-empty lines (a trailing
// newline and CR line ends are accepted). Throws naming the file and the count.
std::vector<std::string> read_label_file(const std::string& path);

struct ConvertOptions {
  std::string labels_path;  // empty: "synset_words.txt" beside the source, if it exists
};

struct ConvertReport {
  SourceFormat format = SourceFormat::Caffemodel;
  size_t tensor_count = 0;
  int64_t parameter_count = 0;
  std::vector<std::string> skipped_layers;
  std::string labels_path;  // the label file used; empty if none was found
};

// SRC (.caffemodel / .onnx) -> DST safetensors with metadata network,
// format, source (file name) and labels (1000 lines joined by "\n").
ConvertReport convert_to_safetensors(const std::string& src, const std::string& dst, const ConvertOptions& options);

}  // namespace dream::weights
