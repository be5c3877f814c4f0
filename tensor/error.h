#pragma once
// The one error type of the engine. Functions that can fail on user input
// (files, shapes, names, flags) throw dream::Error with a message that names
// the thing that is wrong; tools print e.what() and exit non-zero.
#include <stdexcept>
#include <string>

namespace dream {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace dream
