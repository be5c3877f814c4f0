#pragma once
// Frame sequences: the classic zoom animation (dream, zoom in a little,
// dream the result again ...) and dreaming a directory of video frames.
//
// Sharding: `--shard i/n` (0 <= i < n) takes the frames whose index k has
// k mod n == i, so any job scheduler can spread a long video over machines.
// Each frame's randomness comes from frame_seed(seed, k) alone, so a frame's
// result never depends on how the run was sharded. Blending (feeding the
// previous output into the next frame) chains frames, so it cannot be
// combined with more than one shard.
#include <cstdint>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace dream {

struct Shard {
  int64_t index = 0, count = 1;
  bool selects(int64_t frame) const { return frame % count == index; }
};
// "2/3" -> {2, 3}; throws naming --shard unless 0 <= i < n.
Shard parse_shard(const std::string& text);

// Independent seed of frame k for a run seeded with `seed`.
uint64_t frame_seed(uint64_t seed, int64_t frame);

// One step of the zoom animation on a 1x3xHxW pixel image: scale by
// `factor` (> 1 zooms in) and rotate by `degrees` about the centre,
// bilinear, edges clamped; same size out.
Tensor zoom_frame(const Tensor& image, double factor, double degrees);

// (1 - alpha) * frame + alpha * previous (same shapes).
Tensor blend_frames(const Tensor& frame, const Tensor& previous, double alpha);

// Image files (by extension: jpg, jpeg, png, bmp, tga, ppm, pgm, pnm) of a
// directory, sorted by name. Throws naming the directory if unreadable or empty.
std::vector<std::string> list_frame_files(const std::string& directory);

// "<dir>/frame_00042.png"
std::string numbered_frame_path(const std::string& directory, int64_t index, const std::string& extension = "png");

}  // namespace dream
