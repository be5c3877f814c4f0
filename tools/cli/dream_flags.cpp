#include "tools/cli/dream_flags.h"

#include <sstream>

#include "dream/frames.h"
#include "dream/memory_budget.h"

namespace dream::cli {

namespace {
std::string num(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}
}  // namespace

std::vector<int64_t> parse_neuron(const std::string& text) {
  std::vector<int64_t> v;
  std::stringstream ss(text);
  std::string part;
  while (std::getline(ss, part, ',')) v.push_back(FlagParser::to_int("--neuron", part, 0, 1 << 20));
  if (v.size() != 1 && v.size() != 3) throw Error("--neuron expects C or C,Y,X, got '" + text + "'");
  if (v.size() == 1) v.insert(v.end(), {-1, -1});
  return v;
}

void check_option_combinations(const DreamOptions& o) {
  const Shard shard = parse_shard(o.shard);
  if (o.blend > 0.0 && shard.count > 1)
    throw Error("--blend chains each frame to the previous output, so it cannot be split with --shard " + o.shard);
  if (o.zoom_frames > 0 && shard.count > 1)
    throw Error("--zoom-frames feeds each frame into the next, so it cannot be split with --shard " + o.shard);
  if (!o.class_spec.empty() && (!o.layers.empty() || o.channel >= 0 || !o.neuron.empty() || !o.guide.empty()))
    throw Error(
        "--class sets the objective to a class logit; do not combine it with --layer/--channel/--neuron/--guide");
  if (o.channel >= 0 && !o.neuron.empty()) throw Error("give either --channel or --neuron, not both");
  if (!o.guide.empty() && (o.channel >= 0 || !o.neuron.empty()))
    throw Error("--guide is its own objective; do not combine it with --channel/--neuron");
  if (o.param != "pixel" && o.param != "fft") throw Error("--param must be pixel or fft, got '" + o.param + "'");
  if (o.param == "fft" && o.from_noise.empty())
    throw Error("--param fft optimises a spectrum from noise: give --from-noise WxH instead of an INPUT image");
  if (o.param == "fft" && (o.zoom_frames > 0 || o.original_colors))
    throw Error("--param fft makes one image from noise; it cannot be combined with --zoom-frames/--original-colors");
  if (o.objective != "mean-squares" && o.objective != "mean")
    throw Error("--objective must be mean-squares or mean, got '" + o.objective + "'");
}

void add_dream_flags(FlagParser& p, DreamOptions& o) {
  DreamSettings& s = o.settings;
  const DreamSettings d;
  p.value("--output", "-o", "FILE", "output image (.png or .jpg); a directory for frame runs", o.output,
          [&o](const std::string& v) { o.output = v; });
  p.value("--model", "", "FILE", "weights (.safetensors)", "$DREAM_MODEL, ~/.cache/dream.cpp, <checkout>/weights",
          [&o](const std::string& v) { o.model = v; });
  p.value("--layer", "", "NAME[:W]", "blob to dream on, repeatable with weights (see --list-layers)", kDefaultLayer,
          [&o](const std::string& v) { o.layers.push_back(v); });
  p.value("--objective", "", "KIND", "layer objective: mean-squares or mean", o.objective,
          [&o](const std::string& v) { o.objective = v; });
  p.value("--channel", "", "N", "maximise one channel of the layer", "off",
          [&o](const std::string& v) { o.channel = FlagParser::to_int("--channel", v, 0, 1 << 20); });
  p.value("--neuron", "", "C[,Y,X]", "maximise one neuron (default position: centre)", "off",
          [&o](const std::string& v) { o.neuron = v; });
  p.value("--class", "", "LABEL|N", "maximise an ImageNet class logit (e.g. 'bald eagle' or 22)", "off",
          [&o](const std::string& v) { o.class_spec = v; });
  p.value("--guide", "", "IMAGE", "follow the features of a guide image", "off",
          [&o](const std::string& v) { o.guide = v; });
  p.value("--octaves", "", "N", "pyramid levels", std::to_string(d.octaves),
          [&s](const std::string& v) { s.octaves = static_cast<int>(FlagParser::to_int("--octaves", v, 1, 64)); });
  p.value("--octave-scale", "", "S", "size ratio between levels", num(d.octave_scale),
          [&s](const std::string& v) { s.octave_scale = FlagParser::to_double("--octave-scale", v, 1.0001, 16.0); });
  p.value("--iterations", "", "N", "gradient steps per octave", std::to_string(d.iterations),
          [&s](const std::string& v) {
            s.iterations = static_cast<int>(FlagParser::to_int("--iterations", v, 0, 100000));
          });
  p.value("--step", "", "S", "step size (mean pixel change per step)", num(d.step),
          [&s](const std::string& v) { s.step = FlagParser::to_double("--step", v, 0.0, 255.0); });
  p.value("--jitter", "", "PX", "max random shift per step", std::to_string(d.jitter),
          [&s](const std::string& v) { s.jitter = FlagParser::to_int("--jitter", v, 0, 4096); });
  p.value("--tile", "", "PX", "gradient tile size (memory bound)", std::to_string(d.tile),
          [&s](const std::string& v) { s.tile = FlagParser::to_int("--tile", v, 1, 32768); });
  p.value("--max-memory", "", "SIZE", "memory cap (e.g. 256M, 1.5G): shrinks --tile to fit, or refuses", "off",
          [&o](const std::string& v) { o.max_memory = parse_memory_size("--max-memory", v); });
  p.value(
      "--seed", "", "N", "random seed (jitter, transforms, noise)", std::to_string(d.seed),
      [&s](const std::string& v) { s.seed = static_cast<uint64_t>(FlagParser::to_int("--seed", v, 0, INT64_MAX)); });
  p.flag("--lap-norm", "", "Laplacian-pyramid gradient normalisation (TF notebook)",
         [&s]() { s.laplacian_normalisation = true; });
  p.value("--lap-levels", "", "N", "levels for --lap-norm", std::to_string(d.laplacian_levels),
          [&s](const std::string& v) {
            s.laplacian_levels = static_cast<int>(FlagParser::to_int("--lap-levels", v, 0, 16));
          });
  p.value("--tv", "", "W", "total-variation penalty", num(d.regularisers.tv_weight),
          [&s](const std::string& v) { s.regularisers.tv_weight = FlagParser::to_double("--tv", v, 0.0, 1e6); });
  p.value("--l2", "", "W", "L2 decay towards the mean colour", num(d.regularisers.l2_weight),
          [&s](const std::string& v) { s.regularisers.l2_weight = FlagParser::to_double("--l2", v, 0.0, 1e6); });
  p.value("--blur-every", "", "K", "Gaussian blur every K steps (0: never)", std::to_string(d.regularisers.blur_every),
          [&s](const std::string& v) {
            s.regularisers.blur_every = static_cast<int>(FlagParser::to_int("--blur-every", v, 0, 100000));
          });
  p.value("--blur-sigma", "", "PX", "blur sigma", num(d.regularisers.blur_sigma), [&s](const std::string& v) {
    s.regularisers.blur_sigma = static_cast<float>(FlagParser::to_double("--blur-sigma", v, 0.01, 64.0));
  });
  p.value("--pad", "", "PX", "robustness: pad with the mean colour", std::to_string(d.transforms.pad),
          [&s](const std::string& v) { s.transforms.pad = FlagParser::to_int("--pad", v, 0, 1024); });
  p.value("--transform-jitter", "", "PX", "robustness: random crop", std::to_string(d.transforms.jitter),
          [&s](const std::string& v) { s.transforms.jitter = FlagParser::to_int("--transform-jitter", v, 0, 1024); });
  p.value(
      "--random-scale", "", "F", "robustness: random scale in [1-F, 1+F]", num(d.transforms.scale_jitter),
      [&s](const std::string& v) { s.transforms.scale_jitter = FlagParser::to_double("--random-scale", v, 0.0, 0.9); });
  p.value("--random-rotate", "", "DEG", "robustness: random rotation in [-DEG, DEG]", num(d.transforms.rotate_degrees),
          [&s](const std::string& v) {
            s.transforms.rotate_degrees = FlagParser::to_double("--random-rotate", v, 0.0, 180.0);
          });
  p.flag("--robust", "",
         "Lucid's standard transforms: --pad 12 --transform-jitter 8 --random-scale 0.1 --random-rotate 10", [&s]() {
           s.transforms.pad = 12;
           s.transforms.jitter = 8;
           s.transforms.scale_jitter = 0.1;
           s.transforms.rotate_degrees = 10.0;
         });
  p.value("--param", "", "KIND",
          "pixel, or fft: Lucid's decorrelated-colour spectrum (needs --from-noise; one octave; Adam at --fft-lr)",
          o.param, [&o](const std::string& v) { o.param = v; });
  p.value("--fft-lr", "", "LR", "--param fft: Adam learning rate", num(o.fourier.learning_rate),
          [&o](const std::string& v) { o.fourier.learning_rate = FlagParser::to_double("--fft-lr", v, 1e-6, 10.0); });
  p.value("--from-noise", "", "WxH", "start from noise of this size instead of INPUT", "off",
          [&o](const std::string& v) { o.from_noise = v; });
  p.flag("--original-colors", "", "keep the input's colours, dream only the luminance",
         [&o]() { o.original_colors = true; });
  p.value("--quality", "", "Q", "JPEG quality 1..100", std::to_string(o.quality),
          [&o](const std::string& v) { o.quality = static_cast<int>(FlagParser::to_int("--quality", v, 1, 100)); });
  p.value("--zoom-frames", "", "N", "zoom animation: N frames into the -o directory", "0", [&o](const std::string& v) {
    o.zoom_frames = static_cast<int>(FlagParser::to_int("--zoom-frames", v, 0, 100000));
  });
  p.value("--zoom", "", "F", "zoom factor per frame", num(o.zoom),
          [&o](const std::string& v) { o.zoom = FlagParser::to_double("--zoom", v, 0.1, 10.0); });
  p.value("--zoom-rotate", "", "DEG", "rotation per frame", num(o.zoom_rotate),
          [&o](const std::string& v) { o.zoom_rotate = FlagParser::to_double("--zoom-rotate", v, -180.0, 180.0); });
  p.value("--blend", "", "A", "directory runs: blend A of the previous output into each frame", num(o.blend),
          [&o](const std::string& v) { o.blend = FlagParser::to_double("--blend", v, 0.0, 1.0); });
  p.value("--shard", "", "I/N", "directory runs: only frames k with k mod N == I", o.shard,
          [&o](const std::string& v) { o.shard = v; });
  p.value("--threads", "", "N", "worker threads", "all cores",
          [&o](const std::string& v) { o.threads = static_cast<int>(FlagParser::to_int("--threads", v, 1, 1024)); });
  p.flag("--quiet", "-q", "no progress output", [&o]() { o.quiet = true; });
  p.flag("--profile", "", "at the end, time and GFLOP/s per layer on stderr (forward and backward)",
         [&o]() { o.profile = true; });
  p.flag("--list-layers", "", "list the blobs one can dream on, with shapes for a 224x224 input",
         [&o]() { o.list_layers = true; });
  p.flag("--version", "", "version, SIMD level, GEMM backend", [&o]() { o.version = true; });
  p.flag("--help", "-h", "this text", [&o]() { o.help = true; });
}

}  // namespace dream::cli
