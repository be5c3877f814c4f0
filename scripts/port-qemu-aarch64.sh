#!/usr/bin/env bash
# Run an aarch64 Linux executable on this (x86-64) machine with qemu-user,
# finding its dynamic loader and libraries in Debian's cross tree. Used as
# CMAKE_CROSSCOMPILING_EMULATOR by cmake/toolchains/aarch64-linux-gnu.cmake.
exec qemu-aarch64 -L "${QEMU_LD_PREFIX:-/usr/aarch64-linux-gnu}" "$@"
