#include "tools/cli/flag_parser.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "tensor/edit_distance.h"
#include "tensor/error.h"

namespace dream::cli {

FlagParser::FlagParser(std::string program, std::string usage, std::string description)
    : program_(std::move(program)), usage_(std::move(usage)), description_(std::move(description)) {}

void FlagParser::value(const std::string& name, const std::string& short_name, const std::string& metavar,
                       const std::string& help, const std::string& default_text,
                       std::function<void(const std::string&)> set) {
  Spec s;
  s.name = name;
  s.short_name = short_name;
  s.metavar = metavar;
  s.help = help;
  s.default_text = default_text;
  s.takes_value = true;
  s.set_value = std::move(set);
  specs_.push_back(std::move(s));
}

void FlagParser::flag(const std::string& name, const std::string& short_name, const std::string& help,
                      std::function<void()> set) {
  Spec s;
  s.name = name;
  s.short_name = short_name;
  s.help = help;
  s.set_switch = std::move(set);
  specs_.push_back(std::move(s));
}

const FlagParser::Spec* FlagParser::find(const std::string& name) const {
  for (const Spec& s : specs_)
    if (s.name == name || (!s.short_name.empty() && s.short_name == name)) return &s;
  return nullptr;
}

std::string FlagParser::suggestion(const std::string& name) const {
  std::string best;
  size_t best_d = 4;  // only suggest close names
  for (const Spec& s : specs_) {
    const size_t d = edit_distance(name, s.name);
    if (d < best_d) {
      best_d = d;
      best = s.name;
    }
  }
  return best.empty() ? "" : " (did you mean " + best + "?)";
}

std::vector<std::string> FlagParser::parse(int argc, const char* const* argv) const {
  std::vector<std::string> positional;
  bool flags_done = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (flags_done || arg.size() < 2 || arg[0] != '-') {
      positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_done = true;
      continue;
    }
    std::string name = arg, inline_value;
    bool has_inline = false;
    const size_t eq = arg.find('=');
    if (arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      name = arg.substr(0, eq);
      inline_value = arg.substr(eq + 1);
      has_inline = true;
    }
    const Spec* s = find(name);
    if (!s) throw Error("unknown flag " + name + suggestion(name) + "; see " + program_ + " --help");
    if (!s->takes_value) {
      if (has_inline) throw Error(name + " takes no value");
      s->set_switch();
      continue;
    }
    if (!has_inline) {
      if (i + 1 >= argc) throw Error(name + " needs a value (" + s->metavar + ")");
      inline_value = argv[++i];
    }
    s->set_value(inline_value);
  }
  return positional;
}

std::string FlagParser::help() const {
  std::string out = "usage: " + program_ + " " + usage_ + "\n\n" + description_ + "\n\nflags:\n";
  for (const Spec& s : specs_) {
    std::string left = "  " + (s.short_name.empty() ? std::string() : s.short_name + ", ") + s.name;
    if (s.takes_value) left += " " + s.metavar;
    if (left.size() < 30)
      left.resize(30, ' ');
    else
      left += "\n" + std::string(30, ' ');
    out += left + s.help;
    if (!s.default_text.empty()) out += " (default: " + s.default_text + ")";
    out += "\n";
  }
  return out;
}

int64_t FlagParser::to_int(const std::string& flag, const std::string& text, int64_t lo, int64_t hi) {
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE)
    throw Error(flag + " expects an integer, got '" + text + "'");
  if (v < lo || v > hi)
    throw Error(flag + " must be in " + std::to_string(lo) + ".." + std::to_string(hi) + ", got " + text);
  return v;
}

double FlagParser::to_double(const std::string& flag, const std::string& text, double lo, double hi) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v))
    throw Error(flag + " expects a number, got '" + text + "'");
  if (v < lo || v > hi)
    throw Error(flag + " must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " + text);
  return v;
}

SizeWH parse_size(const std::string& flag, const std::string& text, int64_t max_side) {
  const size_t x = text.find_first_of("xX");
  if (x == std::string::npos) throw Error(flag + " expects WIDTHxHEIGHT (e.g. 512x512), got '" + text + "'");
  const int64_t w = FlagParser::to_int(flag + " width", text.substr(0, x), 1, max_side);
  const int64_t h = FlagParser::to_int(flag + " height", text.substr(x + 1), 1, max_side);
  return {w, h};
}

}  // namespace dream::cli
