#pragma once
// Builds synthetic .caffemodel bytes for the converter tests, with the test's
// own protobuf writer (tests/weights_testing.h) and field numbers taken from
// Caffe's caffe.proto, so the reader under test is checked against an
// independent encoder. Parameter values follow a formula the tests recompute.
#include <string>
#include <vector>

#include "tests/weights_testing.h"
#include "weights/bvlc_googlenet_params.h"

namespace dream::test {

// Value i of the weight (blob 0) or bias (blob 1) of catalogue layer `layer_index`.
inline float synthetic_param(size_t layer_index, int blob, int64_t i) {
  return static_cast<float>(layer_index) + (blob ? 0.5f : 0.25f) + static_cast<float>(i % 1013) * 1e-3f;
}

struct SyntheticNetOptions {
  bool legacy_v1 = false;            // V1 `layers` (field 2) with num/channels/height/width blobs
  std::string drop_layer;            // leave this catalogue layer out
  std::string wrong_shape_layer;     // give this layer's weight a transposed-ish wrong shape
  std::string one_blob_layer;        // this layer gets only its weight blob
  std::string count_mismatch_layer;  // weight blob declares one more element than it stores
  std::string double_data_layer;     // store this layer's blobs as double_data
  bool auxiliary_head = true;        // add a loss1/conv layer the converter must skip
};

inline ProtoWriter synthetic_blob(const Shape& shape, const std::vector<float>& values, bool legacy, bool doubles) {
  ProtoWriter blob;
  if (legacy) {
    // Legacy 4-D shape: pad on the left with 1s, as Caffe stored biases (1x1x1xO).
    Shape s4(4 - shape.size(), 1);
    s4.insert(s4.end(), shape.begin(), shape.end());
    for (int k = 0; k < 4; ++k) blob.varint_field(1 + k, static_cast<uint64_t>(s4[k]));  // num, channels, height, width
  } else {
    ProtoWriter blob_shape;
    blob_shape.packed_varints(1, std::vector<int64_t>(shape.begin(), shape.end()));  // BlobShape.dim
    blob.message_field(7, blob_shape);                                               // BlobProto.shape
  }
  if (doubles)
    blob.packed_doubles(8, std::vector<double>(values.begin(), values.end()));  // double_data
  else
    blob.packed_floats(5, values);  // data
  return blob;
}

inline ProtoWriter synthetic_layer(const std::string& name, const std::vector<ProtoWriter>& blobs, bool legacy,
                                   const std::string& type_string, int v1_type) {
  ProtoWriter layer;
  if (legacy) {
    layer.string_field(4, name);                                   // V1LayerParameter.name
    layer.varint_field(5, static_cast<uint64_t>(v1_type));         // type enum
    for (const ProtoWriter& b : blobs) layer.message_field(6, b);  // blobs
  } else {
    layer.string_field(1, name);                                   // LayerParameter.name
    layer.string_field(2, type_string);                            // type
    for (const ProtoWriter& b : blobs) layer.message_field(7, b);  // blobs
  }
  return layer;
}

inline std::vector<uint8_t> synthetic_googlenet(const SyntheticNetOptions& o) {
  const uint32_t layer_field = o.legacy_v1 ? 2 : 100;  // NetParameter.layers / .layer
  ProtoWriter net;
  net.string_field(1, "GoogleNet");
  const auto& layers = weights::bvlc_googlenet_layers();
  for (size_t li = 0; li < layers.size(); ++li) {
    const weights::LayerParamSpec& spec = layers[li];
    if (spec.layer == o.drop_layer) continue;
    const bool fc = spec.layer == "loss3/classifier";
    Shape wshape = spec.weight_shape;
    std::vector<float> w(static_cast<size_t>(shape_numel(wshape))),
        b(static_cast<size_t>(shape_numel(spec.bias_shape)));
    for (size_t i = 0; i < w.size(); ++i) w[i] = synthetic_param(li, 0, static_cast<int64_t>(i));
    for (size_t i = 0; i < b.size(); ++i) b[i] = synthetic_param(li, 1, static_cast<int64_t>(i));
    if (spec.layer == o.wrong_shape_layer) {
      wshape = {wshape[1], wshape[0], wshape[2], wshape[3]};
      w.resize(static_cast<size_t>(shape_numel(wshape)));
    }
    if (spec.layer == o.count_mismatch_layer) wshape[0] += 1;
    const bool dbl = spec.layer == o.double_data_layer;
    std::vector<ProtoWriter> blobs = {synthetic_blob(wshape, w, o.legacy_v1, dbl)};
    if (spec.layer != o.one_blob_layer) blobs.push_back(synthetic_blob(spec.bias_shape, b, o.legacy_v1, dbl));
    net.message_field(
        layer_field, synthetic_layer(spec.layer, blobs, o.legacy_v1, fc ? "InnerProduct" : "Convolution", fc ? 14 : 4));
    // A parameter-free layer in between, as in a real net.
    net.message_field(layer_field, synthetic_layer(spec.layer + "_relu", {}, o.legacy_v1, "ReLU", 18));
    if (o.auxiliary_head && spec.layer == "inception_4a/pool_proj") {
      std::vector<float> aux(128 * 512, 0.125f), aux_b(128, 1.0f);
      net.message_field(layer_field, synthetic_layer("loss1/conv",
                                                     {synthetic_blob({128, 512, 1, 1}, aux, o.legacy_v1, false),
                                                      synthetic_blob({128}, aux_b, o.legacy_v1, false)},
                                                     o.legacy_v1, "Convolution", 4));
    }
  }
  return net.bytes();
}

}  // namespace dream::test
