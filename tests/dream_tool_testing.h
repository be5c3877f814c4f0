#pragma once
// Shared by the tests that run the `dream` tool as a child process
// (test_dream_tool, test_dream_tool_param): run it, capture what it printed,
// and check the one-line refusal every bad input must give.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/test_paths.h"

namespace dream::test {

struct DreamRun {
  int exit_code;
  std::string out, err;
};

// <build dir>/<name>, created if missing: each test program its own, so
// programs running in parallel never share output files.
inline std::string tool_work_dir(const std::string& name) {
  const std::string d = binary_dir() + "/" + name;
  mkdir(d.c_str(), 0777);
  return d;
}

// The file's text, then removes the file.
inline std::string take_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::remove(path.c_str());
  return ss.str();
}

// Runs <build>/tools/dream with `args` (a shell fragment), stdout and stderr
// captured through files in `dir`.
inline DreamRun run_dream_tool(const std::string& args, const std::string& dir) {
  const std::string tool = binary_dir() + "/tools/dream";
  require_path(tool, "build the dream tool (cmake --build BUILD --target dream)");
  const std::string base = dir + "/run." + std::to_string(::getpid());
  const std::string cmd = tool + " " + args + " > " + base + ".out 2> " + base + ".err";
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, take_text(base + ".out"), take_text(base + ".err")};
}

// `dream args -o out` must fail with one line containing expected_text and
// leave no file at `out`.
inline void check_dream_rejected(const std::string& args, const std::string& out, const std::string& expected_text,
                                 const std::string& dir) {
  std::remove(out.c_str());
  const DreamRun r = run_dream_tool(args + " -o " + out, dir);
  INFO("dream " << args << "\nstderr: " << r.err);
  CHECK(r.exit_code != 0);
  CHECK(r.err.find(expected_text) != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);  // one clear line
  CHECK_FALSE(file_exists(out));
}

}  // namespace dream::test
