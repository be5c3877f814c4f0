# Cross-compile for 64-bit ARM Linux with Debian's cross toolchain:
#   apt-get install g++-aarch64-linux-gnu qemu-user
#   cmake -S . -B build-aarch64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake \
#         -DDREAM_BLAS=OFF
# Test executables run under qemu-user (CMAKE_CROSSCOMPILING_EMULATOR), so
# catch_discover_tests can list their test cases at build time and ctest runs
# them as if natively. scripts/port-aarch64.sh does all of this in one go.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(DREAM_CROSS_TRIPLE aarch64-linux-gnu)
set(CMAKE_C_COMPILER ${DREAM_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${DREAM_CROSS_TRIPLE}-g++)

# Debian installs the target's libraries (libc, libstdc++, libgomp) under
# /usr/aarch64-linux-gnu. Libraries come only from there; headers and CMake
# package files may also come from the host's /usr, because the ones we use
# (stb, nlohmann-json, Catch2) are architecture-independent headers.
set(CMAKE_FIND_ROOT_PATH /usr/${DREAM_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)

# A wrapper rather than "qemu-aarch64;-L;..." because the emulator is also
# pasted into build-time commands (catch_discover_tests), where a list with
# arguments does not survive the trip through the shell intact.
get_filename_component(_dream_repo ${CMAKE_CURRENT_LIST_DIR}/../.. ABSOLUTE)
set(CMAKE_CROSSCOMPILING_EMULATOR ${_dream_repo}/scripts/port-qemu-aarch64.sh)
