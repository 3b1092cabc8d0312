#include "common/schedule.h"

#include <cctype>
#include <charconv>
#include <cstdio>
#include <sstream>
#include <vector>

#include "common/config_values.h"

namespace lakestream {
namespace {

constexpr int64_t kMinuteMs = 60 * 1000, kHourMs = 60 * kMinuteMs, kDayMs = 24 * kHourMs;

// The first t > after with t = offset + k * period.
int64_t NextAligned(int64_t offset, int64_t period, int64_t after) {
  int64_t since = after - offset;
  int64_t k = since / period;
  if (since < 0 && since % period != 0) --k;
  return offset + (k + 1) * period;
}

std::vector<std::string> Words(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::vector<std::string> out;
  std::string w;
  while (in >> w) {
    for (auto& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.push_back(w);
  }
  return out;
}

// Two decimal digits, exactly.
bool TwoDigits(std::string_view s, int* v) {
  if (s.size() != 2) return false;
  auto r = std::from_chars(s.data(), s.data() + 2, *v);
  return r.ec == std::errc() && r.ptr == s.data() + 2;
}

}  // namespace

int64_t Schedule::NextAfter(int64_t after_ms) const {
  switch (kind) {
    case Kind::kNever:
      return -1;
    case Kind::kInterval:
      return aligned ? NextAligned(0, interval_ms, after_ms) : after_ms + interval_ms;
    case Kind::kDaily:
      return NextAligned(daily_at_ms, kDayMs, after_ms);
    case Kind::kHourly:
      return NextAligned(hourly_at_ms, kHourMs, after_ms);
  }
  return -1;
}

std::string Schedule::ToString() const {
  char buf[32];
  switch (kind) {
    case Kind::kNever:
      return "manual";
    case Kind::kInterval:
      return "every " + std::to_string(interval_ms / 1000) + "s";
    case Kind::kDaily:
      std::snprintf(buf, sizeof(buf), "daily at %02d:%02d UTC",
                    static_cast<int>(daily_at_ms / kHourMs),
                    static_cast<int>(daily_at_ms / kMinuteMs % 60));
      return buf;
    case Kind::kHourly:
      std::snprintf(buf, sizeof(buf), "hourly at :%02d",
                    static_cast<int>(hourly_at_ms / kMinuteMs));
      return buf;
  }
  return "";
}

Result<int64_t> ParseTimeOfDay(std::string_view text) {
  int h = -1, m = -1;
  if (text.size() != 5 || text[2] != ':' || !TwoDigits(text.substr(0, 2), &h) ||
      !TwoDigits(text.substr(3), &m) || h > 23 || m > 59) {
    return Status::InvalidArgument("'" + std::string(text) + "': expected HH:MM (UTC)");
  }
  return (h * 60LL + m) * kMinuteMs;
}

Result<Schedule> ParseSchedule(std::string_view text) {
  std::vector<std::string> w = Words(text);
  auto bad = [&]() {
    return Status::InvalidArgument("schedule \"" + std::string(text) +
                                   "\": expected \"daily HH:MM\", \"hourly [:MM]\", "
                                   "\"every 15m\" (or \"every N minutes|hours\") or \"manual\"");
  };
  Schedule s;
  if (w.empty() || (w.size() == 1 && w[0] == "manual")) {
    s.kind = Schedule::Kind::kNever;
    return s;
  }
  if (w[0] == "daily" && w.size() == 2) {
    Result<int64_t> at = ParseTimeOfDay(w[1]);
    if (!at.ok()) return bad();
    s.kind = Schedule::Kind::kDaily;
    s.daily_at_ms = *at;
    return s;
  }
  if (w[0] == "hourly" && w.size() <= 2) {
    int64_t m = 0;
    if (w.size() == 2) {
      Result<int64_t> mm = ParseInt64(std::string_view(w[1]).substr(1));
      if (w[1].size() < 2 || w[1].size() > 3 || w[1][0] != ':' || !mm.ok() || *mm < 0 ||
          *mm > 59) {
        return bad();
      }
      m = *mm;
    }
    s.kind = Schedule::Kind::kHourly;
    s.hourly_at_ms = m * kMinuteMs;
    return s;
  }
  if (w[0] == "every" && (w.size() == 2 || w.size() == 3)) {
    int64_t ms = 0;
    if (w.size() == 2) {
      Result<int64_t> d = ParseDurationMs(w[1]);
      if (!d.ok()) return bad();
      ms = *d;
    } else {
      Result<int64_t> n = ParseInt64(w[1]);
      if (!n.ok() || *n > 1000000) return bad();
      if (w[2] == "minute" || w[2] == "minutes") {
        ms = *n * kMinuteMs;
      } else if (w[2] == "hour" || w[2] == "hours") {
        ms = *n * kHourMs;
      } else {
        return bad();
      }
    }
    if (ms <= 0) return bad();
    s.kind = Schedule::Kind::kInterval;
    s.interval_ms = ms;
    s.aligned = true;
    return s;
  }
  return bad();
}

}  // namespace lakestream
