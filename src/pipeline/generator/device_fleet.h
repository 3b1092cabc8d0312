// DeviceFleet: simulated devices that send generated clickstream events to
// the HTTP collector (`lakestream generate --to-collector URL`, issue 17) the
// way real trackers do, so the collector's delivery promise can be tested end
// to end and loaded.
//
// Each device generates events (its own ClickstreamGenerator, no malformed
// lines, no duplicates: every event has its own event_id) at its share of
// `rate`, queues them in batches of `batch_events` (a batch is also sealed
// when its oldest event waited `flush_interval_ms`), and POSTs the oldest
// queued batch as a JSON array to URL/v1/batch with its write key. Then:
//
//   2xx                      the batch is acknowledged (on_acked gets its
//                            event_ids) and dropped from the queue
//   no answer (connection    the SAME body, same event_ids, is sent again
//   refused, reset, timeout) after a backoff (common/retry.h: exponential,
//   408 429 500 502 503 504  full jitter, Retry-After honoured)
//   any other status         the batch is rejected: counted and dropped, as a
//                            device drops what the server calls invalid
//
// A device sends one batch at a time, in order; while its queue holds
// `max_queued_batches` it stops generating (an offline queue of bounded size,
// so nothing generated is ever dropped unsent). Generation ends after
// `events` events or `duration_ms` (or when *stop is set); devices then keep
// resending what is queued for up to `drain_ms`, and what is still unanswered
// is counted as abandoned.
//
// Devices are served by `workers` threads (each owns every workers-th
// device and sleeps until its next due action); requests go through
// io::HttpClient (keep-alive, pooled).
//
// Thread-safety: RunDeviceFleet blocks its caller; on_acked is called from
// the worker threads, one call at a time (serialised by the fleet).
// Ownership: the client and clock are borrowed for the call.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/retry.h"
#include "common/status.h"
#include "io/http_client.h"

namespace lakestream::pipeline {

struct DeviceFleetOptions {
  std::string url;        // the collector, e.g. http://127.0.0.1:8080 (posts to /v1/batch)
  std::string write_key;  // sent as X-Write-Key
  int devices = 10;
  double rate = 100;      // events per second, the whole fleet
  int batch_events = 20;
  int64_t flush_interval_ms = 1000;
  int max_queued_batches = 50;
  uint64_t events = 0;      // generate this many events in all (0: no count limit)
  int64_t duration_ms = 0;  // generate for this long (0: no time limit)
  int64_t drain_ms = 60000; // after generating, resend the queued batches for up to this long
  int64_t request_timeout_ms = 10000;
  int workers = 0;          // threads; 0: min(devices, 16)
  uint64_t seed = 1;        // device d's generator is seeded from seed and d
  // Backoff between resends; max_attempts and deadline_ms are ignored (drain_ms bounds it).
  RetryPolicy retry = [] {
    RetryPolicy p;
    p.initial_backoff_ms = 100;
    p.max_backoff_ms = 5000;
    return p;
  }();
  // Each acknowledged batch: its event_ids and the HTTP status (200 or 202).
  std::function<void(const std::vector<std::string>& event_ids, int status)> on_acked;
};

struct DeviceFleetStats {
  int64_t generated = 0;        // events made
  int64_t acked = 0;            // events in batches answered 2xx
  int64_t rejected = 0;         // events in batches answered a non-retryable status
  int64_t abandoned = 0;        // events still unanswered when drain_ms ran out
  int64_t requests = 0;         // POSTs sent, resends included
  int64_t resends = 0;          // POSTs of a batch already sent before
  int64_t transport_errors = 0; // POSTs with no HTTP answer
  std::map<int, int64_t> status_counts;  // answers by HTTP status
  std::string first_rejection;  // status and body of the first rejected batch
};

// Validates the options (InvalidArgument naming the field), then runs the
// fleet until generation ended and the queues drained (or drain_ms passed).
// Returns the counts; failing requests are counted, not errors.
Result<DeviceFleetStats> RunDeviceFleet(const DeviceFleetOptions& options, io::HttpClient& client,
                                        Clock* clock = nullptr,
                                        const std::atomic<bool>* stop = nullptr);

// "status=N events" summary of the stats, one line.
std::string FormatDeviceFleetStats(const DeviceFleetStats& stats);

}  // namespace lakestream::pipeline
