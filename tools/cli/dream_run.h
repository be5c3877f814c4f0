#pragma once
// What the `dream` tool does once its flags are parsed: build the objective
// against the network, then dream one image, a zoom sequence or a directory
// of frames, writing outputs atomically. Errors are dream::Error with a
// one-line message; nothing is written for a run that fails before its
// first output.
#include "dream/objective.h"
#include "models/googlenet.h"
#include "tools/cli/dream_flags.h"

namespace dream::cli {

// The objective the options ask for (class, guide, neuron, channel, layers).
Objective build_objective(const DreamOptions& options, const models::GoogLeNet& net);

// "<name>  <shape>  rf <receptive field>" per blob for a 224x224 input.
std::string list_layers_text(const models::GoogLeNet& net);

// Runs the whole command; returns the process exit code.
int run_dream_command(const DreamOptions& options);

}  // namespace dream::cli
