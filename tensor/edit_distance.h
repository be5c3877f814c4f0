#pragma once
// Levenshtein distance between two strings: the "did you mean" suggestions
// for unknown layer names (models/) and unknown flags (tools/) rank by it.
#include <cstddef>
#include <string>

namespace dream {

size_t edit_distance(const std::string& a, const std::string& b);

}  // namespace dream
