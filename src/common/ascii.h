// ASCII-only text helpers for identifiers (column names, header names, keys):
// no locale, no Unicode case folding.
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

namespace lakestream {

inline char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Whether `a` and `b` are equal ignoring ASCII letter case.
inline bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

}  // namespace lakestream
