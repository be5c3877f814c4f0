// dream-classify [--model FILE] [--top N] IMAGE...
//
// ImageNet classification with bvlc_googlenet, preprocessed as Caffe/OpenCV
// (whole image resized to 224x224, BGR, minus the mean). Per image it prints
// the path, then N lines "rank<TAB>class index<TAB>probability<TAB>label" so
// scripts can read them. Errors: one line on stderr, exit status 1.
#include <algorithm>
#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

#include "dream/image.h"
#include "models/googlenet.h"
#include "models/imagenet_preprocess.h"
#include "tensor/malloc_tuning.h"
#include "tools/cli/flag_parser.h"
#include "tools/cli/version.h"
#include "weights/model_path.h"

namespace {

const char* const kUsage =
    "usage: dream-classify [--model FILE] [--top N] IMAGE...\n"
    "\n"
    "Top-N ImageNet classes of each image with bvlc_googlenet.\n"
    "  IMAGE         JPEG, PNG, BMP, ... (resized whole to 224x224, no crop)\n"
    "  --model FILE  weights (safetensors from dream-convert); default: $DREAM_MODEL,\n"
    "                then ~/.cache/dream.cpp/bvlc_googlenet.safetensors, then weights/ of the checkout\n"
    "  --top N       how many classes to print (default 5, 1..1000)\n"
    "  --help, --version\n"
    "\n"
    "Output per image: the path on a line, then N lines\n"
    "  rank<TAB>class index<TAB>probability<TAB>label\n";

void classify(const dream::models::GoogLeNet& net, const std::string& path, int64_t top) {
  const dream::Image image = dream::load_image(path);
  dream::autograd::Tape tape;
  auto x = tape.constant(dream::models::classification_input(image.pixels.data(), image.width, image.height));
  const dream::Tensor prob = net.forward(tape, x, {"prob"}).at("prob").value();  // a handle, kept past the map
  std::vector<int64_t> order(static_cast<size_t>(prob.numel()));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&prob](int64_t a, int64_t b) { return prob[a] > prob[b]; });
  std::printf("%s\n", path.c_str());
  const auto& labels = net.labels();
  for (int64_t r = 0; r < top && r < prob.numel(); ++r) {
    const int64_t c = order[static_cast<size_t>(r)];
    std::printf("%lld\t%lld\t%.6f\t%s\n", static_cast<long long>(r + 1), static_cast<long long>(c), prob[c],
                c < static_cast<int64_t>(labels.size()) ? labels[static_cast<size_t>(c)].c_str() : "");
  }
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  using dream::cli::FlagParser;
  dream::keep_freed_memory();  // each image reuses the last one's tensors
  std::string model;
  int64_t top = 5;
  bool help = false, version = false;
  FlagParser args("dream-classify", "[--model FILE] [--top N] IMAGE...", "");  // kUsage is the --help text
  args.value("--model", "", "FILE", "weights", "", [&](const std::string& v) { model = v; });
  args.value("--top", "", "N", "classes to print", "5",
             [&](const std::string& v) { top = FlagParser::to_int("--top", v, 1, 1000); });
  args.flag("--help", "-h", "usage", [&] { help = true; });
  args.flag("--version", "", "version", [&] { version = true; });
  try {
    const std::vector<std::string> images = args.parse(argc, argv);
    if (help) {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (version) {
      std::printf("%s\n", dream::cli::version_string("dream-classify").c_str());
      return 0;
    }
    if (images.empty()) throw dream::Error("dream-classify: no IMAGE given (see --help)");
    const std::string model_path = dream::weights::find_model_file(model);
    const dream::models::GoogLeNet net = dream::models::GoogLeNet::load(model_path);
    int failures = 0;
    for (const std::string& path : images) {
      try {
        classify(net, path, top);
      } catch (const dream::Error& e) {
        std::fprintf(stderr, "dream-classify: %s\n", e.what());
        ++failures;
      }
    }
    return failures ? 1 : 0;
  } catch (const std::exception& e) {
    const std::string msg = e.what();
    std::fprintf(stderr, "%s%s\n", msg.rfind("dream-classify", 0) == 0 ? "" : "dream-classify: ", msg.c_str());
    return 1;
  }
}
