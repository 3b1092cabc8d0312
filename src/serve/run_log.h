// RunLog: the 30-day history of everything `lakestream serve` (and `ingest
// --http`) does, kept as a Delta table `<state_dir>/_lakestream/runs`
// (docs/monitoring.md). One row per stream batch, stream failure and job
// run:
//   job string, run_id string, started_at timestamp, ended_at timestamp,
//   status string ("ok" | "failed"), rows long, bytes long, error string,
//   offsets string (JSON {"topic[partition]": last offset}), run_date date
// partitioned by run_date (UTC date of started_at), so retention drops
// whole files.
//
// Rows are buffered and appended in groups (one Delta commit per group) to
// avoid a commit per batch: Append() flushes when `group_rows` rows are
// waiting or the oldest waited `group_ms`; a "failed" row flushes at once
// with everything before it. Flush() at shutdown. A failed append keeps the
// rows buffered for the next try (bounded by max_buffered_rows; beyond it
// the oldest "ok" rows are dropped, failure rows never).
//
// Thread-safety: every method may be called from any thread (one mutex; a
// flush holds it during the commit). Ownership: owns its LogStore.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "delta/log_store.h"

namespace lakestream::serve {

struct RunRow {
  std::string job;
  std::string run_id;
  int64_t started_us = 0;
  int64_t ended_us = 0;
  std::string status = "ok";
  int64_t rows = 0;
  int64_t bytes = 0;
  std::string error;
  std::string offsets;  // JSON object, or ""
  bool failed() const { return status != "ok"; }
};

struct RunLogOptions {
  std::string state_dir;  // the table is <state_dir>/_lakestream/runs
  int64_t group_rows = 200;
  int64_t group_ms = 60000;
  int64_t max_buffered_rows = 100000;
  Clock* clock = RealClock();  // wall time (borrowed)
};

class RunLog {
 public:
  static Result<std::unique_ptr<RunLog>> Open(RunLogOptions options);
  ~RunLog();

  // Buffers the row; flushes per the grouping rules. An error is the
  // flush's (the row stays buffered).
  Status Append(RunRow row);
  // Commits every buffered row (no-op when none).
  Status Flush();
  size_t buffered() const;

  // Deletes rows that started before now - keep_ms. Returns rows deleted.
  Result<int64_t> DeleteOlderThan(int64_t keep_ms);

  // Rows started at or after since_us (oldest first); only failures when
  // failed_only. NotFound when the table does not exist yet is mapped to
  // an empty result.
  Result<std::vector<RunRow>> Read(int64_t since_us, bool failed_only) const;

  const std::string& table_root() const { return root_; }

 private:
  explicit RunLog(RunLogOptions options) : options_(std::move(options)) {}
  Status FlushLocked();
  int64_t Now() const { return options_.clock->NowMillis(); }

  RunLogOptions options_;
  std::string root_;
  std::shared_ptr<delta::LogStore> store_;
  mutable std::mutex mu_;
  std::vector<RunRow> buffer_;
  int64_t oldest_buffered_ms_ = 0;
};

// "30d", "12h", "90m" -> micros before now; the --since of `lakestream runs`.
Result<int64_t> SinceToMicros(const std::string& since, int64_t now_ms);

}  // namespace lakestream::serve
