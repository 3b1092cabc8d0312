#include "common/config_values.h"

#include <cctype>
#include <charconv>
#include <string>

namespace lakestream {
namespace {

// A non-negative number followed by a unit (spaces between them allowed);
// false when there is no number or it overflows.
bool SplitNumber(std::string_view text, int64_t* n, std::string* unit) {
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), *n);
  if (ec != std::errc() || p == text.data() || *n < 0) return false;
  std::string_view rest = text.substr(static_cast<size_t>(p - text.data()));
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  unit->assign(rest);
  return true;
}

Result<int64_t> Scale(int64_t n, int64_t mult) {
  if (n > INT64_MAX / mult) return Status::InvalidArgument("too large");
  return n * mult;
}

}  // namespace

Result<int64_t> ParseDurationMicros(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("'" + std::string(text) + "' is not a duration (" + why +
                                   "; a number and ms, s, m, h or d, e.g. 30s or 1h)");
  };
  int64_t n = 0;
  std::string unit;
  if (!SplitNumber(text, &n, &unit)) return bad("no non-negative number");
  int64_t mult = 0;
  if (unit == "ms") mult = 1000;
  else if (unit == "s") mult = 1000000;
  else if (unit == "m" || unit == "min") mult = 60LL * 1000000;
  else if (unit == "h") mult = 3600LL * 1000000;
  else if (unit == "d") mult = 86400LL * 1000000;
  else return bad(unit.empty() ? "no unit" : "unknown unit '" + unit + "'");
  Result<int64_t> us = Scale(n, mult);
  if (!us.ok()) return bad("too large");
  return us;
}

Result<int64_t> ParseDurationMs(std::string_view text) {
  ASSIGN_OR_RETURN(int64_t us, ParseDurationMicros(text));
  return us / 1000;
}

Result<int64_t> ParseByteSize(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("'" + std::string(text) + "' is not a size (" + why +
                                   "; bytes, or a number and KB, MB or GB, e.g. 512MB)");
  };
  int64_t n = 0;
  std::string unit;
  if (!SplitNumber(text, &n, &unit)) return bad("no non-negative number");
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  int64_t mult = 0;
  if (unit.empty() || unit == "B") mult = 1;
  else if (unit == "K" || unit == "KB" || unit == "KIB") mult = 1LL << 10;
  else if (unit == "M" || unit == "MB" || unit == "MIB") mult = 1LL << 20;
  else if (unit == "G" || unit == "GB" || unit == "GIB") mult = 1LL << 30;
  else return bad("unknown unit '" + unit + "'");
  Result<int64_t> b = Scale(n, mult);
  if (!b.ok()) return bad("too large");
  return b;
}

Result<int64_t> ParseInt64(std::string_view text) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec == std::errc::result_out_of_range) {
    return Status::InvalidArgument("'" + std::string(text) + "' is too large for an integer");
  }
  if (ec != std::errc() || p != text.data() + text.size()) {
    return Status::InvalidArgument("'" + std::string(text) + "' is not an integer");
  }
  return v;
}

}  // namespace lakestream
