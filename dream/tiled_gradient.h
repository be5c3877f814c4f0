#pragma once
// Gradients of large images computed tile by tile, so memory is bounded by
// the tile size and not the image size.
//
// The tiles are a fixed grid over the (already randomly rolled) image: along
// each axis the image is cut into ceil(size / tile) nearly equal parts, so the
// tiles cover every pixel exactly once and no tile is much smaller than
// another. Each tile's gradient is computed on its own and weighted by the
// tile's share of the image area: for an objective that is a mean over
// positions this makes the tiled objective the area-weighted mean of the tile
// objectives, i.e. the same scale as the untiled objective. The caller rolls
// the image by a random offset each step (see jitter.h), so seams fall
// somewhere else every step and never become visible.
#include <cstdint>
#include <vector>

#include "dream/gradient_source.h"

namespace dream {

struct Tile {
  int64_t y0, x0, height, width;
};

// Cuts `length` into ceil(length / tile) near-equal [begin, end) pieces.
std::vector<std::pair<int64_t, int64_t>> split_axis(int64_t length, int64_t tile);
// Row-major tile grid of an height x width image. Throws if tile < 1.
std::vector<Tile> tile_grid(int64_t height, int64_t width, int64_t tile);

// 1xCxHxW crop / paste of a tile.
Tensor crop_tile(const Tensor& image, const Tile& t);
void paste_tile(Tensor& image, const Tensor& tile, const Tile& t);

// The objective (area-weighted sum over tiles) and its gradient. With one
// tile this is exactly source.objective_and_gradient(image, grad). Throws
// dream::Error if a tile would be smaller than source.min_input_size().
double tiled_objective_and_gradient(GradientSource& source, const Tensor& image, int64_t tile, Tensor& grad);

}  // namespace dream
