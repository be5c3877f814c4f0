#!/usr/bin/python3
"""Ours vs PyTorch on the same DeepDream workloads, same machine, same run.

Run through bench/peer/run.sh (it builds our Release programs first). Each
measurement is its own process (so peak RSS is per engine and workload);
engines are interleaved round by round and the table shows medians over
rounds, because the machine is shared and noisy. PyTorch runs NCHW and
channels_last; the ratio uses PyTorch's faster one. Ours runs with
OMP_WAIT_POLICY=passive (what tools/dream-default.sh uses) and, for the
512x512 step, also =active, shown in its own column. PyTorch (GNU OpenMP in
Debian) runs under each OMP_WAIT_POLICY of --torch-policies (default
"passive,active") and each layout, and the table takes its best: on a quiet
machine spin-waiting (active) is PyTorch's faster setting, while on a shared,
oversubscribed one it made a 224x224 step 20x slower. Our time in the ratio
is likewise the better of the policies we ran.

Options: --rounds N (default 3), --reps N per process (default 3),
--threads 2,1, --skip-dream, --only step512 (comma list of workload keys).
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TORCH = [sys.executable if os.path.basename(sys.executable).startswith("python3") else "/usr/bin/python3",
         os.path.join(HERE, "googlenet_torch.py")]

WORKLOADS = [  # key, mode, H, W, description, GFLOP per run (forward convs; backward-to-input does the same again)
    ("step224", "step", 224, 224, "step 224x224 (fwd to 4c + input grad)"),
    ("step512", "step", 512, 512, "step 512x512"),
    ("step1024x768", "step", 768, 1024, "step 1024x768"),
    ("fwd224", "forward", 224, 224, "forward whole net 224x224"),
    ("dream", "dream", 768, 1024, "default dream 1024x768 (4 oct, 10 it)"),
]

LINE = re.compile(r"ms_median=([\d.]+) ms_min=([\d.]+) peak_rss_kb=(\d+)")


def run(cmd, env_extra, timeout=1800):
    env = dict(os.environ)
    env.update(env_extra)
    out = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)
    m = LINE.search(out.stdout)
    if out.returncode != 0 or not m:
        raise RuntimeError("failed: %s\n%s\n%s" % (" ".join(cmd), out.stdout, out.stderr))
    return float(m.group(1)), int(m.group(3)), out.stdout


def run_ours_dream(args, image, threads, policy):
    """Wall time of tools/dream (default settings, --quiet) and its peak RSS
    from /usr/bin/time -v."""
    with tempfile.TemporaryDirectory() as d:
        cmd = ["/usr/bin/time", "-v", args.dream, image, "-o", os.path.join(d, "out.png"), "--quiet",
               "--threads", str(threads), "--model", args.model]
        env = dict(os.environ, OMP_NUM_THREADS=str(threads), OMP_WAIT_POLICY=policy)
        t0 = time.perf_counter()
        out = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=3600)
        ms = (time.perf_counter() - t0) * 1e3
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr)
        if out.returncode != 0 or not m:
            raise RuntimeError("dream failed:\n" + out.stderr)
        return ms, int(m.group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", required=True, help="our bench_dream_step binary")
    ap.add_argument("--dream", required=True, help="our dream tool")
    ap.add_argument("--model", required=True, help="our .safetensors weights (for the dream tool)")
    ap.add_argument("--image", required=True, help="a 1024x768 image for the full dream")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--threads", default="2,1")
    ap.add_argument("--skip-dream", action="store_true")
    ap.add_argument("--only", default="")
    ap.add_argument("--torch-policies", default="passive,active",
                    help="comma list of OMP_WAIT_POLICY values for PyTorch; the best is taken")
    args = ap.parse_args()
    only = set(filter(None, args.only.split(",")))
    loads = [w for w in WORKLOADS if (not only or w[0] in only) and not (args.skip_dream and w[0] == "dream")]
    threads = [int(t) for t in args.threads.split(",")]

    # results[(threads, key, engine)] = list of (ms, rss_kb)
    results = {}
    for rnd in range(args.rounds):
        for t in threads:
            for key, mode, h, w, _ in loads:
                reps = 1 if mode == "dream" else args.reps
                if mode == "dream" and rnd > 0 and args.rounds > 1 and t == 1:
                    continue  # the 1-thread dream is long: one round
                engines = [("ours", "passive")] + [("torch", layout + "/" + policy) for layout in ("nchw", "cl")
                                                   for policy in args.torch_policies.split(",")]
                if key == "step512":  # spinning is slow to measure on a busy machine: one workload
                    engines.insert(1, ("ours", "active"))
                for eng, var in engines:
                    env = {"OMP_NUM_THREADS": str(t)}
                    if eng == "ours":
                        env["OMP_WAIT_POLICY"] = var
                        if mode == "dream":
                            ms, rss = run_ours_dream(args, args.image, t, var)
                        else:
                            ms, rss, _ = run([args.bench, mode, str(h), str(w), str(reps)], env)
                    else:
                        layout, policy = var.split("/")
                        env["OMP_WAIT_POLICY"] = policy
                        ms, rss, _ = run(TORCH + [mode, str(h), str(w), str(reps), str(t), layout], env)
                    results.setdefault((t, key, eng + "-" + var), []).append((ms, rss))
                    print("round %d threads %d %-14s %-14s %10.1f ms  %7.0f MB" % (rnd + 1, t, key, eng + "-" + var,
                          ms, rss / 1024), file=sys.stderr, flush=True)

    def med(t, key, eng):
        v = results.get((t, key, eng))
        if not v:
            return None, None
        return statistics.median(x[0] for x in v), max(x[1] for x in v)

    def best_torch(t, key, layout):
        """(ms, rss) of PyTorch's fastest OMP_WAIT_POLICY for this layout."""
        runs = [med(t, key, "torch-%s/%s" % (layout, p)) for p in args.torch_policies.split(",")]
        runs = [r for r in runs if r[0] is not None]
        return min(runs) if runs else (None, None)

    print()
    print("| threads | workload | ours ms (passive) | ours ms (active) | torch NCHW ms | torch CL ms | "
          "ours-best/torch-best time | ours RSS MB | torch RSS MB | RSS ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for t in threads:
        for key, mode, h, w, desc in loads:
            op, orss = med(t, key, "ours-passive")
            oa, _ = med(t, key, "ours-active")
            tn, trn = best_torch(t, key, "nchw")
            tc, trc = best_torch(t, key, "cl")
            best = min(x for x in (tn, tc) if x is not None)
            trss = trc if best == tc else trn
            ours = min(x for x in (op, oa) if x is not None)
            f = lambda x: "-" if x is None else "%.1f" % x
            print("| %d | %s | %s | %s | %s | %s | **%.2f** (%.2fx %s) | %.0f | %.0f | %.2f |" % (
                t, desc, f(op), f(oa), f(tn), f(tc), ours / best, best / ours,
                "faster" if ours < best else "slower", orss / 1024, trss / 1024, orss / trss))
    print()
    print("medians over %d round(s) of per-process medians of %d rep(s); torch columns: the faster of "
          "OMP_WAIT_POLICY=%s; RSS = peak of the process (PyTorch's includes its ~250 MB import)."
          % (args.rounds, args.reps, " / ".join(args.torch_policies.split(","))))


if __name__ == "__main__":
    main()
