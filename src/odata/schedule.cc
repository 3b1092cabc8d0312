// Schedule parsing and due times.
#include "odata/schedule.h"

#include <cctype>
#include <sstream>
#include <vector>

namespace lakestream::odata {
namespace {

constexpr int64_t kMinute = 60 * 1000, kHour = 60 * kMinute, kDay = 24 * kHour;

std::vector<std::string> Words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  std::string w;
  while (in >> w) {
    for (auto& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.push_back(w);
  }
  return out;
}

bool Number(const std::string& s, int64_t* v) {
  if (s.empty() || s.size() > 9) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  *v = std::stoll(s);
  return true;
}

// Next t > after with t = base + k * period (base in [0, period)).
int64_t NextAligned(int64_t base, int64_t period, int64_t after) {
  int64_t k = (after - base) / period;
  if (after - base < 0 && (after - base) % period != 0) --k;
  int64_t t = base + k * period;
  while (t <= after) t += period;
  return t;
}

}  // namespace

Result<Schedule> ParseSchedule(const std::string& text) {
  std::vector<std::string> w = Words(text);
  Schedule s;
  auto bad = [&]() {
    return Status::InvalidArgument("schedule \"" + text +
                                   "\": expected \"daily HH:MM\", \"hourly [:MM]\", "
                                   "\"every N minutes|hours\" or \"manual\"");
  };
  if (w.empty() || (w.size() == 1 && w[0] == "manual")) return s;
  if (w[0] == "daily" && w.size() == 2 && w[1].size() == 5 && w[1][2] == ':') {
    int64_t h, m;
    if (!Number(w[1].substr(0, 2), &h) || !Number(w[1].substr(3), &m) || h > 23 || m > 59) {
      return bad();
    }
    s.kind = Schedule::Kind::kDaily;
    s.offset_ms = h * kHour + m * kMinute;
    return s;
  }
  if (w[0] == "hourly" && w.size() <= 2) {
    int64_t m = 0;
    if (w.size() == 2 &&
        (w[1].size() < 2 || w[1][0] != ':' || !Number(w[1].substr(1), &m) || m > 59)) {
      return bad();
    }
    s.kind = Schedule::Kind::kHourly;
    s.offset_ms = m * kMinute;
    return s;
  }
  if (w[0] == "every" && w.size() == 3) {
    int64_t n;
    if (!Number(w[1], &n) || n == 0) return bad();
    if (w[2] == "minute" || w[2] == "minutes") {
      s.every_ms = n * kMinute;
    } else if (w[2] == "hour" || w[2] == "hours") {
      s.every_ms = n * kHour;
    } else {
      return bad();
    }
    s.kind = Schedule::Kind::kEvery;
    return s;
  }
  return bad();
}

int64_t NextDue(const Schedule& s, int64_t after_ms) {
  switch (s.kind) {
    case Schedule::Kind::kNever:
      return -1;
    case Schedule::Kind::kDaily:
      return NextAligned(s.offset_ms, kDay, after_ms);
    case Schedule::Kind::kHourly:
      return NextAligned(s.offset_ms, kHour, after_ms);
    case Schedule::Kind::kEvery:
      return NextAligned(0, s.every_ms, after_ms);
  }
  return -1;
}

}  // namespace lakestream::odata
