// LoadJob: read pages -> check keys -> bronze/quarantine/silver commits ->
// duplicate-key check -> watermark, with whole-load retries.
#include "odata/load_job.h"

#include <map>

#include "common/retry.h"
#include "delta/merge.h"
#include "delta/operations.h"
#include "delta/row_reader.h"
#include "delta/snapshot.h"
#include "delta/table_config.h"
#include "odata/credentials.h"
#include "odata/odata_client.h"
#include "parquet/json_printer.h"

namespace lakestream::odata {
namespace {

using delta::DeltaType;
using parquet::Value;
using K = DeltaType::Kind;

DeltaType Prim(K k) {
  DeltaType t;
  t.kind = k;
  return t;
}

DeltaType StructOf(std::vector<std::pair<std::string, K>> cols) {
  DeltaType t;
  t.kind = K::kStruct;
  for (auto& [n, k] : cols) t.fields.push_back({n, Prim(k), true, "{}"});
  return t;
}

DeltaType BronzeSchema() {
  return StructOf({{"_run_id", K::kLong},
                   {"_page", K::kLong},
                   {"_row", K::kLong},
                   {"_loaded_at", K::kTimestamp},
                   {"payload", K::kString}});
}

DeltaType QuarantineSchema() {
  return StructOf({{"_run_id", K::kLong},
                   {"_loaded_at", K::kTimestamp},
                   {"reason", K::kString},
                   {"key", K::kString},
                   {"payload", K::kString}});
}

struct Columns {
  std::vector<PropertyInfo> props;  // silver columns in order
  std::vector<int> keys;            // indexes into props
  int cc = -1;                      // change-capture column index
  DeltaType silver;
};

Result<Columns> ResolveColumns(const SourceConfig& source, const EntitySchema& schema) {
  Columns c;
  std::string where = "odata: " + source.id + ": " + source.entity_set;
  if (source.select.empty()) {
    c.props = schema.properties;
  } else {
    for (const auto& name : source.select) {
      const PropertyInfo* p = schema.Find(name);
      if (!p)
        return Status::InvalidArgument(where + ": selected property " + name +
                                       " is not in $metadata");
      c.props.push_back(*p);
    }
  }
  auto index = [&](const std::string& name) {
    for (size_t i = 0; i < c.props.size(); ++i) {
      if (c.props[i].name == name) return static_cast<int>(i);
    }
    return -1;
  };
  for (const auto& k : source.key_columns) {
    int i = index(k);
    if (i < 0) return Status::InvalidArgument(where + ": key column " + k + " is not loaded");
    c.keys.push_back(i);
  }
  if (source.change_capture) {
    c.cc = index(source.change_capture_column);
    if (c.cc < 0) {
      return Status::InvalidArgument(where + ": change-capture column " +
                                     source.change_capture_column + " is not loaded");
    }
  }
  c.silver.kind = K::kStruct;
  for (const auto& p : c.props) c.silver.fields.push_back({p.name, p.type, true, "{}"});
  return c;
}

// The key as JSON-ish text; false when a component is null.
bool KeyText(const Columns& c, const Value& row, std::string* out) {
  out->clear();
  for (size_t i = 0; i < c.keys.size(); ++i) {
    const Value& v = row.items[static_cast<size_t>(c.keys[i])];
    if (v.is_null()) return false;
    if (i) *out += ",";
    parquet::AppendValueJson(c.props[static_cast<size_t>(c.keys[i])].node, v, out);
  }
  return true;
}

bool Retryable(const Status& s) {
  return s.IsUnavailable() || s.IsCorruption() || s.IsConflict() || s.IsIOError();
}

class Attempt {
 public:
  Attempt(MetadataStore& store, HttpClient& http, const SourceConfig& source, int64_t run_id,
          const LoadOptions& options, LoadReport* report)
      : store_(store),
        http_(http),
        source_(source),
        run_id_(run_id),
        options_(options),
        report_(report) {}

