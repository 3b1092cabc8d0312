#include "common/time_format.h"

#include <cstdio>

namespace lakestream {
namespace {

constexpr int64_t kMicrosPerDay = 86400LL * 1000000;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

void Append2(unsigned v, std::string* out) {
  out->push_back(static_cast<char>('0' + v / 10));
  out->push_back(static_cast<char>('0' + v % 10));
}

bool Digits(std::string_view s, size_t pos, size_t n, int64_t* v) {
  if (pos + n > s.size()) return false;
  int64_t x = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    x = x * 10 + (s[i] - '0');
  }
  *v = x;
  return true;
}

}  // namespace

// Days <-> civil date, by counting 400-year eras of 146097 days from
// 0000-03-01, so that the leap day falls at the end of each year.
CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;                                  // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);           // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                                // [0, 11]
  const unsigned d = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  const unsigned m = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  const int64_t y = yoe + era * 400 + (m <= 2);
  return {y, m, d};
}

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t mp = m > 2 ? m - 3 : m + 9;
  const int64_t doy = (153 * mp + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void AppendDate(int64_t days, std::string* out) {
  CivilDate c = CivilFromDays(days);
  char buf[32];
  int n;
  // Four digits at least; years past 9999 get more, years before 0 a '-'.
  if (c.year >= 0) {
    n = std::snprintf(buf, sizeof buf, "%04lld", static_cast<long long>(c.year));
  } else {
    n = std::snprintf(buf, sizeof buf, "-%04lld", -static_cast<long long>(c.year));
  }
  out->append(buf, static_cast<size_t>(n));
  out->push_back('-');
  Append2(c.month, out);
  out->push_back('-');
  Append2(c.day, out);
}

void AppendTimeOfDayMicros(int64_t us, std::string* out) {
  unsigned secs = static_cast<unsigned>(us / 1000000);
  unsigned frac = static_cast<unsigned>(us % 1000000);
  Append2(secs / 3600, out);
  out->push_back(':');
  Append2(secs / 60 % 60, out);
  out->push_back(':');
  Append2(secs % 60, out);
  out->push_back('.');
  char buf[8];
  std::snprintf(buf, sizeof buf, "%06u", frac);
  out->append(buf, 6);
}

void AppendTimestampMicros(int64_t micros, std::string* out) {
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  int64_t rem = micros - days * kMicrosPerDay;
  AppendDate(days, out);
  out->push_back('T');
  AppendTimeOfDayMicros(rem, out);
  out->push_back('Z');
}

std::string FormatDate(int64_t days) {
  std::string s;
  AppendDate(days, &s);
  return s;
}

std::string FormatTimestampMicros(int64_t micros) {
  std::string s;
  AppendTimestampMicros(micros, &s);
  return s;
}

std::optional<int32_t> ParseDate(std::string_view s) {
  int64_t y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !Digits(s, 0, 4, &y) ||
      !Digits(s, 5, 2, &m) || !Digits(s, 8, 2, &d) || m < 1 || m > 12 || d < 1 || d > 31) {
    return std::nullopt;
  }
  int64_t days = DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  // Reject dates like 02-30 that roll over.
  CivilDate back = CivilFromDays(days);
  if (back.month != m || back.day != d) return std::nullopt;
  return static_cast<int32_t>(days);
}

std::optional<int64_t> ParseTimestampMicros(std::string_view s) {
  if (s.size() < 10) return std::nullopt;
  std::optional<int32_t> date = ParseDate(s.substr(0, 10));
  if (!date) return std::nullopt;
  int64_t micros = static_cast<int64_t>(*date) * kMicrosPerDay;
  size_t p = 10;
  if (p == s.size()) return micros;
  if (s[p] != 'T' && s[p] != 't' && s[p] != ' ') return std::nullopt;
  ++p;
  int64_t hh, mm, ss = 0, frac = 0;
  if (!Digits(s, p, 2, &hh) || p + 2 >= s.size() || s[p + 2] != ':' || !Digits(s, p + 3, 2, &mm)) {
    return std::nullopt;
  }
  p += 5;
  if (p < s.size() && s[p] == ':') {
    if (!Digits(s, p + 1, 2, &ss)) return std::nullopt;
    p += 3;
    if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
      ++p;
      size_t start = p;
      int64_t scale = 100000;
      while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
        if (p - start < 6) frac += (s[p] - '0') * scale;
        scale /= 10;
        ++p;
      }
      if (p == start || p - start > 9) return std::nullopt;
    }
  }
  if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  micros += ((hh * 60 + mm) * 60 + ss) * 1000000 + frac;
  if (p == s.size()) return micros;
  if ((s[p] == 'Z' || s[p] == 'z') && p + 1 == s.size()) return micros;
  if (s[p] == '+' || s[p] == '-') {
    int64_t oh, om = 0;
    if (!Digits(s, p + 1, 2, &oh)) return std::nullopt;
    size_t q = p + 3;
    if (q < s.size() && s[q] == ':') ++q;
    if (q < s.size()) {
      if (!Digits(s, q, 2, &om)) return std::nullopt;
      q += 2;
    }
    if (q != s.size() || oh > 23 || om > 59) return std::nullopt;
    int64_t offset = (oh * 60 + om) * 60 * 1000000;
    return s[p] == '+' ? micros - offset : micros + offset;
  }
  return std::nullopt;
}

}  // namespace lakestream
