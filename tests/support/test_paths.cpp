#include "tests/support/test_paths.h"

#include <sys/stat.h>

#include <stdexcept>

namespace dream::test {

void require_path(const std::string& path, const std::string& remedy) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) throw std::runtime_error("required test data missing: " + path + " (" + remedy + ")");
}

}  // namespace dream::test
