#pragma once
// The `dream` tool's options: one struct, one flag table (names, defaults and
// help text in one place, so --help always lists every flag with its
// default), and the translation into the library's settings.
#include <cstdint>
#include <string>
#include <vector>

#include "dream/dreamer.h"
#include "dream/fourier_dream.h"
#include "tools/cli/flag_parser.h"

namespace dream::cli {

struct DreamOptions {
  std::string input;  // image file or directory of frames (positional)
  std::string output = "dream.png";
  std::string model;                // empty: the search order of weights/model_path.h
  std::vector<std::string> layers;  // NAME[:WEIGHT]; empty: inception_4c/output
  std::string objective = "mean-squares";
  int64_t channel = -1;
  std::string neuron;      // "C" or "C,Y,X"
  std::string class_spec;  // label or index
  std::string guide;       // guide image file
  std::string from_noise;  // "WxH"
  bool original_colors = false;
  int quality = 95;
  int zoom_frames = 0;
  double zoom = 1.05;
  double zoom_rotate = 0.0;
  double blend = 0.0;
  std::string shard = "0/1";
  int threads = 0;  // 0: all
  int64_t max_memory = 0;  // bytes; 0: no cap (--max-memory)
  bool quiet = false, list_layers = false, help = false, version = false;
  bool profile = false;  // --profile: nn/profile.h table at the end
  DreamSettings settings;  // octaves, step, jitter, tile, seed, regularisers, transforms
  std::string param = "pixel";  // pixel, or fft (dream/fourier_dream.h; needs --from-noise)
  FourierSettings fourier;      // --param fft: Adam learning rate (--fft-lr)
};

inline constexpr const char* kDefaultLayer = "inception_4c/output";
inline constexpr int64_t kMaxNoiseSide = 16384;

// Declares every flag of the tool on `parser`, writing into `options`.
void add_dream_flags(FlagParser& parser, DreamOptions& options);

// "C" or "C,Y,X" -> {C, Y, X} with Y = X = -1 when absent.
std::vector<int64_t> parse_neuron(const std::string& text);

// Options that contradict each other (e.g. --blend with several shards);
// throws naming the flags.
void check_option_combinations(const DreamOptions& options);

}  // namespace dream::cli
