#pragma once
// Progress of a dream on stderr: a redrawn one-line bar (octave, step, it/s,
// ETA) when stderr is a terminal, one plain line per finished octave
// otherwise (logs, CI), nothing when quiet.
#include <chrono>
#include <cstdio>
#include <string>

#include "dream/dreamer.h"

namespace dream::cli {

enum class ProgressStyle { Bar, Lines, Quiet };
// Bar if `stream` is a terminal, else Lines; Quiet if quiet.
ProgressStyle choose_progress_style(std::FILE* stream, bool quiet);

class ProgressBar {
 public:
  ProgressBar(ProgressStyle style, std::FILE* out = stderr, std::string label = "");
  void update(const DreamProgress& p);
  void message(const std::string& text);  // a line that does not break the bar
  void finish();                          // ends the bar line

  // "1:05", "12:03:09"
  static std::string format_duration(double seconds);
  // The bar line for a state (exposed for tests).
  static std::string render(const DreamProgress& p, double elapsed_s, double octave_elapsed_s, int width);

 private:
  using Clock = std::chrono::steady_clock;
  ProgressStyle style_;
  std::FILE* out_;
  std::string label_;
  Clock::time_point start_, octave_start_;  // start_: construction, i.e. just before the first step
  bool bar_open_ = false;
  int octave_ = -1;
};

}  // namespace dream::cli