  Status Run() {
    ASSIGN_OR_RETURN(Credential cred, LoadCredential(source_.credential));
    Authenticator auth(cred, &http_, options_.retry);
    ODataClient client(source_, &http_, &auth, options_.retry, options_.request_timeout_ms);
    ASSIGN_OR_RETURN(EntitySchema schema, client.FetchSchema());
    ASSIGN_OR_RETURN(cols_, ResolveColumns(source_, schema));

    std::string filter;
    report_->mode = "full";
    ASSIGN_OR_RETURN(std::optional<std::string> wm, store_.GetWatermark(source_.id));
    if (source_.change_capture && wm && !options_.force_full) {
      report_->mode = "incremental";
      const PropertyInfo& p = cols_.props[static_cast<size_t>(cols_.cc)];
      // `ge`: rows changed at the watermark instant after the last read are not missed;
      // re-reading the boundary rows is harmless (upsert).
      filter = p.name + " ge " + FilterLiteral(p, *wm, source_.version == ODataVersion::kV2);
    }
    RunUpdate u;
    u.state = RunState::kRunning;
    u.mode = report_->mode;
    u.detail = "reading " + source_.entity_set;
    RETURN_IF_ERROR(store_.UpdateRun(run_id_, u));

    loaded_at_ = ClockOrReal(options_.retry.clock)->NowMicros();
    ReadStats stats;
    RETURN_IF_ERROR(client.ReadAll(
        filter, "",
        [&](std::vector<nlohmann::json>&& rows, int64_t page) { return OnPage(rows, page); },
        &stats));
    report_->pages = stats.pages;
    report_->rows_read = stats.rows;
    report_->http_retries += stats.retries;
    CheckKeys();
    report_->rows_quarantined = static_cast<int64_t>(quarantine_.size());
    return Commit();
  }

 private:
  Status OnPage(const std::vector<nlohmann::json>& rows, int64_t page) {
    for (size_t i = 0; i < rows.size(); ++i) {
      const nlohmann::json& j = rows[i];
      std::string payload = j.dump();
      bronze_.push_back(Value::Struct({Value::Int64(run_id_), Value::Int64(page),
                                       Value::Int64(static_cast<int64_t>(i)),
                                       Value::Int64(loaded_at_), Value::Bytes(payload)}));
      std::vector<Value> items;
      items.reserve(cols_.props.size());
      Status bad;
      for (const auto& p : cols_.props) {
        auto it = j.find(p.name);
        Result<Value> v = it == j.end() ? Result<Value>(Value::Null()) : JsonToValue(p, *it);
        if (!v.ok()) {
          bad = v.status();
          break;
        }
        items.push_back(std::move(v).value());
      }
      if (!bad.ok()) {
        Quarantine("type: " + bad.message(), "", payload);
        continue;
      }
      accepted_.push_back({Value::Struct(std::move(items)), std::move(payload)});
    }
    if (options_.progress) {
      options_.progress(run_id_, "page " + std::to_string(page + 1) + ": " +
                                     std::to_string(bronze_.size()) + " rows read");
    }
    return Status::OK();
  }

  void Quarantine(const std::string& reason, const std::string& key, const std::string& payload) {
    quarantine_.push_back(
        Value::Struct({Value::Int64(run_id_), Value::Int64(loaded_at_), Value::Bytes(reason),
                       Value::Bytes(key), Value::Bytes(payload)}));
  }

  // Null keys and conflicting duplicates go to quarantine; identical
  // duplicates (a row seen twice across pages) are kept once.
  void CheckKeys() {
    std::map<std::string, std::vector<size_t>> by_key;
    std::string key;
    std::vector<bool> keep(accepted_.size(), true);
    for (size_t i = 0; i < accepted_.size(); ++i) {
      if (!KeyText(cols_, accepted_[i].row, &key)) {
        Quarantine("null key", "", accepted_[i].payload);
        keep[i] = false;
        continue;
      }
      by_key[key].push_back(i);
    }
    for (const auto& [k, idx] : by_key) {
      if (idx.size() == 1) continue;
      bool same = true;
      for (size_t i : idx) same = same && accepted_[i].row == accepted_[idx[0]].row;
      for (size_t n = 0; n < idx.size(); ++n) {
        if (same && n == 0) continue;
        keep[idx[n]] = false;
        if (!same) {
          Quarantine(
              "duplicate key with conflicting values (" + std::to_string(idx.size()) + " rows)", k,
              accepted_[idx[n]].payload);
        }
      }
    }
    for (size_t i = 0; i < accepted_.size(); ++i) {
      if (keep[i]) rows_.push_back(std::move(accepted_[i].row));
    }
  }

  // The table at `path`, through LoadOptions::fs when it is set.
  Result<std::shared_ptr<delta::LogStore>> OpenTable(const std::string& path) const {
    if (!options_.fs) return delta::LogStore::Open(path);
    return std::make_shared<delta::LogStore>(options_.fs, path);
  }

