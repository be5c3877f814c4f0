#pragma once
// Bilinear resize of 8-bit interleaved images that reproduces OpenCV's
// cv::resize(INTER_LINEAR) on CV_8U data -- what cv2.dnn.blobFromImage does
// before converting to float, and so what the reference classifications of
// bvlc_googlenet were made with. Matching it matters: a float resize changes
// the class probabilities by up to ~4e-3.
//
// OpenCV's rule (half-pixel centres, no antialiasing, edges clamped), in
// 11-bit fixed point:
//   src_x = (x + 0.5) * (W_in / W_out) - 0.5   (float), sx = floor(src_x), fx = src_x - sx
//   weights a0 = round((1 - fx) * 2048), a1 = round(fx * 2048)
//   horizontal pass: h = a0 * S[sx] + a1 * S[sx + 1]            (exact int, scale 2048)
//   vertical pass:   out = round((b0 * h0 + b1 * h1) / 2^22)   as OpenCV's vector path
//                    computes it: ((b0 * (h0 >> 4)) >> 16) + ((b1 * (h1 >> 4)) >> 16) + 2) >> 2
// OpenCV uses the vector formula on whole blocks of 16 output values per row
// and the exact rounding on the rest; we do the same. This is bit-exact with
// OpenCV 4.6 whenever W_out * channels is a multiple of 16 (224x224 RGB is);
// otherwise the last few values of a row may differ by one level.
#include <cstdint>
#include <vector>

namespace dream::models {

// src: height x width x channels bytes; returns out_height x out_width x channels.
std::vector<uint8_t> resize_bilinear_u8_opencv(const uint8_t* src, int64_t width, int64_t height, int64_t channels,
                                               int64_t out_width, int64_t out_height);

}  // namespace dream::models
