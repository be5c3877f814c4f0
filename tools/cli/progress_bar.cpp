#include "tools/cli/progress_bar.h"

#include <unistd.h>

#include <cmath>

namespace dream::cli {

ProgressStyle choose_progress_style(std::FILE* stream, bool quiet) {
  if (quiet) return ProgressStyle::Quiet;
  return isatty(fileno(stream)) ? ProgressStyle::Bar : ProgressStyle::Lines;
}

ProgressBar::ProgressBar(ProgressStyle style, std::FILE* out, std::string label)
    : style_(style), out_(out), label_(std::move(label)), start_(Clock::now()), octave_start_(start_) {}

std::string ProgressBar::format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  const long s = std::lround(seconds);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

std::string ProgressBar::render(const DreamProgress& p, double elapsed_s, double, int width) {
  const int64_t done = p.step_index + 1;
  const double frac = p.total_steps > 0 ? static_cast<double>(done) / static_cast<double>(p.total_steps) : 1.0;
  const double rate = elapsed_s > 0 ? static_cast<double>(done) / elapsed_s : 0.0;
  // Later octaves are larger and slower; the ETA from the average rate is
  // an underestimate early on, but honest about what it is.
  const double eta = rate > 0 ? static_cast<double>(p.total_steps - done) / rate : -1.0;
  std::string bar(static_cast<size_t>(width), ' ');
  const int filled = static_cast<int>(frac * width);
  for (int i = 0; i < filled && i < width; ++i) bar[static_cast<size_t>(i)] = '#';
  char buf[256];
  std::snprintf(buf, sizeof buf, "octave %d/%d %lldx%lld step %d/%d [%s] %3.0f%% %.2f it/s ETA %s", p.octave + 1,
                p.octaves, static_cast<long long>(p.width), static_cast<long long>(p.height), p.iteration + 1,
                p.iterations, bar.c_str(), frac * 100.0, rate, format_duration(eta).c_str());
  return buf;
}

void ProgressBar::update(const DreamProgress& p) {
  if (style_ == ProgressStyle::Quiet) return;
  const auto now = Clock::now();
  if (p.octave != octave_) {
    octave_ = p.octave;
    octave_start_ = now;
  }
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double octave_elapsed = std::chrono::duration<double>(now - octave_start_).count();
  if (style_ == ProgressStyle::Bar) {
    std::fprintf(out_, "\r%s%s\x1b[K", label_.c_str(), render(p, elapsed, octave_elapsed, 20).c_str());
    bar_open_ = true;
  } else if (p.iteration + 1 == p.iterations) {
    std::fprintf(out_, "%soctave %d/%d %lldx%lld: %d steps, objective %.4g, %.1f s total\n", label_.c_str(),
                 p.octave + 1, p.octaves, static_cast<long long>(p.width), static_cast<long long>(p.height),
                 p.iterations, p.objective, elapsed);
  }
  std::fflush(out_);
}

void ProgressBar::message(const std::string& text) {
  if (style_ == ProgressStyle::Quiet) return;
  if (bar_open_) std::fprintf(out_, "\r\x1b[K");
  std::fprintf(out_, "%s\n", text.c_str());
  bar_open_ = false;
  std::fflush(out_);
}

void ProgressBar::finish() {
  if (bar_open_) std::fprintf(out_, "\n");
  bar_open_ = false;
  std::fflush(out_);
}

}  // namespace dream::cli
