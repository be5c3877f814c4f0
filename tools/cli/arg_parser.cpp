#include "tools/cli/arg_parser.h"

#include <cerrno>
#include <cstdlib>

#include "tensor/error.h"

namespace dream::cli {

namespace {

bool parse_int(const std::string& text, int64_t& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || end != text.c_str() + text.size()) return false;
  out = v;
  return true;
}

}  // namespace

void ArgParser::parse(int argc, const char* const* argv) {
  bool only_positional = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (only_positional || arg.size() < 2 || arg[0] != '-') {
      positional_.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_positional = true;
      continue;
    }
    std::string name = arg, inline_value;
    bool has_inline = false;
    const size_t eq = arg.find('=');
    if (eq != std::string::npos && arg.compare(0, 2, "--") == 0) {
      name = arg.substr(0, eq);
      inline_value = arg.substr(eq + 1);
      has_inline = true;
    }
    if (flags_.count(name)) {
      if (has_inline) throw Error(program_ + ": " + name + " takes no value");
      set_flags_.insert(name);
    } else if (options_.count(name)) {
      if (has_inline) {
        values_[name] = inline_value;
      } else {
        if (i + 1 >= argc) throw Error(program_ + ": " + name + " needs a value (see --help)");
        values_[name] = argv[++i];
      }
    } else {
      throw Error(program_ + ": unknown option " + name + " (see --help)");
    }
  }
}

std::string ArgParser::value(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

int64_t ArgParser::int_value(const std::string& name, int64_t fallback, int64_t min, int64_t max) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  int64_t v = 0;
  if (!parse_int(it->second, v) || v < min || v > max)
    throw Error(program_ + ": " + name + " must be an integer in [" + std::to_string(min) + ", " + std::to_string(max) +
                "], got \"" + it->second + "\"");
  return v;
}

SizeWH parse_size(const std::string& option, const std::string& text) {
  const size_t x = text.find('x');
  int64_t w = 0, h = 0;
  if (x == std::string::npos || !parse_int(text.substr(0, x), w) || !parse_int(text.substr(x + 1), h) || w < 1 ||
      h < 1 || w > 65536 || h > 65536)
    throw Error(option + " must be WIDTHxHEIGHT with positive integers (e.g. 224x224), got \"" + text + "\"");
  return {w, h};
}

}  // namespace dream::cli
