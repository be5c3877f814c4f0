#pragma once
// How much memory a dream will need, and the largest gradient tile that fits
// a cap (`dream --max-memory`).
//
// The model has three parts, each from what is alive at the peak (the
// largest octave, inside one tile's backward pass):
//
//   fixed   weights (~28 MB) + allocator, libraries, thread stacks: measured.
//   image   the octave pyramid (every level, 1x3xhxw floats) plus
//           `full_images` more full-size 1x3xHxW float tensors (the input
//           kept by the tool, x, the rolled copy, its gradient, temporaries
//           of the normalisation) plus the 8-bit decoded image: measured by
//           fitting RSS at two image sizes with the tile fixed.
//   tile    forward activations of one tile up to the dreamed layer (from
//           the network's blob shapes) times `tile_factor` (their gradients,
//           the tape's saved inputs, im2col/GEMM scratch): measured by
//           fitting RSS at two tile sizes with the image fixed.
//
// The numbers are for the engine's own allocations; the kernel may report a
// little more RSS (page granularity, allocator caching), which the margin of
// the fitted constants covers.
#include <cstdint>
#include <functional>
#include <string>

namespace dream {

// "256M", "1G", "1.5G", "512K", "1048576" (bytes); K/M/G/T are binary
// (1024-based), an optional trailing "B"/"iB" is accepted, case-insensitive.
// Throws dream::Error naming `flag` for anything else or for 0.
int64_t parse_memory_size(const std::string& flag, const std::string& text);

// 1536 MiB -> "1.5 GiB", 300 MiB -> "300 MiB".
std::string format_bytes(int64_t bytes);

// Constants fitted to peak RSS of `dream --octaves 1 --iterations 1
// --threads 2` at default layer inception_4c/output (MiB, measured / model):
//   1024x1024 tile 256: 130 / 143    tile 512: 247 / 274
//   2048x2048 tile 128: 244 / 263    tile 256: 276 / 296    tile 512: 390 / 427
//   2048x2048 tile 256, 4 octaves:   349 / 383
//   4096x4096 tile 512: 987 / 1039
// i.e. 1024 -> 2048 costs 48.5 bytes per pixel (4 full-size float images),
// 256 -> 512 tiles cost 0.82-0.92 x the forward activation bytes, and
// smaller octaves cost about twice their own size (detail + resize
// temporaries, heap kept from their tiles). The model stays 5-11% above
// every measurement.
struct MemoryModel {
  int64_t fixed_bytes = 48ll << 20;    // weights (~28 MB), code, libraries, thread stacks
  double full_images = 3.0;            // full-size float images alive besides the largest base
  double smaller_level_weight = 2.0;   // bytes per byte of each smaller pyramid level
  double tile_factor = 0.95;           // peak tile bytes per byte of forward activations
};

struct MemoryRequest {
  int64_t height = 0, width = 0;  // input image
  int octaves = 4;
  double octave_scale = 1.4;
  int64_t min_size = 1;  // smallest input the layer accepts (tiles are kept >= 2x this)
  int64_t tile = 512;    // requested (largest allowed) tile
  // Bytes of forward activations for a th x tw tile up to the dreamed layer.
  std::function<int64_t(int64_t th, int64_t tw)> activation_bytes;
};

struct MemoryEstimate {
  int64_t fixed = 0, image = 0, tile = 0;
  int64_t total() const { return fixed + image + tile; }
};

MemoryEstimate estimate_peak_memory(const MemoryRequest& r, const MemoryModel& m = {});

struct TileChoice {
  bool fits = false;
  int64_t tile = 0;         // the chosen tile (when fits)
  MemoryEstimate estimate;  // for the chosen tile, or for the smallest one when nothing fits
  std::string message;      // when !fits: one line saying what is needed and what to do
};

// The largest tile <= r.tile (the request itself, then multiples of 32 below
// it, down to 2 x min_size) whose estimate is within `cap_bytes`.
TileChoice choose_tile(const MemoryRequest& r, int64_t cap_bytes, const MemoryModel& m = {});

}  // namespace dream
