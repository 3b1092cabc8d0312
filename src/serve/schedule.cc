#include "serve/schedule.h"

#include <charconv>

namespace lakestream::serve {

namespace {
constexpr int64_t kDayMs = 24LL * 3600 * 1000;
}

int64_t Schedule::NextAfter(int64_t after_ms) const {
  if (kind == Kind::kInterval) return after_ms + interval_ms;
  int64_t day_start = after_ms - ((after_ms % kDayMs) + kDayMs) % kDayMs;
  int64_t t = day_start + daily_at_ms;
  return t > after_ms ? t : t + kDayMs;
}

std::string Schedule::ToString() const {
  if (kind == Kind::kInterval) return "every " + std::to_string(interval_ms / 1000) + "s";
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%02d:%02d", static_cast<int>(daily_at_ms / 3600000),
                static_cast<int>(daily_at_ms / 60000 % 60));
  return std::string("daily at ") + buf + " UTC";
}

Result<int64_t> ParseTimeOfDay(std::string_view text) {
  int h = -1, m = -1;
  if (text.size() == 5 && text[2] == ':') {
    auto r1 = std::from_chars(text.data(), text.data() + 2, h);
    auto r2 = std::from_chars(text.data() + 3, text.data() + 5, m);
    if (r1.ec != std::errc() || r2.ec != std::errc() || r1.ptr != text.data() + 2 ||
        r2.ptr != text.data() + 5) {
      h = -1;
    }
  }
  if (h < 0 || h > 23 || m < 0 || m > 59) {
    return Status::InvalidArgument("schedule: daily_at '" + std::string(text) +
                                   "': expected HH:MM (UTC)");
  }
  return (h * 60LL + m) * 60000;
}

Result<int64_t> ParseDurationMs(std::string_view text) {
  int64_t n = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  std::string_view unit(ptr, text.data() + text.size() - ptr);
  int64_t mult = 0;
  if (unit == "ms") {
    mult = 1;
  } else if (unit == "s") {
    mult = 1000;
  } else if (unit == "m") {
    mult = 60000;
  } else if (unit == "h") {
    mult = 3600000;
  } else if (unit == "d") {
    mult = kDayMs;
  }
  if (ec != std::errc() || ptr == text.data() || mult == 0 || n < 0) {
    return Status::InvalidArgument("duration '" + std::string(text) +
                                   "': expected a number and ms, s, m, h or d (e.g. 30s, 1h)");
  }
  return n * mult;
}

}  // namespace lakestream::serve
