// URL query strings for the collector: "a=1&b=x%20y" -> {{"a","1"},{"b","x y"}}
// ('+' is a space, as HTML forms send it). Malformed escapes are kept as
// written; names and values are returned as decoded bytes (the caller checks
// UTF-8 where it matters). Also the lookup of one request header-like value.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lakestream::collect {

std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query);
std::string PercentDecode(std::string_view s);
// The value of the first parameter named `name`, or "" when absent.
std::string QueryValue(std::string_view query, std::string_view name);

}  // namespace lakestream::collect
