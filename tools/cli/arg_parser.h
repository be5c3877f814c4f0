#pragma once
// A tiny command-line parser for the dream-* tools: declared options
// ("--top N" or "--top=N"), boolean flags ("--help") and positional
// arguments. Anything undeclared is an error naming the argument, so a typo
// never silently falls back to a default.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace dream::cli {

class ArgParser {
 public:
  explicit ArgParser(std::string program) : program_(std::move(program)) {}

  void add_option(const std::string& name) { options_.insert(name); }  // takes a value
  void add_flag(const std::string& name) { flags_.insert(name); }      // takes none

  // Throws dream::Error("<program>: ...") for an unknown option or a
  // missing value.
  void parse(int argc, const char* const* argv);

  bool has(const std::string& name) const { return values_.count(name) || set_flags_.count(name); }
  std::string value(const std::string& name, const std::string& fallback = "") const;
  // Integer value in [min, max]; throws naming the option otherwise.
  int64_t int_value(const std::string& name, int64_t fallback, int64_t min, int64_t max) const;
  const std::vector<std::string>& positional() const { return positional_; }
  const std::string& program() const { return program_; }

 private:
  std::string program_;
  std::set<std::string> options_, flags_, set_flags_;
  std::map<std::string, std::string> values_;
  std::vector<std::string> positional_;
};

// "640x480" -> {640, 480}; throws naming the option for anything else.
struct SizeWH {
  int64_t width, height;
};
SizeWH parse_size(const std::string& option, const std::string& text);

}  // namespace dream::cli
