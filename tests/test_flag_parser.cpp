// The command-line flag parser of every dream* tool: value and switch flags,
// short aliases, inline values, "--", repeats, errors that name the flag
// (with a suggestion for typos), typed conversions and WIDTHxHEIGHT sizes.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tensor/error.h"
#include "tensor/edit_distance.h"
#include "tools/cli/flag_parser.h"

using namespace dream;

TEST_CASE("flag parser: values, switches, repeats, unknown flags with suggestions") {
  cli::FlagParser p("prog", "IN", "test");
  int64_t n = 0;
  bool on = false;
  std::vector<std::string> layers;
  p.value("--iterations", "-i", "N", "steps", "10",
          [&](const std::string& v) { n = cli::FlagParser::to_int("--iterations", v, 0, 100); });
  p.value("--layer", "", "NAME", "layer", "x", [&](const std::string& v) { layers.push_back(v); });
  p.flag("--quiet", "-q", "quiet", [&]() { on = true; });
  const char* argv[] = {"prog", "in.png", "--iterations=5", "-q", "--layer", "a", "--layer", "b:0.5"};
  const auto pos = p.parse(8, argv);
  CHECK(pos == std::vector<std::string>{"in.png"});
  CHECK(n == 5);
  CHECK(on);
  CHECK(layers == std::vector<std::string>{"a", "b:0.5"});
  const char* typo[] = {"prog", "--iteratons", "3"};
  CHECK_THROWS_WITH(p.parse(3, typo), Catch::Contains("did you mean --iterations"));
  const char* range[] = {"prog", "--iterations", "1000"};
  CHECK_THROWS_WITH(p.parse(3, range), Catch::Contains("--iterations"));
  const char* missing[] = {"prog", "--layer"};
  CHECK_THROWS_WITH(p.parse(2, missing), Catch::Contains("--layer needs a value"));
  CHECK(p.help().find("(default: 10)") != std::string::npos);
}

TEST_CASE("flag parser: short aliases, \"--\" ends flags, switches take no value, unknown names are named") {
  cli::FlagParser p("tool", "IMAGE...", "test");
  std::string model;
  bool help = false;
  p.value("-o", "", "FILE", "output", "", [&](const std::string& v) { model = v; });
  p.flag("--help", "-h", "usage", [&]() { help = true; });
  const char* argv[] = {"tool", "a.jpg", "-o", "m.npy", "b.jpg", "-", "--", "--help", "-h"};
  const auto pos = p.parse(9, argv);
  CHECK(model == "m.npy");
  CHECK_FALSE(help);  // after "--" it is a positional
  CHECK(pos == std::vector<std::string>{"a.jpg", "b.jpg", "-", "--help", "-h"});
  const char* alias[] = {"tool", "-h"};
  p.parse(2, alias);
  CHECK(help);
  const char* inline_switch[] = {"tool", "--help=yes"};
  CHECK_THROWS_WITH(p.parse(2, inline_switch), Catch::Contains("--help takes no value"));
  const char* unknown[] = {"tool", "--frobnicate", "x"};
  CHECK_THROWS_WITH(p.parse(3, unknown), Catch::Contains("unknown flag --frobnicate"));
}

TEST_CASE("flag parser: integer, number and size conversions name the flag") {
  CHECK(cli::FlagParser::to_int("--top", "7", 1, 1000) == 7);
  CHECK_THROWS_WITH(cli::FlagParser::to_int("--top", "5x", 1, 1000), Catch::Contains("--top expects an integer"));
  CHECK_THROWS_WITH(cli::FlagParser::to_int("--top", "", 1, 1000), Catch::Contains("--top"));
  CHECK_THROWS_WITH(cli::FlagParser::to_int("--top", "0", 1, 1000), Catch::Contains("--top must be in 1..1000"));
  CHECK_THROWS_WITH(cli::FlagParser::to_int("--top", "99999999999999999999", 1, 1000), Catch::Contains("--top"));
  CHECK(cli::FlagParser::to_double("--step", "1.5", 0.0, 255.0) == 1.5);
  CHECK_THROWS_WITH(cli::FlagParser::to_double("--step", "nan", 0.0, 255.0), Catch::Contains("--step"));
  CHECK_THROWS_WITH(cli::FlagParser::to_double("--step", "300", 0.0, 255.0), Catch::Contains("--step"));

  CHECK(cli::parse_size("--size", "500x375", 65536).width == 500);
  CHECK(cli::parse_size("--size", "500X375", 65536).height == 375);
  CHECK_THROWS_WITH(cli::parse_size("--size", "500", 65536), Catch::Contains("--size"));
  CHECK_THROWS_WITH(cli::parse_size("--size", "0x3", 65536), Catch::Contains("--size"));
  CHECK_THROWS_WITH(cli::parse_size("--from-noise", "100000x10", 4096), Catch::Contains("--from-noise width"));
  CHECK_THROWS_WITH(cli::parse_size("--from-noise", "10x", 4096), Catch::Contains("--from-noise height"));
  CHECK(dream::edit_distance("--iteratons", "--iterations") == 1);
  CHECK(dream::edit_distance("", "abc") == 3);
}
