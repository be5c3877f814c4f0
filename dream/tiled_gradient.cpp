#include "dream/tiled_gradient.h"

#include <algorithm>
#include <cstring>

namespace dream {

std::vector<std::pair<int64_t, int64_t>> split_axis(int64_t length, int64_t tile) {
  if (tile < 1) throw Error("tile size must be at least 1, got " + std::to_string(tile));
  if (length < 1) throw Error("cannot tile an axis of length " + std::to_string(length));
  const int64_t parts = (length + tile - 1) / tile;
  std::vector<std::pair<int64_t, int64_t>> pieces;
  pieces.reserve(static_cast<size_t>(parts));
  for (int64_t i = 0; i < parts; ++i) pieces.emplace_back(i * length / parts, (i + 1) * length / parts);
  return pieces;
}

std::vector<Tile> tile_grid(int64_t height, int64_t width, int64_t tile) {
  std::vector<Tile> tiles;
  for (const auto& [y0, y1] : split_axis(height, tile))
    for (const auto& [x0, x1] : split_axis(width, tile)) tiles.push_back({y0, x0, y1 - y0, x1 - x0});
  return tiles;
}

Tensor crop_tile(const Tensor& image, const Tile& t) {
  const int64_t planes = image.n() * image.c(), w = image.w();
  Tensor out({image.n(), image.c(), t.height, t.width});
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t y = 0; y < t.height; ++y)
      std::memcpy(out.data() + (p * t.height + y) * t.width, image.data() + (p * image.h() + t.y0 + y) * w + t.x0,
                  static_cast<size_t>(t.width) * sizeof(float));
  return out;
}

void paste_tile(Tensor& image, const Tensor& tile, const Tile& t) {
  const int64_t planes = image.n() * image.c(), w = image.w();
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t y = 0; y < t.height; ++y)
      std::memcpy(image.data() + (p * image.h() + t.y0 + y) * w + t.x0, tile.data() + (p * t.height + y) * t.width,
                  static_cast<size_t>(t.width) * sizeof(float));
}

double tiled_objective_and_gradient(GradientSource& source, const Tensor& image, int64_t tile, Tensor& grad) {
  if (image.rank() != 4) throw Error("tiled gradient: expected a 1x3xHxW image, got " + shape_string(image.shape()));
  const int64_t h = image.h(), w = image.w();
  if (h <= tile && w <= tile) return source.objective_and_gradient(image, grad);
  const std::vector<Tile> tiles = tile_grid(h, w, tile);
  const int64_t min_size = source.min_input_size();
  for (const Tile& t : tiles)
    if (std::min(t.height, t.width) < min_size)
      throw Error("tile " + std::to_string(t.width) + "x" + std::to_string(t.height) + " of a " + std::to_string(w) +
                  "x" + std::to_string(h) + " image is smaller than " + std::to_string(min_size) +
                  " pixels, the smallest input the objective accepts: use a larger --tile");
  grad = Tensor(image.shape());
  double objective = 0.0;
  const double area = static_cast<double>(h * w);
  for (const Tile& t : tiles) {
    const double share = static_cast<double>(t.height * t.width) / area;
    Tensor tile_grad;
    objective += share * source.objective_and_gradient(crop_tile(image, t), tile_grad);
    check_shape(tile_grad, {image.n(), image.c(), t.height, t.width}, "tile gradient");
    float* g = tile_grad.data();
    for (int64_t i = 0; i < tile_grad.numel(); ++i) g[i] = static_cast<float>(g[i] * share);
    paste_tile(grad, tile_grad, t);
  }
  return objective;
}

}  // namespace dream
