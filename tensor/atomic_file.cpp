#include "tensor/atomic_file.h"

#include <cerrno>
#include <cstring>

#include "tensor/error.h"

namespace dream {

namespace {

// errno text, or a generic I/O error when the C library left errno unset
// (fwrite of a short write need not set it).
std::string reason(int err) { return std::strerror(err ? err : EIO); }

}  // namespace

void write_file_atomically(const std::string& path, const std::string& temp_path, const std::string& context,
                           const std::function<bool(std::FILE*)>& write) {
  errno = 0;
  std::FILE* f = std::fopen(temp_path.c_str(), "wb");
  if (!f) throw Error(context + ": cannot create " + temp_path + ": " + reason(errno));
  bool ok = false;
  try {
    errno = 0;
    ok = write(f) && std::fflush(f) == 0;
  } catch (...) {
    std::fclose(f);
    std::remove(temp_path.c_str());
    throw;
  }
  int err = errno;
  if (std::fclose(f) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    std::remove(temp_path.c_str());
    throw Error(context + ": writing " + temp_path + " failed: " + reason(err));
  }
  if (std::rename(temp_path.c_str(), path.c_str()) != 0) {
    err = errno;
    std::remove(temp_path.c_str());
    throw Error(context + ": cannot rename " + temp_path + " into place: " + reason(err));
  }
}

}  // namespace dream
