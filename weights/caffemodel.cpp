#include "weights/caffemodel.h"

#include "weights/protobuf_reader.h"

namespace dream::weights {
namespace {

// Field numbers of caffe.proto (see caffemodel.h).
namespace net_field {
constexpr uint32_t kName = 1, kLayersV1 = 2, kLayer = 100;
}
namespace v1_field {
constexpr uint32_t kName = 4, kType = 5, kBlobs = 6;
}
namespace layer_field {
constexpr uint32_t kName = 1, kType = 2, kBlobs = 7;
}
namespace blob_field {
constexpr uint32_t kNum = 1, kChannels = 2, kHeight = 3, kWidth = 4, kData = 5, kShape = 7, kDoubleData = 8;
constexpr uint32_t kShapeDim = 1;
}  // namespace blob_field

constexpr int64_t kMaxElements = int64_t{1} << 40;

CaffeBlob parse_blob(ProtoReader reader, const std::string& where) {
  CaffeBlob blob;
  int64_t legacy[4] = {0, 0, 0, 0};
  bool has_legacy = false, has_shape = false;
  std::vector<double> doubles;
  ProtoField f;
  while (reader.next(f)) {
    switch (f.number) {
      case blob_field::kNum:
      case blob_field::kChannels:
      case blob_field::kHeight:
      case blob_field::kWidth:
        legacy[f.number - blob_field::kNum] = f.as_int32();
        has_legacy = true;
        break;
      case blob_field::kData:
        f.append_floats(blob.data);
        break;
      case blob_field::kDoubleData:
        f.append_doubles(doubles);
        break;
      case blob_field::kShape: {
        has_shape = true;
        blob.shape.clear();
        ProtoReader shape = f.message("shape");
        ProtoField d;
        while (shape.next(d))
          if (d.number == blob_field::kShapeDim) d.append_int64s(blob.shape);
        break;
      }
      default:
        break;  // diff, double_diff: not needed for inference
    }
  }
  if (blob.data.empty() && !doubles.empty()) blob.data.assign(doubles.begin(), doubles.end());
  if (!has_shape) {
    if (has_legacy)
      blob.shape.assign(legacy, legacy + 4);
    else
      blob.shape = {static_cast<int64_t>(blob.data.size())};
  }
  int64_t numel = 1;
  for (int64_t d : blob.shape) {
    if (d < 0 || d > kMaxElements || (d > 0 && numel > kMaxElements / d))
      throw Error(where + ": implausible blob shape " + shape_string(blob.shape));
    numel *= d;
  }
  if (numel != static_cast<int64_t>(blob.data.size()))
    throw Error(where + ": blob shape " + shape_string(blob.shape) + " holds " + std::to_string(numel) +
                " values but the blob stores " + std::to_string(blob.data.size()) + " (truncated or corrupt file?)");
  return blob;
}

// One layer message in either encoding; blob messages are collected first and
// decoded after the name is known (protobuf does not promise field order).
CaffeLayer parse_layer(ProtoReader reader, bool v1, size_t index,
                       const std::function<bool(const std::string&)>& decode_blobs) {
  const uint32_t name_field = v1 ? v1_field::kName : layer_field::kName;
  const uint32_t type_field = v1 ? v1_field::kType : layer_field::kType;
  const uint32_t blobs_field = v1 ? v1_field::kBlobs : layer_field::kBlobs;
  CaffeLayer layer;
  std::vector<ProtoField> blob_fields;
  ProtoField f;
  while (reader.next(f)) {
    if (f.number == name_field)
      layer.name = f.as_string();
    else if (f.number == type_field)
      layer.type = v1 ? caffe_v1_type_name(f.as_int64()) : f.as_string();
    else if (f.number == blobs_field) {
      if (f.type != WireType::Bytes) (void)f.message("blob");  // throws naming the wire type
      blob_fields.push_back(f);
    }
  }
  const std::string where = reader.context() + " (layer " + std::to_string(index) + " \"" + layer.name + "\")";
  layer.blob_count = blob_fields.size();
  layer.blobs_decoded = !decode_blobs || decode_blobs(layer.name);
  if (layer.blobs_decoded)
    for (size_t i = 0; i < blob_fields.size(); ++i)
      layer.blobs.push_back(
          parse_blob(blob_fields[i].message("blob " + std::to_string(i)), where + " blob " + std::to_string(i)));
  return layer;
}

}  // namespace

std::string caffe_v1_type_name(int64_t type) {
  // V1LayerParameter.LayerType values of the layers a classification net uses.
  switch (type) {
    case 1:
      return "Accuracy";
    case 3:
      return "Concat";
    case 4:
      return "Convolution";
    case 5:
      return "Data";
    case 6:
      return "Dropout";
    case 14:
      return "InnerProduct";
    case 15:
      return "LRN";
    case 17:
      return "Pooling";
    case 18:
      return "ReLU";
    case 20:
      return "Softmax";
    case 21:
      return "SoftmaxWithLoss";
    default:
      return "V1 layer type " + std::to_string(type);
  }
}

CaffeNet parse_caffemodel(const uint8_t* data, size_t size, const std::string& context,
                          const std::function<bool(const std::string&)>& decode_blobs) {
  if (size == 0) throw Error(context + ": empty file, not a caffemodel");
  CaffeNet net;
  bool saw_v1 = false, saw_current = false;
  ProtoReader reader(data, size, context);
  ProtoField f;
  while (reader.next(f)) {
    if (f.number == net_field::kName) {
      net.name = f.as_string();
    } else if (f.number == net_field::kLayersV1 || f.number == net_field::kLayer) {
      const bool v1 = f.number == net_field::kLayersV1;
      (v1 ? saw_v1 : saw_current) = true;
      const size_t index = net.layers.size();
      net.layers.push_back(
          parse_layer(f.message((v1 ? "layers[" : "layer[") + std::to_string(index) + "]"), v1, index, decode_blobs));
    }
  }
  if (saw_v1 && saw_current)
    throw Error(context +
                ": holds both legacy V1 `layers` and current `layer` entries; Caffe itself refuses such a file");
  net.legacy_v1 = saw_v1;
  return net;
}

}  // namespace dream::weights
