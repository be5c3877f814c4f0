#!/usr/bin/env bash
# dream.cpp set-up in one command.
#   ./build.sh run    install what is missing, build, dream the default image
#   ./build.sh test   install what is missing, build, run the whole test suite
# Options through the environment:
#   BUILD_DIR=build   CMAKE_ARGS="-DDREAM_BLAS=OFF ..."   SKIP_INSTALL=1   JOBS=N
set -euo pipefail
cd "$(dirname "$0")"

mode="${1:-}"
if [[ "$mode" != run && "$mode" != test ]]; then
  echo "usage: ./build.sh run|test" >&2
  exit 2
fi

BUILD_DIR="${BUILD_DIR:-build}"
JOBS="${JOBS:-$(nproc)}"
# Debian packages: compiler and build, BLAS/threads, image I/O, JSON header
# of our weight files, and (for tests/benchmarks) Catch2, Google Benchmark,
# the ONNX node test data and darknet's test photos (dog.jpg is the main
# job's default image); curl is what weights/fetch downloads with.
PACKAGES=(g++ cmake make libopenblas-dev libstb-dev nlohmann-json3-dev curl ca-certificates)
if [[ "$mode" == test ]]; then
  PACKAGES+=(catch2 libbenchmark-dev libonnx-testdata darknet python3)
else
  PACKAGES+=(darknet)
fi

install_missing() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  echo "== installing: ${missing[*]}"
  local sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "need root or sudo to apt-get install ${missing[*]}" >&2; exit 1; }
    sudo=sudo
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

[[ "${SKIP_INSTALL:-0}" == 1 ]] || install_missing

extra=()
[[ "$mode" == run ]] && extra+=(-DDREAM_TESTS=OFF -DDREAM_BENCH=OFF)
# shellcheck disable=SC2086
cmake -S . -B "$BUILD_DIR" "${extra[@]}" ${CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS"

if [[ "$mode" == test ]]; then
  cd "$BUILD_DIR"
  # Passive OpenMP waiting: ctest runs JOBS test programs at once, each with
  # its own thread team, and spinning barriers on shared cores cost 10x.
  OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}" ctest --output-on-failure -j "$JOBS" ${CTEST_ARGS:-}
else
  exec scripts/dream-default.sh "$BUILD_DIR"
fi
