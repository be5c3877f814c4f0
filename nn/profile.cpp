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

// Sums over every forward/backward pass since enable(), per layer name, in
// the order layers first ran (a dream runs many passes: tiles, steps, octaves).
struct Total {
  std::string name, kind;
  double flops = 0.0, backward_flops = 0.0, forward_ms = 0.0, backward_ms = 0.0;
};

struct State {
  bool on = false;
  std::vector<Row> rows;  // the current pass
  Clock::time_point input_mark{};  // backward reached the input: end of the first layer's backward
  bool has_input_mark = false;
  std::vector<Total> totals;  // earlier passes, folded
  std::map<std::string, size_t> total_index;
  int64_t passes = 0;
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

// Adds the current pass to the totals and starts a new one. Backward of row
// i runs from its own marker to the previous row's marker (or the input
// marker for the first row); a layer whose backward did not run counts 0.
void fold_pass(State& s) {
  if (s.rows.empty()) return;
  for (size_t i = 0; i < s.rows.size(); ++i) {
    const Row& r = s.rows[i];
    double back = 0.0;
    const bool prev_ok = i == 0 ? s.has_input_mark : s.rows[i - 1].has_mark;
    if (r.has_mark && prev_ok) {
      const Clock::time_point end = i == 0 ? s.input_mark : s.rows[i - 1].backward_mark;
      back = std::chrono::duration<double, std::milli>(end - r.backward_mark).count();
    }
    auto [it, fresh] = s.total_index.emplace(r.name, s.totals.size());
    if (fresh) s.totals.push_back(Total{r.name, r.kind});
    Total& t = s.totals[it->second];
    t.flops += r.flops;
    t.forward_ms += r.forward_ms;
    t.backward_ms += back;
    if (back > 0.0) t.backward_flops += r.flops;
  }
  ++s.passes;
  s.rows.clear();
  s.has_input_mark = false;
}

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
  s.totals.clear();
  s.total_index.clear();
  s.passes = 0;
}

autograd::Variable mark_input(autograd::Tape& tape, const autograd::Variable& input) {
  if (!enabled()) return input;
  fold_pass(state());  // a new forward: the previous pass (if any) is complete
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
  State& s = state();
  fold_pass(s);
  if (s.passes > 1)
    std::fprintf(out, "per-layer time summed over %lld forward/backward passes\n", static_cast<long long>(s.passes));
  std::fprintf(out, "%-34s %-14s %9s %8s %9s %8s\n", "layer", "kind", "fwd ms", "GFLOP/s", "bwd ms", "GFLOP/s");
  std::map<std::string, Total> by_kind;
  Total sum;
  for (const Total& r : s.totals) {
    std::fprintf(out, "%-34s %-14s %9.2f %8.1f %9.2f %8.1f\n", r.name.c_str(), r.kind.c_str(), r.forward_ms,
                 gflops(r.flops, r.forward_ms), r.backward_ms, gflops(r.backward_flops, r.backward_ms));
    for (Total* t : {&by_kind[r.kind], &sum}) {
      t->forward_ms += r.forward_ms;
      t->backward_ms += r.backward_ms;
      t->flops += r.flops;
      t->backward_flops += r.backward_flops;
    }
  }
  std::fprintf(out, "-- per kind --\n");
  for (const auto& [kind, t] : by_kind)
    std::fprintf(out, "%-34s %-14s %9.2f %8.1f %9.2f %8.1f\n", "", kind.c_str(), t.forward_ms,
                 gflops(t.flops, t.forward_ms), t.backward_ms, gflops(t.backward_flops, t.backward_ms));
  std::fprintf(out, "%-34s %-14s %9.2f %8.1f %9.2f %8.1f\n", "total", "", sum.forward_ms,
               gflops(sum.flops, sum.forward_ms), sum.backward_ms, gflops(sum.backward_flops, sum.backward_ms));
}

}  // namespace dream::nn::profile
