#!/usr/bin/env bash
# The README's main job: dream the default image with default settings.
set -euo pipefail
BUILD_DIR="${1:-build}"
cd "$(dirname "$0")/.."
if [[ -x "$BUILD_DIR/tools/dream" ]]; then
  exec scripts/dream-default.sh "$BUILD_DIR"
fi
echo "dream tool not built yet; engine smoke run:"
"$BUILD_DIR/tools/dream-smoke"
