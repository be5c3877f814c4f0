// dream-layers [--model FILE] [--size WxH]
// dream-layers [--model FILE] --input IMAGE --dump BLOB -o FILE.npy
//
// Lists every addressable blob of bvlc_googlenet with its shape for an input
// size, its channel count, receptive field and stride in input pixels (and
// its TensorFlow-style alias), so users can choose what to dream on. With
// --dump it writes one blob's activation for an image, fed at its own size,
// as a NumPy .npy file (float32, 1xCxHxW) to compare with other engines.
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dream/image.h"
#include "models/googlenet.h"
#include "models/googlenet_architecture.h"
#include "models/imagenet_preprocess.h"
#include "tools/cli/flag_parser.h"
#include "tools/cli/npy_writer.h"
#include "tools/cli/version.h"
#include "weights/model_path.h"

namespace {

// Flag values; empty when the flag was not given.
struct LayersOptions {
  std::optional<std::string> model, size, input, dump, output;
  bool help = false, version = false;
};

const char* const kUsage =
    "usage: dream-layers [--model FILE] [--size WxH]\n"
    "       dream-layers [--model FILE] --input IMAGE --dump BLOB -o FILE.npy\n"
    "\n"
    "Lists bvlc_googlenet's blobs: name, shape (NxCxHxW), channels, receptive field\n"
    "and stride (input pixels), TensorFlow-style alias.\n"
    "  --size WxH     input size for the shapes (default 224x224)\n"
    "  --model FILE   weights (safetensors); default: $DREAM_MODEL, then\n"
    "                 ~/.cache/dream.cpp/bvlc_googlenet.safetensors, then weights/ of the checkout.\n"
    "                 Listing works without weights; --dump needs them.\n"
    "  --input IMAGE  image fed at its own size (BGR minus the mean, no resize)\n"
    "  --dump BLOB    blob to write (Caffe name or alias, e.g. inception_4c/output, mixed4c)\n"
    "  -o FILE.npy    output, NumPy float32 1xCxHxW (written to FILE.npy.tmp, then renamed)\n"
    "  --help, --version\n";

int list_blobs(const LayersOptions& o) {
  const auto size = dream::cli::parse_size("--size", o.size.value_or("224x224"), 65536);
  dream::models::GoogLeNet net = dream::models::GoogLeNet::with_random_weights(0);
  // Shapes need no weights, but an explicitly named model must be loadable.
  if (o.model) net = dream::models::GoogLeNet::load(dream::weights::find_model_file(*o.model));

  std::map<std::string, std::string> alias_of;
  for (const auto& a : dream::models::googlenet_tf_aliases()) alias_of[a.second] = a.first;
  std::printf("# bvlc_googlenet blobs for a %lldx%lld (WxH) input\n", static_cast<long long>(size.width),
              static_cast<long long>(size.height));
  std::printf("%-36s %-18s %8s %10s %7s  %s\n", "# blob", "shape", "channels", "receptive", "stride", "alias");
  const auto blobs = net.blobs(size.height, size.width);
  for (const dream::models::BlobInfo& b : blobs) {
    auto alias = alias_of.find(b.name);
    std::printf("%-36s %-18s %8lld %10lld %7lld  %s\n", b.name.c_str(), dream::shape_string(b.shape).c_str(),
                static_cast<long long>(b.shape.at(1)), static_cast<long long>(b.receptive_field),
                static_cast<long long>(b.stride), alias == alias_of.end() ? "-" : alias->second.c_str());
  }
  if (blobs.back().name == "pool5/7x7_s1")
    std::printf("# loss3/classifier and prob need pool5/7x7_s1 at 1x1 (a 224x224 input): not listed\n");
  else if (blobs.back().name != "prob")
    std::printf("# blobs after %s need a larger input: not listed\n", blobs.back().name.c_str());
  return 0;
}

int dump_blob(const LayersOptions& o) {
  if (!o.input || !o.dump || !o.output)
    throw dream::Error("dream-layers: --dump needs --input IMAGE, --dump BLOB and -o FILE.npy together");
  if (o.size) throw dream::Error("dream-layers: --size lists shapes; --dump feeds the image at its own size");
  const auto net = dream::models::GoogLeNet::load(dream::weights::find_model_file(o.model.value_or("")));
  const std::string& blob = *o.dump;
  net.canonical_blob_name(blob);  // an unknown name fails before the image is read
  const dream::Image image = dream::load_image(*o.input);
  dream::autograd::Tape tape;
  auto x = tape.constant(dream::models::caffe_input_from_rgb(image.pixels.data(), image.width, image.height));
  const dream::Tensor value = net.forward(tape, x, {blob}).at(blob).value();  // a handle, kept past the map
  dream::cli::write_npy(*o.output, value);
  std::printf("%s: %s %s\n", o.output->c_str(), net.canonical_blob_name(blob).c_str(),
              dream::shape_string(value.shape()).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  LayersOptions o;
  auto set = [](std::optional<std::string>& field) { return [&field](const std::string& v) { field = v; }; };
  dream::cli::FlagParser args("dream-layers", "[--model FILE] [--size WxH]", "");  // kUsage is the --help text
  args.value("--model", "", "FILE", "weights", "", set(o.model));
  args.value("--size", "", "WxH", "input size", "224x224", set(o.size));
  args.value("--input", "", "IMAGE", "image", "", set(o.input));
  args.value("--dump", "", "BLOB", "blob to write", "", set(o.dump));
  args.value("-o", "", "FILE.npy", "output", "", set(o.output));
  args.flag("--help", "-h", "usage", [&o] { o.help = true; });
  args.flag("--version", "", "version", [&o] { o.version = true; });
  try {
    const std::vector<std::string> positional = args.parse(argc, argv);
    if (o.help) {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (o.version) {
      std::printf("%s\n", dream::cli::version_string("dream-layers").c_str());
      return 0;
    }
    if (!positional.empty()) throw dream::Error("dream-layers: unexpected argument " + positional[0] + " (see --help)");
    if (o.input || o.dump || o.output) return dump_blob(o);
    return list_blobs(o);
  } catch (const std::exception& e) {
    const std::string msg = e.what();
    std::fprintf(stderr, "%s%s\n", msg.rfind("dream-layers", 0) == 0 ? "" : "dream-layers: ", msg.c_str());
    return 1;
  }
}
