// ClickstreamGenerator: synthetic web-shop clickstream events as JSON lines,
// the input the clickstream pipeline, its tests and the benchmarks consume.
//
// Each call to Next() yields one event (no trailing newline) of about 730
// bytes with these fields, in this order:
//
//   event_id       string   random UUID; reused only by duplicates
//   user_id        int64    stable id of a simulated user
//   session_id     string   16 hex digits; new after 30 min of inactivity
//   device_id      string   UUID; changes when the user's platform changes
//   event_type     string   page_view, click, scroll, search, add_to_cart, ...
//   event_time     string   "2026-11-24T10:15:30.123456Z" (UTC, microseconds)
//   page_url       string
//   referrer       string?  null for direct traffic
//   user_agent     string
//   ip             string   IPv4
//   country        string   ISO 3166-1 alpha-2
//   city           string
//   os             string
//   browser        string
//   screen_width   int32
//   screen_height  int32
//   duration_ms    int32
//   revenue        double?  two decimals; non-null for purchases only
//   app_version    string
//   logged_in      bool
//   properties     object   a few event-type specific keys
//
// Users come from a fixed pool (GeneratorOptions::users) and are picked with a
// power-law skew. Each user has stable attributes (country, city, ip, os,
// browser, device, app version) that occasionally change, so a slowly
// changing dimension over users has something to track. event_time advances
// from start_time_us by exponential inter-arrival times with a daily traffic
// cycle; a small fraction of events arrive late (event_time in the past).
//
// Faults on request: a fraction of lines are malformed (truncated JSON, a
// field of the wrong type, or no event_id), and a fraction are duplicates
// (byte-exact resends of one of the last duplicate_window good events).
//
// The sequence is a pure function of GeneratorOptions: same options, same
// bytes, on every platform.
//
// Thread-safety: not thread-safe; use one generator per thread (with
// different seeds for different streams).
// Ownership: the generator owns its output buffer; NextView()'s result is
// valid until the next call to any Next* method.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "pipeline/generator/fast_text_internal.h"

namespace lakestream::pipeline {
namespace internal {
struct SimUser;
}  // namespace internal

// 2026-11-24T00:00:00Z in microseconds since the Unix epoch.
inline constexpr int64_t kDefaultGeneratorStartUs = 1795478400LL * 1000000;

struct GeneratorOptions {
  uint64_t seed = 1;
  // Fraction of lines that are malformed, in [0, 1].
  double malformed_rate = 0.0;
  // Fraction of lines that are exact resends of an earlier good line, in [0, 1].
  double duplicate_rate = 0.0;
  // Duplicates resend one of the last this many good lines.
  int duplicate_window = 1000;
  // event_time of the first event, microseconds since the Unix epoch (UTC).
  int64_t start_time_us = kDefaultGeneratorStartUs;
  // Size of the simulated user population.
  int users = 10000;
  // Mean event rate over a day, which sets how fast event_time advances.
  double events_per_second = 200.0;
  // Fraction of events whose event_time lags the clock by up to max_lateness_us.
  double late_rate = 0.01;
  int64_t max_lateness_us = 120LL * 1000000;
  // Per event, the probability that its user's attributes change first.
  double attribute_change_rate = 0.001;
};

// Returns InvalidArgument naming the first bad field, or OK.
Status ValidateGeneratorOptions(const GeneratorOptions& options);

// What the last line produced was.
enum class EventKind : uint8_t {
  kGood,
  kDuplicate,
  kMalformedTruncated,  // a good line cut short
  kMalformedWrongType,  // e.g. "duration_ms":"abc"
  kMalformedNoEventId,  // event_id field removed
};

class ClickstreamGenerator {
 public:
  // Returns InvalidArgument if the options are out of range.
  static Result<std::unique_ptr<ClickstreamGenerator>> Create(const GeneratorOptions& options);
  ~ClickstreamGenerator();

  ClickstreamGenerator(const ClickstreamGenerator&) = delete;
  ClickstreamGenerator& operator=(const ClickstreamGenerator&) = delete;

  // The next line, without newline, as a copy.
  std::string Next();
  // The next line, without newline; valid until the next call.
  std::string_view NextView();
  // Appends the next line, without newline, to *out.
  void AppendNext(std::string* out);

  EventKind last_kind() const { return last_kind_; }
  bool last_was_malformed() const { return last_kind_ >= EventKind::kMalformedTruncated; }

  // Lines produced so far, of which malformed and duplicates (disjoint).
  uint64_t generated() const { return generated_; }
  uint64_t malformed() const { return malformed_; }
  uint64_t duplicates() const { return duplicates_; }
  // The simulated clock: the event_time of the latest on-time event.
  int64_t clock_us() const { return clock_us_; }

  const GeneratorOptions& options() const { return options_; }

 private:
  explicit ClickstreamGenerator(const GeneratorOptions& options);

  void AdvanceClock();
  // Writes one good event into buffer_ (cleared first).
  void WriteEvent();
  // Moves the user through one action of the given type (navigation, cart),
  // writes its properties object into props_, and returns the revenue in
  // cents, or -1 for none.
  int64_t SimulateAction(internal::SimUser& user, uint8_t event_type, bool new_session);
  // Writes the event line into buffer_ (cleared first).
  void FormatEvent(const internal::SimUser& user, uint8_t event_type, int64_t event_us,
                   int64_t revenue_cents);
  void Corrupt();

  GeneratorOptions options_;
  internal::Rng rng_;
  std::vector<internal::SimUser> users_;  // defined in the .cc
  std::vector<int> country_cdf_;
  std::vector<int> platform_cdf_;
  std::string buffer_;
  std::string props_;                // scratch for the properties object of the current event
  std::vector<std::string> recent_;  // ring of the last good lines
  size_t recent_next_ = 0;
  size_t recent_count_ = 0;
  int64_t clock_us_;
  uint64_t order_counter_ = 0;
  EventKind last_kind_ = EventKind::kGood;
  uint64_t generated_ = 0;
  uint64_t malformed_ = 0;
  uint64_t duplicates_ = 0;
};

}  // namespace lakestream::pipeline
