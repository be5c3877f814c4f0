#pragma once
// The command-line flag parser of every dream* tool: declare each flag once
// with its help text and default, and get parsing, `--help` text and
// "unknown flag (did you mean ...)" errors from the same table. Tools with a
// hand-written usage text (dream-classify, dream-layers, dream-convert) just
// do not call help().
//
// Accepted forms: --name VALUE, --name=VALUE, -x VALUE (short alias), bare
// --name for switches; "--" ends flags; everything else is positional.
// Errors are dream::Error naming the flag.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace dream::cli {

class FlagParser {
 public:
  FlagParser(std::string program, std::string usage, std::string description);

  // A flag taking a value. `set` is called for every occurrence (repeatable
  // flags just keep appending). `default_text` is shown in --help.
  void value(const std::string& name, const std::string& short_name, const std::string& metavar,
             const std::string& help, const std::string& default_text, std::function<void(const std::string&)> set);
  // A switch (no value).
  void flag(const std::string& name, const std::string& short_name, const std::string& help, std::function<void()> set);

  // Parses argv[1..]; returns the positional arguments.
  std::vector<std::string> parse(int argc, const char* const* argv) const;
  std::string help() const;

  // Typed conversions with the flag in the message.
  static int64_t to_int(const std::string& flag, const std::string& text, int64_t lo, int64_t hi);
  static double to_double(const std::string& flag, const std::string& text, double lo, double hi);

 private:
  struct Spec {
    std::string name, short_name, metavar, help, default_text;
    bool takes_value = false;
    std::function<void(const std::string&)> set_value;
    std::function<void()> set_switch;
  };
  const Spec* find(const std::string& name) const;
  std::string suggestion(const std::string& name) const;

  std::string program_, usage_, description_;
  std::vector<Spec> specs_;
};

// "640x480" (or "640X480") -> {640, 480}, each side in 1..max_side; throws
// naming `flag` otherwise.
struct SizeWH {
  int64_t width, height;
};
SizeWH parse_size(const std::string& flag, const std::string& text, int64_t max_side);

}  // namespace dream::cli