  Status Commit() {
    int64_t run = run_id_;
    delta::WriteRequest req;
    req.app_id = "lakestream-odata-bronze:" + source_.id;
    req.app_version = run;
    ASSIGN_OR_RETURN(auto bronze, OpenTable(BronzeTable(source_)));
    RETURN_IF_ERROR(delta::WriteRows(bronze, BronzeSchema(), bronze_, req).status());
    if (!quarantine_.empty()) {
      req.app_id = "lakestream-odata-quarantine:" + source_.id;
      ASSIGN_OR_RETURN(auto q, OpenTable(QuarantineTable(source_)));
      RETURN_IF_ERROR(delta::WriteRows(q, QuarantineSchema(), quarantine_, req).status());
    }

    std::string silver_app = "lakestream-odata-silver:" + source_.id;
    ASSIGN_OR_RETURN(auto silver, OpenTable(source_.target_table));
    Result<std::shared_ptr<const delta::Snapshot>> snap = delta::Snapshot::Load(silver);
    int64_t committed = -1;
    int64_t before = snap.ok() ? (*snap)->version() : -1;  // restored if the key check fails
    if (!snap.ok() && snap.status().IsNotFound()) {
      req.app_id = silver_app;
      req.configuration = delta::MergeTableProperties();  // later loads merge into it
      ASSIGN_OR_RETURN(delta::WriteResult w, delta::WriteRows(silver, cols_.silver, rows_, req));
      if (!w.skipped) {
        committed = w.commit.version;
        report_->rows_upserted = w.rows;
      }
    } else {
      if (!snap.ok()) return snap.status();
      if (!((*snap)->schema() == cols_.silver)) {
        return Status::InvalidArgument(
            "odata: " + source_.id + ": silver table " + source_.target_table + " has schema " +
            (*snap)->schema().ToString() + " but the source now gives " + cols_.silver.ToString() +
            " (schema changes are not "
            "applied automatically)");
      }
      delta::MergeSpec spec;
      spec.keys = source_.key_columns;
      spec.when_matched.push_back({});
      spec.when_not_matched.push_back({});
      if (report_->mode == "full") spec.when_not_matched_by_source.push_back({});
      delta::MergeOptions mo;
      mo.app_id = silver_app;
      mo.app_version = run;
      ASSIGN_OR_RETURN(delta::MergeResult m, delta::Merge(silver, rows_, spec, mo));
      if (!m.skipped) {
        committed = m.commit.version;
        report_->rows_upserted = m.rows_inserted + m.rows_updated;
        report_->rows_deleted = m.rows_deleted;
      }
    }
    RETURN_IF_ERROR(CheckSilverKeys(silver, committed, before));
    ASSIGN_OR_RETURN(auto latest, delta::Snapshot::Load(silver));
    report_->silver_version = latest->version();

    if (cols_.cc >= 0) {
      const Value* best = nullptr;
      for (const auto& r : rows_) {
        const Value& v = r.items[static_cast<size_t>(cols_.cc)];
        if (!v.is_null() && (!best || parquet::CompareValues(v, *best) > 0)) best = &v;
      }
      if (best) {
        report_->watermark = WatermarkText(cols_.props[static_cast<size_t>(cols_.cc)], *best);
        RETURN_IF_ERROR(store_.SetWatermark(source_.id, report_->watermark, run_id_));
      }
    }
    return Status::OK();
  }

  // Scans silver for a key held by two rows; restores `before` (the version
  // this load started from) and fails the run. A table this load created
  // cannot be restored to before its creation: the failure says so.
  Status CheckSilverKeys(const std::shared_ptr<delta::LogStore>& silver, int64_t committed,
                         int64_t before) {
    ASSIGN_OR_RETURN(auto snap, delta::Snapshot::Load(silver));
    std::map<std::string, int> seen;
    std::string key, dup;
    int64_t dups = 0;
    for (const auto& f : snap->files()) {
      std::vector<Value> rows;
      RETURN_IF_ERROR(delta::ReadFileRows(*snap, f, &rows));
      for (const auto& r : rows) {
        if (!KeyText(cols_, r, &key)) continue;
        if (++seen[key] == 2) {
          ++dups;
          if (dup.empty()) dup = key;
        }
      }
    }
    if (dups == 0) return Status::OK();
    std::string msg = "odata: " + source_.id + ": duplicate-key check failed on " +
                      source_.target_table + " v" + std::to_string(snap->version()) + ": " +
                      std::to_string(dups) + " keys held by several rows (first: " + dup + ")";
    if (before >= 0 && snap->version() > before) {
      RETURN_IF_ERROR(delta::RestoreTable(silver, before).status());
      msg += "; restored to v" + std::to_string(before);
    } else if (before < 0) {
      msg += "; the table was created by this load (commit v" + std::to_string(committed) +
             ") and is left as is";
    }
    dup_check_failed_ = true;
    return Status::Internal(msg);
  }

