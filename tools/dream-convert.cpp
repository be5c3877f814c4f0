// dream-convert SRC DST.safetensors [--labels FILE]
//
// Converts bvlc_googlenet weights from the formats users download (Caffe
// .caffemodel in the legacy V1 or current encoding, ONNX .onnx) to our
// safetensors file with canonical tensor names (weights/README.md). The
// source is checked against the network's parameter catalogue; on any error
// one line is printed, the exit status is 1 and no output file is written.
#include <cstdio>
#include <string>
#include <vector>

#include "tools/cli/flag_parser.h"
#include "tools/cli/version.h"
#include "weights/convert.h"

namespace {

const char* const kUsage =
    "usage: dream-convert SRC DST.safetensors [--labels FILE]\n"
    "\n"
    "Converts bvlc_googlenet weights to dream.cpp's safetensors format.\n"
    "  SRC              a Caffe .caffemodel (legacy V1 `layers` or current `layer`)\n"
    "                   or an ONNX .onnx model (model-zoo names like conv1/7x7_s2_w_0);\n"
    "                   the format is chosen by extension, else by content\n"
    "  DST.safetensors  output; written to DST.tmp and renamed when complete\n"
    "  --labels FILE    the 1000 ImageNet labels, one per line, stored in the file's\n"
    "                   metadata (default: synset_words.txt beside SRC, if present)\n"
    "  --help, --version\n"
    "\n"
    "Layers of the source that bvlc_googlenet does not use (the auxiliary training\n"
    "heads loss1/*, loss2/* of the published caffemodel) are skipped.\n";

}  // namespace

int main(int argc, char** argv) {
  dream::weights::ConvertOptions options;
  bool help = false, version = false;
  dream::cli::FlagParser args("dream-convert", "SRC DST.safetensors [--labels FILE]", "");  // kUsage is the --help text
  args.value("--labels", "", "FILE", "labels", "", [&](const std::string& v) { options.labels_path = v; });
  args.flag("--help", "-h", "usage", [&] { help = true; });
  args.flag("--version", "", "version", [&] { version = true; });
  std::vector<std::string> positional;
  try {
    positional = args.parse(argc, argv);
  } catch (const std::exception& e) {  // a usage error: exit status 2, as for a wrong path count
    std::fprintf(stderr, "dream-convert: %s\n", e.what());
    return 2;
  }
  if (help) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (version) {
    std::printf("%s\n", dream::cli::version_string("dream-convert").c_str());
    return 0;
  }
  if (positional.size() != 2) {
    std::fprintf(stderr, "dream-convert: expected SRC and DST.safetensors, got %zu path(s) (see --help)\n",
                 positional.size());
    return 2;
  }
  try {
    const auto report = dream::weights::convert_to_safetensors(positional[0], positional[1], options);
    std::printf("%s: %zu tensors, %lld parameters from %s (%s)\n", positional[1].c_str(), report.tensor_count,
                static_cast<long long>(report.parameter_count), positional[0].c_str(),
                dream::weights::source_format_name(report.format).c_str());
    if (!report.skipped_layers.empty()) {
      std::string names;
      for (const std::string& n : report.skipped_layers) names += (names.empty() ? "" : ", ") + n;
      std::printf("skipped %zu layers not in bvlc_googlenet's deploy net: %s\n", report.skipped_layers.size(),
                  names.c_str());
    }
    if (report.labels_path.empty())
      std::fprintf(stderr,
                   "dream-convert: warning: no labels stored (no synset_words.txt beside SRC; pass --labels FILE); "
                   "dream-classify will have no class names\n");
    else
      std::printf("labels from %s\n", report.labels_path.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dream-convert: %s\n", e.what());
    return 1;
  }
  return 0;
}
