#!/usr/bin/env bash
# The README's main job: dream Debian's darknet dog photo with the default
# settings (Google's notebook: inception_4c/output, 4 octaves x 10 steps)
# into out/dream-dog.png, and say where it went, how long it took and the
# peak memory.
#
# Weights: ../shared/weights/bvlc_googlenet.caffemodel beside the checkout is
# converted once into BUILD_DIR/weights/; otherwise the tool's own search
# order applies ($DREAM_MODEL, ~/.cache/dream.cpp/, <checkout>/weights/).
set -euo pipefail
BUILD_DIR="${1:-build}"
cd "$(dirname "$0")/.."

INPUT=/usr/share/darknet/data/dog.jpg
OUTPUT=out/dream-dog.png
SHARED_CAFFEMODEL=../shared/weights/bvlc_googlenet.caffemodel
CONVERTED="$BUILD_DIR/weights/bvlc_googlenet.safetensors"

model_args=()
if [[ -f "$SHARED_CAFFEMODEL" ]]; then
  if [[ ! -f "$CONVERTED" ]]; then
    mkdir -p "$(dirname "$CONVERTED")"
    "$BUILD_DIR/tools/dream-convert" "$SHARED_CAFFEMODEL" "$CONVERTED"
  fi
  model_args=(--model "$CONVERTED")
else
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/dream.cpp/bvlc_googlenet.safetensors"
  if [[ -z "${DREAM_MODEL:-}" && ! -f "$cache" && ! -f weights/bvlc_googlenet.safetensors ]]; then
    cat >&2 <<MSG
dream: no bvlc_googlenet weights found. Looked at:
  \$DREAM_MODEL (unset), $cache, $(pwd)/weights/bvlc_googlenet.safetensors
Get them with:
  weights/fetch --convert-tool $BUILD_DIR/tools/dream-convert   # downloads BVLC's bvlc_googlenet.caffemodel, checks SHA-1, converts to $cache
or convert a caffemodel you already have:
  $BUILD_DIR/tools/dream-convert bvlc_googlenet.caffemodel $cache
MSG
    exit 1
  fi
fi

if [[ ! -f "$INPUT" ]]; then
  echo "dream: the default image $INPUT is missing: apt-get install darknet" >&2
  exit 1
fi

mkdir -p out
# libgomp's default spin-waiting at barriers is ruinous when the cores are
# shared (measured on a loaded 2-core machine: 461 s spinning vs 28 s
# passive for this very run); passive waiting costs little on an idle one.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
timing=()
[[ -x /usr/bin/time ]] && timing=(/usr/bin/time -f "run time %e s, peak memory %M KiB")
"${timing[@]}" "$BUILD_DIR/tools/dream" "$INPUT" -o "$OUTPUT" "${model_args[@]}"
echo "dreamed $INPUT with default settings -> $(pwd)/$OUTPUT"
