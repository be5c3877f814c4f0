#!/bin/sh
# Ours vs PyTorch (Debian's python3-torch) on the DeepDream workloads of
# issue 5, in one run: builds our Release bench program and dream tool, makes
# the safetensors weights and a 1024x768 test image if missing, then runs
# compare.py (see its docstring for options, e.g. --rounds 1 --skip-dream).
#
#   bench/peer/run.sh [compare.py options]
#
# Environment: DREAM_BUILD (build dir, default <checkout>/build-peer),
# DREAM_CAFFEMODEL (default /work/shared/weights/bvlc_googlenet.caffemodel),
# DREAM_MODEL (an existing .safetensors: skips the conversion),
# DREAM_PEER_CACHE (where weights and image go, default /tmp/dream-peer).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${DREAM_BUILD:-$root/build-peer}
cache=${DREAM_PEER_CACHE:-/tmp/dream-peer}
caffemodel=${DREAM_CAFFEMODEL:-/work/shared/weights/bvlc_googlenet.caffemodel}
mkdir -p "$cache"

[ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target bench_dream_step dream dream-convert -j2 >/dev/null

model=${DREAM_MODEL:-$cache/bvlc_googlenet.safetensors}
[ -f "$model" ] || "$build/tools/dream-convert" "$caffemodel" "$model" >/dev/null
image=$cache/dog_1024x768.png
[ -f "$image" ] || /usr/bin/python3 -c "
import cv2, sys
cv2.imwrite(sys.argv[2], cv2.resize(cv2.imread(sys.argv[1]), (1024, 768), interpolation=cv2.INTER_AREA))
" /usr/share/darknet/data/dog.jpg "$image"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "ours: $("$build/tools/dream" --version 2>&1 | tr '\n' ' ')"
echo "torch: $(/usr/bin/python3 -c 'import torch; print(torch.__version__, "mkldnn", torch.backends.mkldnn.is_available())')"
exec /usr/bin/python3 "$(dirname "$0")/compare.py" --bench "$build/bench/bench_dream_step" --dream "$build/tools/dream" \
  --model "$model" --image "$image" "$@"
