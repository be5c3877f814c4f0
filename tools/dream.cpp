// dream: DeepDream an image (or noise, a zoom sequence, a directory of
// frames) with bvlc_googlenet. A thin layer over dream/: parse flags, run,
// print one clear line and exit non-zero on any error.
#include <cstdio>
#include <exception>
#include <new>

#include "tensor/malloc_tuning.h"
#include "tools/cli/dream_flags.h"
#include "tools/cli/dream_run.h"
#include "tools/cli/flag_parser.h"
#include "tools/cli/version.h"

int main(int argc, char** argv) {
  using namespace dream::cli;
  dream::keep_freed_memory();  // every step reuses the last one's tensors
  DreamOptions options;
  FlagParser parser("dream",
                    "INPUT [-o OUTPUT] [flags]   (INPUT: image file, directory of frames, or --from-noise WxH)",
                    "DeepDream with bvlc_googlenet on the CPU. Defaults follow Google's 2015 notebook.");
  add_dream_flags(parser, options);
  try {
    const std::vector<std::string> positional = parser.parse(argc, argv);
    if (options.help) {
      std::fputs(parser.help().c_str(), stdout);
      return 0;
    }
    if (options.version) {
      std::printf("%s\n", version_string("dream").c_str());
      return 0;
    }
    if (positional.size() > 1)
      throw dream::Error("expected one INPUT, got " + std::to_string(positional.size()) + " (see dream --help)");
    if (!positional.empty()) options.input = positional[0];
    return run_dream_command(options);
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "dream: error: out of memory (try a smaller --tile or image)\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dream: error: %s\n", e.what());
  }
  return 1;
}
