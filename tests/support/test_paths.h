#pragma once
// Where tests find their data. Paths are baked in by CMake; a test whose data
// is missing must FAIL (not skip), with a message that says what to install.
#include <string>

namespace dream::test {

inline std::string shared_dir() { return DREAM_SHARED_DIR; }
inline std::string weights_dir() { return std::string(DREAM_SHARED_DIR) + "/weights"; }
inline std::string source_dir() { return DREAM_SOURCE_DIR; }
inline std::string binary_dir() { return DREAM_BINARY_DIR; }
inline std::string onnx_node_dir() { return DREAM_ONNX_NODE_DIR; }
inline std::string darknet_data_dir() { return DREAM_DARKNET_DATA_DIR; }

// Throws (so the test fails) naming the path and the remedy, if path is absent.
void require_path(const std::string& path, const std::string& remedy);
// True if something (file, directory, ...) exists at path.
bool file_exists(const std::string& path);

}  // namespace dream::test
