#!/usr/bin/env bash
# Cross-build dream.cpp for aarch64 Linux and run its test suite under
# qemu-user, so the NEON kernels are compiled and checked against the scalar
# references (tests force every SIMD level the CPU has; under qemu that is
# scalar and neon) without ARM hardware.
#   scripts/port-aarch64.sh            install what is missing, build, test
# Environment: BUILD_DIR=build-aarch64  SKIP_INSTALL=1  JOBS=N
#   CTEST_ARGS   extra ctest arguments
#   ALL_TESTS=1  also run the tests labelled real_weights (minutes each
#                under emulation) and runs_tools (they start the built tools
#                as child processes, which qemu-user cannot do without a
#                binfmt_misc registration; these fail without one)
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR="${BUILD_DIR:-build-aarch64}"
JOBS="${JOBS:-$(nproc)}"
# Debian: the cross compiler pulls in libc, libstdc++ and libgomp for arm64
# (under /usr/aarch64-linux-gnu); qemu-user runs the results. The headers we
# use (stb, nlohmann-json, Catch2) are architecture-independent.
PACKAGES=(g++-aarch64-linux-gnu qemu-user cmake make libstb-dev nlohmann-json3-dev catch2
  libonnx-testdata darknet python3)

if [[ "${SKIP_INSTALL:-0}" != 1 ]]; then
  missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [[ ${#missing[@]} -gt 0 ]]; then
    echo "== installing: ${missing[*]}"
    sudo=""
    [[ $(id -u) -ne 0 ]] && sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

# OpenBLAS off: the point is our own NEON GEMM. OpenMP on (libgomp is part of
# the cross toolchain), so the threaded chunking runs on aarch64 too.
cmake -S . -B "$BUILD_DIR" -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/toolchains/aarch64-linux-gnu.cmake" \
  -DDREAM_BLAS=OFF -DDREAM_OPENMP=ON -DDREAM_BENCH=OFF >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS"

# The emulated CPU must report NEON: otherwise the suite would only have
# checked the scalar kernels.
version=$(scripts/port-qemu-aarch64.sh "$BUILD_DIR/tools/dream-classify" --version)
echo "$version"
[[ "$version" == *"simd=neon"* ]] || { echo "aarch64 build does not pick the NEON kernels" >&2; exit 1; }

exclude=(-LE "real_weights|runs_tools")
[[ "${ALL_TESTS:-0}" == 1 ]] && exclude=()
cd "$BUILD_DIR"
# shellcheck disable=SC2086
ctest --output-on-failure --no-tests=error -j "$JOBS" "${exclude[@]}" ${CTEST_ARGS:-}
