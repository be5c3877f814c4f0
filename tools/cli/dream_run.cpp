#include "tools/cli/dream_run.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "dream/frames.h"
#include "dream/image.h"
#include "dream/memory_budget.h"
#include "dream/network_gradient.h"
#include "dream/octave_pyramid.h"
#include "dream/original_colors.h"
#include "nn/profile.h"
#include "tensor/parallel.h"
#include "tools/cli/progress_bar.h"
#include "weights/model_path.h"

namespace dream::cli {

namespace {

bool is_directory(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string parent_directory(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Fails early (before any dreaming) if `file` could not be written.
void check_output_file(const std::string& file) {
  if (!is_supported_output_extension(file))
    throw Error("output '" + file + "': unknown image type (use a .png, .jpg or .jpeg name)");
  if (is_directory(file)) throw Error("output '" + file + "' is a directory; give a file name");
  const std::string dir = parent_directory(file);
  if (!is_directory(dir)) throw Error("output directory '" + dir + "' does not exist");
  if (access(dir.c_str(), W_OK) != 0) throw Error("output directory '" + dir + "' is not writable");
  // access() says yes to root even on read-only or pseudo file systems:
  // really create (and remove) a file there before spending minutes dreaming.
  const std::string probe = file + ".probe-" + std::to_string(static_cast<long>(getpid()));
  const int fd = open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0) throw Error("cannot write output '" + file + "': " + std::strerror(errno));
  close(fd);
  unlink(probe.c_str());
}

// Output directory for frame runs: created if missing (one level).
void prepare_output_directory(const std::string& dir) {
  if (!is_directory(dir) && mkdir(dir.c_str(), 0777) != 0)
    throw Error("cannot create output directory '" + dir + "': " + std::strerror(errno));
  if (access(dir.c_str(), W_OK) != 0) throw Error("output directory '" + dir + "' is not writable");
}

ChannelRange network_range(const PixelTransform& t) {
  ChannelRange r;
  for (size_t k = 0; k < 3; ++k) {
    r.lo[k] = -t.mean[k];
    r.hi[k] = 255.0f - t.mean[k];
  }
  return r;
}

std::string stem(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  const size_t dot = name.find_last_of('.');
  return dot == std::string::npos ? name : name.substr(0, dot);
}

void check_input_size(const Tensor& x, int64_t min_size, const std::string& what) {
  if (std::min(x.h(), x.w()) < min_size)
    throw Error(what + " is " + std::to_string(x.w()) + "x" + std::to_string(x.h()) + ", smaller than the " +
                std::to_string(min_size) + " pixels the chosen layer needs");
}

// Dreams one network-space image with progress on stderr.
Tensor dream_with_progress(GradientSource& source, const Tensor& x, const DreamSettings& settings,
                           const DreamOptions& o, const std::string& label) {
  ProgressBar bar(choose_progress_style(stderr, o.quiet), stderr, label);
  DreamCallbacks cb;
  cb.on_step = [&bar](const DreamProgress& p) { bar.update(p); };
  bool said = false;
  cb.on_message = [&bar, &said](const std::string& m) {
    if (!said) bar.message(m);
    said = true;
  };
  // --param fft optimises a spectrum: only the noise image's size is used.
  Tensor out = o.param == "fft"
                   ? dream_fourier(source, x.h(), x.w(), settings, o.fourier, caffe_googlenet_transform(), cb)
                   : dream_image(source, x, settings, cb);
  bar.finish();
  return out;
}

void say(const DreamOptions& o, const std::string& text) {
  if (!o.quiet) std::fprintf(stderr, "%s\n", text.c_str());
}

// --max-memory: the largest tile whose estimated peak fits the cap (see
// dream/memory_budget.h), or a one-line refusal naming what is needed.
void fit_tile_to_memory_cap(const DreamOptions& o, const models::GoogLeNet& net, const Objective& objective,
                            int64_t min_size, const Tensor& image, DreamSettings& settings) {
  if (o.max_memory <= 0) return;
  const std::vector<std::string> wanted = objective.blobs();
  MemoryRequest r;
  r.height = image.h();
  r.width = image.w();
  r.octaves = settings.octaves;
  r.octave_scale = settings.octave_scale;
  r.min_size = min_size;
  r.tile = o.settings.tile;
  // Forward activations up to the deepest dreamed blob (network order).
  r.activation_bytes = [&net, &wanted](int64_t th, int64_t tw) {
    const std::vector<models::BlobInfo> blobs = net.blobs(th, tw);
    size_t last = 0;
    for (size_t i = 0; i < blobs.size(); ++i)
      if (std::find(wanted.begin(), wanted.end(), blobs[i].name) != wanted.end()) last = i;
    int64_t bytes = 0;
    for (size_t i = 0; i <= last && i < blobs.size(); ++i) bytes += 4 * shape_numel(blobs[i].shape);
    return bytes;
  };
  const TileChoice choice = choose_tile(r, o.max_memory);
  if (!choice.fits) throw Error(choice.message);
  if (choice.tile != settings.tile)
    say(o, "note: --tile " + std::to_string(choice.tile) + " to stay under --max-memory " +
               format_bytes(o.max_memory) + " (estimated peak " + format_bytes(choice.estimate.total()) + ")");
  settings.tile = choice.tile;
}

}  // namespace

Objective build_objective(const DreamOptions& o, const models::GoogLeNet& net) {
  Objective objective;
  if (!o.class_spec.empty()) {
    ObjectiveTerm t;
    t.blob = "loss3/classifier";
    t.kind = ObjectiveKind::ClassLogit;
    t.channel = resolve_class(net.labels(), o.class_spec);
    objective.terms.push_back(t);
    return objective;
  }
  std::vector<std::string> specs = o.layers;
  if (specs.empty()) specs.push_back(kDefaultLayer);
  Tensor guide_input;
  if (!o.guide.empty()) {
    guide_input = image_to_network_input(load_image(o.guide), caffe_googlenet_transform());
    // Features of a guide larger than a tile would cost memory for nothing.
    const int64_t longest = std::max(guide_input.h(), guide_input.w());
    if (longest > 512) {
      const double f = 512.0 / static_cast<double>(longest);
      guide_input = resize_image(guide_input, std::max<int64_t>(1, std::llround(guide_input.h() * f)),
                                 std::max<int64_t>(1, std::llround(guide_input.w() * f)));
    }
  }
  for (const std::string& spec : specs) {
    const auto [name, weight] = parse_weighted_name(spec);
    ObjectiveTerm t;
    t.blob = net.canonical_blob_name(name);
    t.weight = weight;
    t.kind = o.objective == "mean" ? ObjectiveKind::Mean : ObjectiveKind::MeanSquares;
    if (o.channel >= 0) {
      t.kind = ObjectiveKind::Channel;
      t.channel = o.channel;
    } else if (!o.neuron.empty()) {
      const std::vector<int64_t> n = parse_neuron(o.neuron);
      t.kind = ObjectiveKind::Neuron;
      t.channel = n[0];
      t.y = n[1];
      t.x = n[2];
    } else if (!o.guide.empty()) {
      t.kind = ObjectiveKind::Guide;
      check_input_size(guide_input, net.min_input_size(t.blob), "guide image '" + o.guide + "'");
      t.guide_features = blob_activation(net, guide_input, t.blob);
    }
    objective.terms.push_back(t);
  }
  return objective;
}

std::string list_layers_text(const models::GoogLeNet& net) {
  std::string out = "blobs of bvlc_googlenet for a 224x224 input (name, shape, receptive field, stride):\n";
  for (const models::BlobInfo& b : net.blobs(224, 224)) {
    char line[256];
    std::snprintf(line, sizeof line, "  %-36s %-16s rf %4lld  stride %3lld\n", b.name.c_str(),
                  shape_string(b.shape).c_str(), static_cast<long long>(b.receptive_field),
                  static_cast<long long>(b.stride));
    out += line;
  }
  return out;
}

int run_dream_command(const DreamOptions& o) {
  check_option_combinations(o);
  o.settings.validate();
  if (o.threads > 0) set_max_threads(o.threads);
  const Shard shard = parse_shard(o.shard);
  const bool noise = !o.from_noise.empty();
  if (!o.list_layers && noise == !o.input.empty())
    throw Error(noise ? "give either INPUT or --from-noise, not both"
                      : "no input: give an image file, a directory of frames or --from-noise WxH");
  const bool directory_run = !noise && !o.input.empty() && is_directory(o.input);
  const bool frame_run = directory_run || o.zoom_frames > 0;
  if (!frame_run && !o.list_layers) check_output_file(o.output);
  if (o.blend > 0.0 && !directory_run) throw Error("--blend applies to directory runs only");

  // Read the input before the (slower) model so a bad file fails fast.
  const PixelTransform transform = caffe_googlenet_transform();
  std::vector<std::string> frame_files;
  Tensor input;
  if (noise) {
    const SizeWH size = parse_size("--from-noise", o.from_noise, kMaxNoiseSide);
    input = noise_image(size.height, size.width, o.settings.seed, network_range(transform));
  } else if (directory_run) {
    frame_files = list_frame_files(o.input);
  } else if (!o.list_layers) {
    input = image_to_network_input(load_image(o.input), transform);
  }

  const std::string model_path = weights::find_model_file(o.model);
  const models::GoogLeNet net = models::GoogLeNet::load(model_path);
  if (o.list_layers) {
    std::fputs(list_layers_text(net).c_str(), stdout);
    return 0;
  }
  Objective objective = build_objective(o, net);
  NetworkGradient source(net, objective);
  DreamSettings settings = o.settings;
  settings.range = network_range(transform);
  const auto start = std::chrono::steady_clock::now();
  nn::profile::enable(o.profile);

  if (!frame_run) {
    check_input_size(input, source.min_input_size(), noise ? "--from-noise" : "input '" + o.input + "'");
    fit_tile_to_memory_cap(o, net, objective, source.min_input_size(), input, settings);
    Tensor out = dream_with_progress(source, input, settings, o, "");
    Tensor rgb = network_to_pixels(out, transform);
    if (o.original_colors) rgb = transfer_luminance(rgb, network_to_pixels(input, transform));
    save_image(tensor_to_image(rgb), o.output, o.quality);
  } else {
    prepare_output_directory(o.output);
    const int64_t count = directory_run ? static_cast<int64_t>(frame_files.size()) : o.zoom_frames;
    Tensor previous_out;
    for (int64_t k = 0; k < count; ++k) {
      if (!shard.selects(k)) continue;
      Tensor frame;
      std::string out_path;
      if (directory_run) {
        frame = image_to_network_input(load_image(frame_files[static_cast<size_t>(k)]), transform);
        if (o.blend > 0.0 && !previous_out.empty() && previous_out.shape() == frame.shape())
          frame = blend_frames(frame, previous_out, o.blend);
        out_path = o.output + "/" + stem(frame_files[static_cast<size_t>(k)]) + ".png";
      } else {
        frame = k == 0 ? input
                       : pixels_to_network(
                             zoom_frame(network_to_pixels(previous_out, transform), o.zoom, o.zoom_rotate), transform);
        out_path = numbered_frame_path(o.output, k);
      }
      check_input_size(frame, source.min_input_size(), "frame " + std::to_string(k));
      fit_tile_to_memory_cap(o, net, objective, source.min_input_size(), frame, settings);
      settings.seed = frame_seed(o.settings.seed, k);
      Tensor out = dream_with_progress(source, frame, settings, o,
                                       "frame " + std::to_string(k + 1) + "/" + std::to_string(count) + " ");
      Tensor rgb = network_to_pixels(out, transform);
      if (o.original_colors) rgb = transfer_luminance(rgb, network_to_pixels(frame, transform));
      save_image(tensor_to_image(rgb), out_path, o.quality);
      previous_out = std::move(out);
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  char buf[64];
  std::snprintf(buf, sizeof buf, " (%.1f s)", seconds);
  say(o, "wrote " + o.output + buf);
  if (o.profile) nn::profile::print(stderr);
  return 0;
}

}  // namespace dream::cli
