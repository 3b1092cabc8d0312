#include "serve/run_log.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "common/time_format.h"
#include "delta/operations.h"
#include "delta/snapshot.h"
#include "delta/table_scan.h"
#include "delta/uri.h"
#include "common/config_values.h"

namespace lakestream::serve {
namespace {

delta::DeltaType RunLogSchema() {
  using K = delta::DeltaType::Kind;
  delta::DeltaType s;
  s.kind = K::kStruct;
  auto add = [&](const char* name, K kind, bool nullable) {
    delta::StructField f;
    f.name = name;
    f.type.kind = kind;
    f.nullable = nullable;
    s.fields.push_back(std::move(f));
  };
  add("job", K::kString, false);
  add("run_id", K::kString, true);
  add("started_at", K::kTimestamp, false);
  add("ended_at", K::kTimestamp, true);
  add("status", K::kString, false);
  add("rows", K::kLong, true);
  add("bytes", K::kLong, true);
  add("error", K::kString, true);
  add("offsets", K::kString, true);
  add("run_date", K::kDate, false);
  return s;
}

parquet::Value OptString(const std::string& s) {
  return s.empty() ? parquet::Value::Null() : parquet::Value::Bytes(s);
}

parquet::Value ToValue(const RunRow& r) {
  const int64_t day = r.started_us >= 0 ? r.started_us / 86400000000LL
                                        : (r.started_us - 86399999999LL) / 86400000000LL;
  return parquet::Value::Struct({
      parquet::Value::Bytes(r.job),
      OptString(r.run_id),
      parquet::Value::Int64(r.started_us),
      parquet::Value::Int64(r.ended_us),
      parquet::Value::Bytes(r.status),
      parquet::Value::Int64(r.rows),
      parquet::Value::Int64(r.bytes),
      OptString(r.error),
      OptString(r.offsets),
      parquet::Value::Int32(static_cast<int32_t>(day)),
  });
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

}  // namespace

Result<int64_t> SinceToMicros(const std::string& since, int64_t now_ms) {
  ASSIGN_OR_RETURN(int64_t ms, ParseDurationMs(since));
  return (now_ms - ms) * 1000;
}

Result<std::unique_ptr<RunLog>> RunLog::Open(RunLogOptions options) {
  if (options.state_dir.empty()) return Status::InvalidArgument("run log: no state_dir");
  options.clock = ClockOrReal(options.clock);
  auto log = std::unique_ptr<RunLog>(new RunLog(std::move(options)));
  std::string dir = log->options_.state_dir;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  ASSIGN_OR_RETURN(log->root_, delta::NormalizeTableRoot(dir + "/_lakestream/runs"));
  ASSIGN_OR_RETURN(log->store_, delta::LogStore::Open(log->root_));
  return log;
}

RunLog::~RunLog() {
  std::lock_guard<std::mutex> lock(mu_);
  (void)FlushLocked();
}

size_t RunLog::buffered() const {
  std::lock_guard<std::mutex> lock(mu_);
  return buffer_.size();
}

Status RunLog::Append(RunRow row) {
  std::lock_guard<std::mutex> lock(mu_);
  const bool failed = row.failed();
  if (buffer_.empty()) oldest_buffered_ms_ = Now();
  buffer_.push_back(std::move(row));
  if (static_cast<int64_t>(buffer_.size()) > options_.max_buffered_rows) {
    // Storage has been failing for a long time: drop the oldest ok row.
    for (auto it = buffer_.begin(); it != buffer_.end(); ++it) {
      if (!it->failed()) {
        buffer_.erase(it);
        break;
      }
    }
  }
  if (failed || static_cast<int64_t>(buffer_.size()) >= options_.group_rows ||
      Now() - oldest_buffered_ms_ >= options_.group_ms) {
    return FlushLocked();
  }
  return Status::OK();
}

Status RunLog::Flush() {
  std::lock_guard<std::mutex> lock(mu_);
  return FlushLocked();
}

Status RunLog::FlushLocked() {
  if (buffer_.empty()) return Status::OK();
  std::vector<parquet::Value> rows;
  rows.reserve(buffer_.size());
  for (const RunRow& r : buffer_) rows.push_back(ToValue(r));
  delta::WriteRequest req;
  req.partition_columns = {"run_date"};
  req.writer.target_file_size = 16 << 20;
  Result<delta::WriteResult> w = delta::WriteRows(store_, RunLogSchema(), rows, req);
  if (!w.ok()) return w.status().WithContext("run log: " + root_);
  buffer_.clear();
  return Status::OK();
}

Result<int64_t> RunLog::DeleteOlderThan(int64_t keep_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(FlushLocked());
  const int64_t cutoff_us = (Now() - keep_ms) * 1000;
  Result<std::shared_ptr<const delta::Snapshot>> snap = delta::Snapshot::Load(store_);
  if (!snap.ok() && snap.status().IsNotFound()) return int64_t{0};
  RETURN_IF_ERROR(snap.status());
  Result<delta::DeleteResult> d =
      delta::DeleteWhere(store_, "started_at < " + Quote(FormatTimestampMicros(cutoff_us)));
  if (!d.ok()) return d.status().WithContext("run log: retention");
  return d->rows_deleted;
}

Result<std::vector<RunRow>> RunLog::Read(int64_t since_us, bool failed_only) const {
  std::vector<RunRow> out;
  Result<std::shared_ptr<const delta::Snapshot>> snap = delta::Snapshot::Load(store_);
  if (!snap.ok() && snap.status().IsNotFound()) return out;
  RETURN_IF_ERROR(snap.status());
  delta::ScanOptions so;
  so.where = "started_at >= " + Quote(FormatTimestampMicros(since_us));
  if (failed_only) so.where += " AND status != 'ok'";
  std::string pending;
  Status parse_error;
  auto take = [&](std::string_view line) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      parse_error = Status::Corruption("run log: unreadable row");
      return;
    }
    auto str = [&](const char* k) {
      return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
    };
    auto num = [&](const char* k) {
      return j.contains(k) && j[k].is_number() ? j[k].get<int64_t>() : int64_t{0};
    };
    RunRow r;
    r.job = str("job");
    r.run_id = str("run_id");
    r.started_us = ParseTimestampMicros(str("started_at")).value_or(0);
    r.ended_us = ParseTimestampMicros(str("ended_at")).value_or(0);
    r.status = str("status");
    r.rows = num("rows");
    r.bytes = num("bytes");
    r.error = str("error");
    r.offsets = str("offsets");
    out.push_back(std::move(r));
  };
  Status st = delta::ScanNdjson(**snap, so, [&](std::string_view chunk) {
    size_t start = 0;
    while (start < chunk.size()) {
      size_t nl = chunk.find('\n', start);
      if (nl == std::string_view::npos) nl = chunk.size();
      if (nl > start) take(chunk.substr(start, nl - start));
      start = nl + 1;
    }
    return Status::OK();
  });
  RETURN_IF_ERROR(st.WithContext("run log: " + root_));
  RETURN_IF_ERROR(parse_error);
  std::stable_sort(out.begin(), out.end(),
                   [](const RunRow& a, const RunRow& b) { return a.started_us < b.started_us; });
  return out;
}

}  // namespace lakestream::serve
