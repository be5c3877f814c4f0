#include "nn/profile.h"

#include <chrono>
#include <map>
#include <vector>

namespace dream::nn::profile {

namespace {

using Clock = std::chrono::steady_clock;

struct Row {
  std::string name, kind;
  double flops = 0.0;       // forward FLOPs (multiply-add = 2)
  double forward_ms = 0.0;
  Clock::time_point backward_mark{};  // when this layer's marker ran in backward
  bool has_mark = false;
};

struct State {
  bool on = false;
  std::vector<Row> rows;
  Clock::time_point input_mark{};  // backward reached the input: end of the first layer's backward
  bool has_input_mark = false;
};

State& state() {
  static State s;
  return s;
}

// Identity on the tape whose backward notes the time, then passes the
// gradient through (a copy: the tape frees grad_out after this entry).
autograd::Variable marker(autograd::Tape& tape, const autograd::Variable& x, int row) {
  if (!x.requires_grad()) return x;
  autograd::GradSlot slot = x.grad_slot();
  return tape.record("profile", x.value(), {x}, [slot, row](const Tensor& grad_out) {
    State& s = state();
    if (row < 0) {
      s.input_mark = Clock::now();
      s.has_input_mark = true;
    } else if (static_cast<size_t>(row) < s.rows.size()) {
      s.rows[static_cast<size_t>(row)].backward_mark = Clock::now();
      s.rows[static_cast<size_t>(row)].has_mark = true;
    }
    autograd::accumulate_grad(slot, grad_out.clone());
  });
}

double gflops(double flops, double ms) { return ms > 0.0 ? flops / (ms * 1e6) : 0.0; }

}  // namespace

void enable(bool on) {
  clear();
  state().on = on;
}
bool enabled() { return state().on; }
void clear() {
  State& s = state();
  s.rows.clear();
  s.has_input_mark = false;
}

autograd::Variable mark_input(autograd::Tape& tape, const autograd::Variable& input) {
  if (!enabled()) return input;
  return marker(tape, input, -1);
}

autograd::Variable after_layer(autograd::Tape& tape, const std::string& name, const std::string& kind, double flops,
                               double forward_ms, const autograd::Variable& out) {
  if (!enabled()) return out;
  State& s = state();
  s.rows.push_back(Row{name, kind, flops, forward_ms, {}, false});
  return marker(tape, out, static_cast<int>(s.rows.size()) - 1);
}

void print(std::FILE* out) {
  const State& s = state();
  // Backward of row i runs from its own marker to the previous row's marker
  // (or the input marker for the first row).
  std::vector<double> back(s.rows.size(), 0.0);
  for (size_t i = 0; i < s.rows.size(); ++i) {
    if (!s.rows[i].has_mark) continue;
    const bool prev_ok = i == 0 ? s.has_input_mark : s.rows[i - 1].has_mark;
    if (!prev_ok) continue;
    const Clock::time_point end = i == 0 ? s.input_mark : s.rows[i - 1].backward_mark;
    back[i] = std::chrono::duration<double, std::milli>(end - s.rows[i].backward_mark).count();
  }
  std::fprintf(out, "%-34s %-14s %9s %8s %9s %8s\n", "layer", "kind", "fwd ms", "GFLOP/s", "bwd ms", "GFLOP/s");
  struct Sum {
    double f = 0, b = 0, flops = 0, bflops = 0;
  };
  std::map<std::string, Sum> by_kind;
  Sum total;
  for (size_t i = 0; i < s.rows.size(); ++i) {
    const Row& r = s.rows[i];
    const double bflops = back[i] > 0.0 ? r.flops : 0.0;
    std::fprintf(out, "%-34s %-14s %9.2f %8.1f %9.2f %8.1f\n", r.name.c_str(), r.kind.c_str(), r.forward_ms,
                 gflops(r.flops, r.forward_ms), back[i], gflops(bflops, back[i]));
    for (Sum* t : {&by_kind[r.kind], &total}) {
      t->f += r.forward_ms;
      t->b += back[i];
      t->flops += r.flops;
      t->bflops += bflops;
    }
  }
  std::fprintf(out, "-- per kind --\n");
  for (const auto& [kind, t] : by_kind)
    std::fprintf(out, "%-34s %-14s %9.2f %8.1f %9.2f %8.1f\n", "", kind.c_str(), t.f, gflops(t.flops, t.f), t.b,
                 gflops(t.bflops, t.b));
  std::fprintf(out, "%-34s %-14s %9.2f %8.1f %9.2f %8.1f\n", "total", "", total.f, gflops(total.flops, total.f),
               total.b, gflops(total.bflops, total.b));
}

}  // namespace dream::nn::profile
