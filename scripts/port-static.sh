#!/usr/bin/env bash
# The device build: library and tools only, fully static (-DDREAM_STATIC=ON),
# no OpenBLAS, configured as if Catch2 and Google Benchmark were not
# installed, to prove neither is needed for it. Prints the stripped size of
# `dream` and checks that it runs and has no dynamic section.
#   scripts/port-static.sh          (BUILD_DIR=build-static, OPENMP=ON|OFF, JOBS=N)
# Cross builds: CMAKE_ARGS="-DCMAKE_TOOLCHAIN_FILE=$PWD/cmake/toolchains/aarch64-linux-gnu.cmake"
# STRIP=aarch64-linux-gnu-strip (the binary is then not run here).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR="${BUILD_DIR:-build-static}"
JOBS="${JOBS:-$(nproc)}"
# shellcheck disable=SC2086
cmake -S . -B "$BUILD_DIR" -DDREAM_STATIC=ON -DDREAM_BLAS=OFF -DDREAM_OPENMP="${OPENMP:-ON}" \
  -DCMAKE_DISABLE_FIND_PACKAGE_Catch2=ON -DCMAKE_DISABLE_FIND_PACKAGE_benchmark=ON ${CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS"

tool="$BUILD_DIR/tools/dream"
if readelf -d "$tool" 2>/dev/null | grep -q NEEDED; then
  echo "$tool still needs shared libraries:" >&2
  readelf -d "$tool" | grep NEEDED >&2
  exit 1
fi
stripped="$BUILD_DIR/dream.stripped"
"${STRIP:-strip}" -o "$stripped" "$tool"
echo "static dream: $(stat -c %s "$tool") bytes, stripped $(stat -c %s "$stripped") bytes"
if [[ -z "${CMAKE_ARGS:-}" ]]; then
  "$stripped" --version
fi
