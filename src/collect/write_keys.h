// Write keys: each source (a web site, an app, a device fleet) sends events
// with its own key, which decides the CORS origins allowed to use it, the
// topic its events go to and its rate limit. Unknown keys get 401, a browser
// origin outside the list 403, a source over its rate 429.
//
// A KeyRing is swapped whole on reload (the collector re-reads its config's
// `sources` when the file changes), so a lookup sees either the old or the
// new set. The rate limit is a token bucket per key (events per second, a
// burst of `burst` events), refilled from a Clock so tests drive time; a
// reload keeps the bucket of a key that stays.
//
// Thread-safety: KeyRing is safe for concurrent use (a mutex around the
// swap and the buckets). Ownership: sources are shared, immutable values.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"

namespace lakestream::collect {

struct Source {
  std::string name;                  // for logs and metrics (never the key)
  std::string key;                   // the write key itself (a secret)
  std::string topic;                 // where its events go
  std::vector<std::string> origins;  // allowed CORS origins; "*" = any
  double rate_per_second = 0;        // events/s; 0 = unlimited
  double burst = 0;                  // bucket size in events (default: 2 s of rate)
};

// True when a request from browser origin `origin` may use `source`; a
// request without an Origin header (a server or a device) always may.
bool OriginAllowed(const Source& source, std::string_view origin);

class KeyRing {
 public:
  explicit KeyRing(Clock* clock = nullptr);

  // Replaces the set of sources; buckets of keys that stay are kept.
  void Replace(std::vector<Source> sources);

  // The source of `key`, or null (401).
  std::shared_ptr<const Source> Find(std::string_view key) const;

  // Takes `events` tokens from the key's bucket. Returns 0 when allowed, else
  // the whole seconds until that many tokens will be there (Retry-After, >= 1).
  // A request larger than the burst is allowed when the bucket is full.
  int64_t Take(const Source& source, int64_t events);

  size_t size() const;

 private:
  struct Bucket {
    double tokens = 0;
    int64_t last_micros = 0;
  };
  Clock* clock_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const Source>, std::less<>> by_key_;
  std::map<std::string, Bucket, std::less<>> buckets_;
};

}  // namespace lakestream::collect
