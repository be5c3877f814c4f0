#include "dream/frames.h"

#include <dirent.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "dream/rng.h"

namespace dream {

Shard parse_shard(const std::string& text) {
  const size_t slash = text.find('/');
  auto bad = [&]() { return Error("--shard '" + text + "': expected i/n with 0 <= i < n (e.g. 0/3, 1/3, 2/3)"); };
  if (slash == std::string::npos || slash == 0 || slash + 1 == text.size()) throw bad();
  const std::string a = text.substr(0, slash), b = text.substr(slash + 1);
  auto digits = [](const std::string& s) {
    return s.size() <= 9 && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
  };
  if (!digits(a) || !digits(b)) throw bad();
  Shard s{std::stoll(a), std::stoll(b)};
  if (s.count < 1 || s.index >= s.count) throw bad();
  return s;
}

uint64_t frame_seed(uint64_t seed, int64_t frame) { return mix_seed(seed, static_cast<uint64_t>(frame)); }

Tensor zoom_frame(const Tensor& image, double factor, double degrees) {
  if (image.rank() != 4) throw Error("zoom_frame: expected NCHW, got " + shape_string(image.shape()));
  if (!(factor > 0.0) || !std::isfinite(factor)) throw Error("--zoom must be a positive factor");
  const int64_t h = image.h(), w = image.w(), planes = image.n() * image.c();
  const double cy = (static_cast<double>(h) - 1.0) / 2.0, cx = (static_cast<double>(w) - 1.0) / 2.0;
  const double a = degrees * 3.14159265358979323846 / 180.0, c = std::cos(a) / factor, s = std::sin(a) / factor;
  Tensor out(image.shape());
  for (int64_t y = 0; y < h; ++y)
    for (int64_t x = 0; x < w; ++x) {
      const double dy = static_cast<double>(y) - cy, dx = static_cast<double>(x) - cx;
      const double sy = std::clamp(c * dy - s * dx + cy, 0.0, static_cast<double>(h - 1));
      const double sx = std::clamp(s * dy + c * dx + cx, 0.0, static_cast<double>(w - 1));
      const int64_t y0 = static_cast<int64_t>(sy), x0 = static_cast<int64_t>(sx);
      const int64_t y1 = std::min(y0 + 1, h - 1), x1 = std::min(x0 + 1, w - 1);
      const float fy = static_cast<float>(sy - static_cast<double>(y0)),
                  fx = static_cast<float>(sx - static_cast<double>(x0));
      for (int64_t p = 0; p < planes; ++p) {
        const float* in = image.data() + p * h * w;
        const float top = in[y0 * w + x0] * (1 - fx) + in[y0 * w + x1] * fx;
        const float bottom = in[y1 * w + x0] * (1 - fx) + in[y1 * w + x1] * fx;
        out[(p * h + y) * w + x] = top * (1 - fy) + bottom * fy;
      }
    }
  return out;
}

Tensor blend_frames(const Tensor& frame, const Tensor& previous, double alpha) {
  check_same_shape(frame, previous, "blend (frame vs previous output)");
  if (!(alpha >= 0.0 && alpha <= 1.0)) throw Error("--blend must be in [0, 1]");
  Tensor out(frame.shape());
  const float a = static_cast<float>(alpha);
  for (int64_t i = 0; i < out.numel(); ++i) out[i] = (1.0f - a) * frame[i] + a * previous[i];
  return out;
}

std::vector<std::string> list_frame_files(const std::string& directory) {
  DIR* dir = opendir(directory.c_str());
  if (!dir) throw Error("cannot read frame directory '" + directory + "'");
  std::vector<std::string> files;
  while (dirent* e = readdir(dir)) {
    std::string name = e->d_name;
    const size_t dot = name.find_last_of('.');
    if (name[0] == '.' || dot == std::string::npos) continue;
    std::string ext = name.substr(dot + 1);
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    static const char* kExts[] = {"jpg", "jpeg", "png", "bmp", "tga", "ppm", "pgm", "pnm"};
    if (std::find(std::begin(kExts), std::end(kExts), ext) != std::end(kExts)) files.push_back(directory + "/" + name);
  }
  closedir(dir);
  std::sort(files.begin(), files.end());
  if (files.empty()) throw Error("frame directory '" + directory + "' holds no JPEG/PNG/BMP/TGA/PNM images");
  return files;
}

std::string numbered_frame_path(const std::string& directory, int64_t index, const std::string& extension) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "frame_%05lld.", static_cast<long long>(index));
  return directory + "/" + buf + extension;
}

}  // namespace dream
