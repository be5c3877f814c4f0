#include "tests/support/test_paths.h"

#include <sys/stat.h>

#include <stdexcept>

namespace dream::test {

bool file_exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

void require_path(const std::string& path, const std::string& remedy) {
  if (!file_exists(path)) throw std::runtime_error("required test data missing: " + path + " (" + remedy + ")");
}

}  // namespace dream::test
