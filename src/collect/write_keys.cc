#include "collect/write_keys.h"

#include <algorithm>
#include <cmath>

namespace lakestream::collect {

bool OriginAllowed(const Source& source, std::string_view origin) {
  if (origin.empty()) return true;
  for (const auto& o : source.origins) {
    if (o == "*" || o == origin) return true;
  }
  return false;
}

KeyRing::KeyRing(Clock* clock) : clock_(ClockOrReal(clock)) {}

void KeyRing::Replace(std::vector<Source> sources) {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, std::shared_ptr<const Source>, std::less<>> next;
  std::map<std::string, Bucket, std::less<>> buckets;
  int64_t now = clock_->MonotonicMicros();
  for (auto& s : sources) {
    if (s.burst <= 0) s.burst = std::max(1.0, s.rate_per_second * 2);
    auto it = buckets_.find(s.key);
    buckets[s.key] = it != buckets_.end() ? it->second : Bucket{s.burst, now};
    std::string key = s.key;
    next[key] = std::make_shared<const Source>(std::move(s));
  }
  by_key_ = std::move(next);
  buckets_ = std::move(buckets);
}

std::shared_ptr<const Source> KeyRing::Find(std::string_view key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_key_.find(key);
  return it == by_key_.end() ? nullptr : it->second;
}

int64_t KeyRing::Take(const Source& source, int64_t events) {
  if (source.rate_per_second <= 0) return 0;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = buckets_.find(source.key);
  if (it == buckets_.end()) return 0;  // replaced meanwhile: let this one through
  Bucket& b = it->second;
  int64_t now = clock_->MonotonicMicros();
  b.tokens = std::min(source.burst,
                      b.tokens + (now - b.last_micros) / 1e6 * source.rate_per_second);
  b.last_micros = now;
  double need = static_cast<double>(events);
  if (b.tokens >= need || b.tokens >= source.burst) {
    b.tokens -= need;  // may go negative for an oversized request: later ones wait it off
    return 0;
  }
  double missing = std::min(need, source.burst) - b.tokens;
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil(missing / source.rate_per_second)));
}

size_t KeyRing::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return by_key_.size();
}

}  // namespace lakestream::collect
