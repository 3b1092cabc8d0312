// Parsing and enriching the events of one collector request.
//
// A body is a JSON array of event objects, NDJSON (one object per line), a
// single object (`POST /v1/event`), or Segment's envelope {"batch": [...]}.
// Each event must be a JSON object of at most `max_event_bytes` (minified).
// The collector then adds what only the server knows and keeps everything
// else the device sent, byte for byte in meaning (re-serialised minified):
//
//   received_at        RFC 3339 UTC, microseconds: when the request arrived
//   collector_id       which collector instance took it
//   client_ip          after the IP policy (client_ip.h); absent when dropped
//   user_agent         the request's User-Agent, when there is one
//   event_id           the device's, or a new UUID when it sent none
//   event_id_assigned  true only when the collector made the event_id up
//
// A device-sent field of one of these names is replaced (the collector is
// authoritative), except event_id, which is kept so resends deduplicate.
// Each record is keyed by the first non-empty string of user_id, device_id,
// anonymous_id (so one device's events stay in one partition, in order), or
// by the event_id when there is none.
//
// Thread-safety: pure functions (a thread-local simdjson parser inside).
// Ownership: returns owned strings.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lakestream::collect {

struct EventRecord {
  std::string key;
  std::string value;
};

struct Enrichment {
  int64_t received_at_micros = 0;
  std::string collector_id;
  std::string client_ip;  // "" = leave the field out
  std::string user_agent;
};

struct BatchLimits {
  int64_t max_event_bytes = 32 * 1024;
  int64_t max_events = 10000;
};

enum class BodyShape { kBatch, kSingle };

struct ParsedBatch {
  int http_status = 200;  // 400 or 413 with `reason` when the body is refused
  std::string reason;
  std::vector<EventRecord> records;
  int64_t assigned_ids = 0;  // events that came without an event_id
  int64_t bytes = 0;         // sum of the record values
};

// Parses `body` (UTF-8 already checked) and enriches every event. The whole
// request is refused when any event is bad: the reason names the event's
// index ("event 3: ...") so the device can tell which one.
ParsedBatch ParseAndEnrich(std::string_view body, BodyShape shape, const Enrichment& enrich,
                           const BatchLimits& limits);

// One event from a pixel request's query parameters ("e=pv&url=..."), each a
// string field; `skip` names parameters that are not event fields (the write key).
std::string PixelEventJson(std::string_view query, const std::vector<std::string>& skip);

}  // namespace lakestream::collect
