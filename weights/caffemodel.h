#pragma once
// Reader for Caffe's binary .caffemodel (a serialized caffe.NetParameter),
// built on the protobuf wire reader: no Caffe, no protobuf library.
//
// Both layer encodings are read (field numbers from Caffe's caffe.proto):
//   NetParameter:      name = 1, layers = 2 (V1LayerParameter, legacy),
//                      layer = 100 (LayerParameter, current)
//   V1LayerParameter:  bottom = 2, top = 3, name = 4, type = 5 (enum), blobs = 6
//   LayerParameter:    name = 1, type = 2 (string), bottom = 3, top = 4, blobs = 7
//   BlobProto:         num = 1, channels = 2, height = 3, width = 4 (legacy 4-D
//                      shape), data = 5 (packed float), shape = 7 (BlobShape:
//                      dim = 1, packed int64), double_data = 8 (packed double)
// Other fields (diff, training parameters, layer settings) are skipped.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace dream::weights {

struct CaffeBlob {
  Shape shape;              // BlobShape dims, else legacy {num, channels, height, width}
  std::vector<float> data;  // numel(shape) values (double_data converted to float)
};

struct CaffeLayer {
  std::string name;
  std::string type;  // "Convolution", "InnerProduct", ... (V1 enum values translated)
  std::vector<CaffeBlob> blobs;
  bool blobs_decoded = false;  // false when the caller's filter skipped this layer's blobs
  size_t blob_count = 0;       // number of blobs in the file, decoded or not
};

struct CaffeNet {
  std::string name;
  bool legacy_v1 = false;  // layers came from field 2 (V1LayerParameter)
  std::vector<CaffeLayer> layers;
};

// Decodes a NetParameter. `context` (usually the file path) prefixes every
// error. `decode_blobs(layer_name)` chooses which layers get their blob data
// decoded (all when empty); skipping unneeded layers (auxiliary heads) saves
// memory and time. Throws dream::Error on malformed or truncated input, on a
// blob whose shape disagrees with its element count, and on a file holding
// both `layers` and `layer`.
CaffeNet parse_caffemodel(const uint8_t* data, size_t size, const std::string& context,
                          const std::function<bool(const std::string&)>& decode_blobs = {});

// Caffe's name for a V1LayerParameter.LayerType enum value ("Convolution"
// for 4), or "V1 layer type <n>" for values we do not name.
std::string caffe_v1_type_name(int64_t type);

}  // namespace dream::weights
