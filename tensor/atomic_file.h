#pragma once
// Writing a whole file "atomically": the bytes go to a temporary file beside
// the target, which is renamed over it only once every byte is written and
// the file is closed. Readers (and parallel processes) never see a partial
// file, and a failed write leaves neither the target nor the temporary.
#include <cstdio>
#include <functional>
#include <string>

namespace dream {

// Opens `temp_path` (same directory as `path`, so rename is atomic), calls
// `write` with it (write returns false on a short write), closes it and
// renames it to `path`. On any failure the temporary is removed and
// dream::Error is thrown: "<context>: <what failed, naming temp_path>: <errno text>".
void write_file_atomically(const std::string& path, const std::string& temp_path, const std::string& context,
                           const std::function<bool(std::FILE*)>& write);

}  // namespace dream