 public:
  bool dup_check_failed_ = false;

 private:
  struct Row {
    Value row;
    std::string payload;
  };
  MetadataStore& store_;
  HttpClient& http_;
  const SourceConfig& source_;
  int64_t run_id_;
  const LoadOptions& options_;
  LoadReport* report_;
  Columns cols_;
  int64_t loaded_at_ = 0;
  std::vector<Value> bronze_, quarantine_, rows_;
  std::vector<Row> accepted_;
};

}  // namespace

std::string BronzeTable(const SourceConfig& s) { return s.target_table + "_bronze"; }
std::string QuarantineTable(const SourceConfig& s) { return s.target_table + "_quarantine"; }

Result<LoadReport> RunLoad(MetadataStore& store, HttpClient& http, const SourceConfig& source,
                           int64_t run_id, const LoadOptions& options) {
  if (run_id <= 0) {
    ASSIGN_OR_RETURN(run_id, store.CreateRun(source.id, options.refresh_id));
  }
  LoadReport report;
  report.run_id = run_id;
  int attempts = std::max(1, source.load_attempts);
  // Whole-load retries: doubling from whole_load_backoff_ms, full jitter, on the HTTP clock.
  RetryPolicy whole = options.retry;
  whole.initial_backoff_ms = options.whole_load_backoff_ms;
  whole.max_backoff_ms = std::max<int64_t>(options.whole_load_backoff_ms, 5 * 60 * 1000);
  whole.jitter_low = 0.0;
  whole.jitter_high = 1.0;
  whole.deadline_ms = 0;
  Backoff backoff(whole);
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    LoadReport r;
    r.run_id = run_id;
    r.http_retries = report.http_retries;
    RunUpdate start;
    start.state = RunState::kRunning;
    start.attempt = attempt;
    start.detail = "attempt " + std::to_string(attempt);
    RETURN_IF_ERROR(store.UpdateRun(run_id, start));
    RetryPolicy retry = options.retry;
    auto outer = retry.on_retry;
    retry.on_retry = [&](int n, const Status& why, int64_t delay_ms) {
      if (options.progress) {
        options.progress(run_id, why.message() + "; retry " + std::to_string(n) + " in " +
                                     std::to_string(delay_ms) + " ms");
      }
      if (outer) outer(n, why, delay_ms);
    };
    LoadOptions o = options;
    o.retry = retry;
    Attempt a(store, http, source, run_id, o, &r);
    Status s = a.Run();
    r.attempts = attempt;
    report = r;
    RunUpdate u;
    u.rows_read = r.rows_read;
    u.rows_written = r.rows_upserted;
    u.rows_quarantined = r.rows_quarantined;
    u.attempt = attempt;
    u.mode = r.mode;
    if (s.ok()) {
      report.succeeded = true;
      u.state = RunState::kSucceeded;
      u.detail = std::to_string(r.rows_upserted) + " rows upserted, " +
                 std::to_string(r.rows_deleted) + " deleted, " +
                 std::to_string(r.rows_quarantined) + " quarantined; silver v" +
                 std::to_string(r.silver_version);
      RETURN_IF_ERROR(store.UpdateRun(run_id, u));
      return report;
    }
    report.error = s.ToString();
    if (attempt < attempts && Retryable(s) && !a.dup_check_failed_) {
      u.state = RunState::kRetrying;
      u.detail = report.error;
      RETURN_IF_ERROR(store.UpdateRun(run_id, u));
      (void)backoff.Wait();
      continue;
    }
    u.state = RunState::kFailed;
    u.detail = report.error;
    RETURN_IF_ERROR(store.UpdateRun(run_id, u));
    return report;
  }
  return report;
}

}  // namespace lakestream::odata
