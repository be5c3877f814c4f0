#pragma once
// Per-layer timing of Graph::forward and of the backward pass it records, for
// the bench (bench/bench_dream_step.cpp, DREAM_PROFILE=1) and
// `dream --profile`. Off by default; when off it costs Graph::forward one
// boolean test per layer.
//
// How backward is attributed to layers: when on, Graph::forward puts an
// identity "profile" op on the tape after each layer (and one on the input).
// The tape runs its entries in exact reverse order, so the time between two
// consecutive markers' backward closures is the backward of the layer
// between them. The markers copy one gradient each (a memcpy per layer), so
// profiled runs are slightly slower than plain ones.
//
// Passes add up: a new Graph::forward closes the previous pass, and print()
// shows per-layer sums over every pass since enable() (one step of the bench,
// or every tile, step and octave of `dream --profile`).
//
// Not thread safe: profile one forward/backward at a time.
#include <cstdio>
#include <string>

#include "autograd/tape.h"

namespace dream::nn::profile {

void enable(bool on);  // also clears what was recorded
bool enabled();
void clear();

// For Graph::forward: the input gets a marker (returns the marked Variable).
autograd::Variable mark_input(autograd::Tape& tape, const autograd::Variable& input);
// For Graph::forward: records layer `name` (Caffe kind, forward FLOPs, forward
// milliseconds) and returns `out` wrapped in its backward marker.
autograd::Variable after_layer(autograd::Tape& tape, const std::string& name, const std::string& kind, double flops,
                               double forward_ms, const autograd::Variable& out);

// Table: layer, kind, forward ms and GFLOP/s, backward ms and GFLOP/s
// (backward-to-input of a convolution does the same FLOPs as its forward),
// then totals per kind.
void print(std::FILE* out);

}  // namespace dream::nn::profile
