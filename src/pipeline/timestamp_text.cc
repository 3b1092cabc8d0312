#include "pipeline/timestamp_text.h"

#include "pipeline/fast_text_internal.h"

namespace lakestream::pipeline {

std::string FormatTimestampUs(int64_t us) {
  std::string out;
  internal::AppendTimestampUs(&out, us);
  return out;
}

Result<int64_t> ParseTimestampUs(std::string_view text) {
  auto bad = [&] {
    return Status::InvalidArgument("timestamp: '" + std::string(text) +
                                   "' is not YYYY-MM-DDTHH:MM:SS[.ffffff]Z");
  };
  size_t pos = 0;
  auto digits = [&](int n, int64_t* value) {
    if (pos + static_cast<size_t>(n) > text.size()) return false;
    int64_t v = 0;
    for (int i = 0; i < n; ++i) {
      const char c = text[pos++];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    *value = v;
    return true;
  };
  auto expect = [&](std::string_view chars) {
    if (pos >= text.size() || chars.find(text[pos]) == std::string_view::npos) return false;
    ++pos;
    return true;
  };
  int64_t year, month, day, hour, minute, second;
  if (!digits(4, &year) || !expect("-") || !digits(2, &month) || !expect("-") || !digits(2, &day) ||
      !expect("T ") || !digits(2, &hour) || !expect(":") || !digits(2, &minute) || !expect(":") ||
      !digits(2, &second)) {
    return bad();
  }
  int64_t micros = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int n = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (n < 6) micros = micros * 10 + (text[pos] - '0');
      ++n;
      ++pos;
    }
    if (n == 0 || n > 9) return bad();
    for (; n < 6; ++n) micros *= 10;
  }
  if (!expect("Z") || pos != text.size()) return bad();
  static constexpr int kMonthDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kMonthDays[month - 1] || hour > 23 ||
      minute > 59 || second > 59) {
    return bad();
  }
  const int64_t days =
      internal::DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  if (internal::CivilFromDays(days).day != static_cast<unsigned>(day)) return bad();  // Feb 29
  return ((days * 86400 + hour * 3600 + minute * 60 + second) * 1000000) + micros;
}

}  // namespace lakestream::pipeline
