#include "dream/memory_budget.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "dream/octave_pyramid.h"
#include "tensor/error.h"

namespace dream {

int64_t parse_memory_size(const std::string& flag, const std::string& text) {
  const std::string bad = flag + " expects a size like 256M, 1.5G, 512K or a byte count, got '" + text + "'";
  size_t end = 0;
  while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.')) ++end;
  if (end == 0 || std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(end), '.') > 1)
    throw Error(bad);
  const double number = std::strtod(text.substr(0, end).c_str(), nullptr);
  std::string unit;
  for (size_t i = end; i < text.size(); ++i) unit += static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
  double multiplier = 1.0;
  if (!unit.empty() && unit != "B") {
    const char prefix = unit[0];
    const std::string rest = unit.substr(1);
    if (rest != "" && rest != "B" && rest != "IB") throw Error(bad);
    const std::string prefixes = "KMGT";
    const size_t p = prefixes.find(prefix);
    if (p == std::string::npos) throw Error(bad);
    multiplier = std::pow(1024.0, static_cast<double>(p + 1));
  }
  const double bytes = number * multiplier;
  if (!(bytes >= 1.0)) throw Error(flag + " must be more than 0 bytes, got '" + text + "'");
  if (bytes > 9.0e18) throw Error(flag + " is too large: '" + text + "'");
  return static_cast<int64_t>(std::llround(bytes));
}

std::string format_bytes(int64_t bytes) {
  char buf[64];
  const double mib = static_cast<double>(bytes) / (1024.0 * 1024.0);
  if (mib >= 1024.0)
    std::snprintf(buf, sizeof buf, "%.1f GiB", mib / 1024.0);
  else
    std::snprintf(buf, sizeof buf, "%.0f MiB", std::ceil(mib));
  return buf;
}

namespace {

// The largest piece tile_grid cuts `length` into: ceil(length / n) for
// n = ceil(length / tile) near-equal pieces.
int64_t largest_piece(int64_t length, int64_t tile) {
  const int64_t n = (length + tile - 1) / tile;
  return (length + n - 1) / n;
}

}  // namespace

MemoryEstimate estimate_peak_memory(const MemoryRequest& r, const MemoryModel& m) {
  if (r.height < 1 || r.width < 1 || r.tile < 1) throw Error("memory estimate: image and tile must be at least 1x1");
  MemoryEstimate e;
  e.fixed = m.fixed_bytes;
  const OctavePlan plan = plan_octaves(r.height, r.width, r.octaves, r.octave_scale, std::max<int64_t>(1, r.min_size));
  const double full = 3.0 * 4.0 * static_cast<double>(r.height) * static_cast<double>(r.width);
  double pyramid = 0.0;  // plan.sizes[0] is the input size itself
  for (size_t i = 0; i < plan.sizes.size(); ++i)
    pyramid += (i == 0 ? 1.0 : m.smaller_level_weight) * 3.0 * 4.0 *
               static_cast<double>(plan.sizes[i].height * plan.sizes[i].width);
  const double decoded = 3.0 * static_cast<double>(r.height) * static_cast<double>(r.width);  // 8-bit RGB
  e.image = static_cast<int64_t>(pyramid + m.full_images * full + decoded);
  // The peak tile is the largest piece of the largest octave.
  const int64_t th = largest_piece(r.height, r.tile), tw = largest_piece(r.width, r.tile);
  const int64_t act = r.activation_bytes ? r.activation_bytes(th, tw) : 0;
  e.tile = static_cast<int64_t>(m.tile_factor * static_cast<double>(act));
  return e;
}

TileChoice choose_tile(const MemoryRequest& r, int64_t cap_bytes, const MemoryModel& m) {
  const int64_t smallest = std::min(r.tile, std::max<int64_t>(32, 2 * r.min_size));
  std::vector<int64_t> candidates{r.tile};
  for (int64_t t = (r.tile - 1) / 32 * 32; t >= smallest; t -= 32) candidates.push_back(t);
  if (candidates.back() != smallest) candidates.push_back(smallest);
  TileChoice choice;
  for (int64_t t : candidates) {
    MemoryRequest q = r;
    q.tile = t;
    choice.estimate = estimate_peak_memory(q, m);
    choice.tile = t;
    if (choice.estimate.total() <= cap_bytes) {
      choice.fits = true;
      return choice;
    }
  }
  choice.message = "--max-memory " + format_bytes(cap_bytes) + " is too small for a " + std::to_string(r.width) + "x" +
                   std::to_string(r.height) + " image: even with --tile " + std::to_string(choice.tile) +
                   " it needs about " + format_bytes(choice.estimate.total()) + " (" +
                   format_bytes(choice.estimate.image) + " of it for the image and its octaves); use a smaller image "
                   "or raise --max-memory";
  return choice;
}

}  // namespace dream
