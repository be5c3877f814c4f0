#!/bin/sh
# Convolution speed as a fraction of the machine's FMA peak, both measured in
# this run (issue 5's target: >= 60% for GoogLeNet's shapes, forward and
# backward-to-input). Builds bench_fma_peak and bench_conv (Release, benchmarks
# on), then for each thread count: the peak of the widest SIMD level this CPU
# has, and all 57 conv layers at 512x512 network input through the dispatcher
# with the weights' packed forms kept between calls, as each network layer keeps them
# (what the engine runs; Winograd layers count direct-conv FLOPs, so theirs is
# an "effective" rate and may exceed 100%), plus each inception module's
# stacked 1x1 convolution, which the engine runs instead of its 1x1,
# 3x3_reduce and 5x5_reduce (nn/pointwise_fusion.h). The summary at the end
# lists the directions below 60%, then those of them the engine runs.
#
#   bench/conv_efficiency.sh [THREADS...]      (default: 1 2)
# Environment: DREAM_BUILD (default <checkout>/build-bench), DREAM_INPUT (224 or 512, default 512).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${DREAM_BUILD:-$root/build-bench}
input=${DREAM_INPUT:-512}
[ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DDREAM_BENCH=ON >/dev/null
cmake --build "$build" --target bench_fma_peak bench_conv -j2 >/dev/null
threads=${*:-1 2}
# Each figure is the median of 5 runs, taken in random order among all the
# others (random interleaving), so that a burst of load from elsewhere on a
# shared machine lands on one run of a layer rather than on all five.
repeat="--benchmark_repetitions=5 --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for t in $threads; do
  "$build/bench/bench_fma_peak" --benchmark_filter="/$t/" $repeat --benchmark_format=json >"$tmp/peak$t.json" 2>/dev/null
  OMP_NUM_THREADS=$t "$build/bench/bench_conv" --benchmark_filter="^(forward|backward_input)/.*/$input/blocked/real_time\$" \
    --benchmark_min_time=0.1 $repeat --benchmark_format=json >"$tmp/conv$t.json" 2>/dev/null
done
# The network's order, for the table (the runs above come in random order).
"$build/bench/bench_conv" --benchmark_list_tests=true >"$tmp/order.txt"
exec /usr/bin/python3 - "$tmp" "$input" $threads <<'PY'
import json, sys
tmp, size, threads = sys.argv[1], sys.argv[2], sys.argv[3:]
print("| threads | layer (%s input) | forward GFLOP/s | %% of peak | backward-input GFLOP/s | %% of peak |" % size)
print("|---|---|---|---|---|---|")
summary = []
# Inside an inception module these three run only as part of the stacked
# {1x1,3x3_reduce,5x5_reduce} convolution (nn/pointwise_fusion.h); alone only
# when a user asks for one's pre-ReLU blob. Their own rows are kept for scale.
def stacked_in_engine(layer):
    return layer.startswith("inception_") and layer.split("/")[1] in ("1x1", "3x3_reduce", "5x5_reduce")
medians = lambda f: [b for b in json.load(open(f))["benchmarks"] if b.get("aggregate_name") == "median"]
order = {}  # layer -> its place in the network
for line in open("%s/order.txt" % tmp):
    order.setdefault("/".join(line.strip().split("/")[1:-3]), len(order))
for t in threads:
    peaks = {b["run_name"].split("/")[1]: b["GFLOP/s"] for b in medians("%s/peak%s.json" % (tmp, t)) if "GFLOP/s" in b}
    level = next(l for l in ("avx512", "avx2", "scalar") if l in peaks)
    peak = peaks[level]
    rows, below, below_run = {}, [], []
    for b in medians("%s/conv%s.json" % (tmp, t)):
        kind, layer = b["run_name"].split("/")[0], "/".join(b["run_name"].split("/")[1:-3])
        rows.setdefault(layer, {})[kind] = b["GFLOP/s"]
    for layer, r in sorted(rows.items(), key=lambda item: order.get(item[0], len(order))):
        f, bw = r.get("forward"), r.get("backward_input")
        cell = lambda v: ("%.0f" % v, "%.0f%%" % (100 * v / peak)) if v else ("-", "-")
        misses = ["%s %s %.0f%%" % (layer, kind, 100 * v / peak)
                  for kind, v in (("forward", f), ("backward-input", bw)) if v and v < 0.6 * peak]
        below += misses
        if not stacked_in_engine(layer): below_run += misses
        print("| %s | %s | %s | %s | %s | %s |" % ((t, layer) + cell(f) + cell(bw)))
    print("| %s | FMA peak (%s, measured) | %.0f | 100%% | | |" % (t, level, peak))
    summary.append("%s thread(s): %d of %d layer directions below 60%% of peak%s" %
                   (t, len(below), 2 * len(rows), (": " + ", ".join(below)) if below else ""))
    summary.append("  of them as the engine runs them (sibling 1x1s counted stacked): %d%s" %
                   (len(below_run), (": " + ", ".join(below_run)) if below_run else ""))
print()
print("\n".join(summary))
PY
