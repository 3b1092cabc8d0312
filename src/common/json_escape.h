// Appending JSON string literals with correct escaping. Invalid UTF-8 bytes
// are replaced by U+FFFD so the output is always valid JSON.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace lakestream {

// Appends `s` as a quoted JSON string.
void AppendJsonString(std::string_view s, std::string* out);
// True if `s` is well-formed UTF-8.
bool IsValidUtf8(std::string_view s);

}  // namespace lakestream
