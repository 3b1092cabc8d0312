// MetadataStore: which OData sources to load and what happened to every
// load. Three tables (docs/odata.md has the DDL):
//   odata_sources     one row per OData view: service URL, entity set,
//                     query options, target table, change capture, keys,
//                     active flag, schedule
//   odata_runs        one row per load run with its current state, and
//   odata_run_events  one row per state change (queued, running, retrying,
//                     succeeded, failed + reason)
//   odata_watermarks  the change-capture watermark per source, written only
//                     after the load's Delta commits succeeded
// Backed by SQLite (embedded default) or PostgreSQL (shared deployments)
// through SqlConnection; the schema is created on open.
//
// Thread-safety: every method may be called from any thread (one mutex
// around the connection). Ownership: owns its connection.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "sql/sql_connection.h"

namespace lakestream::odata {

using sql::SqlConnection;
using sql::SqlDialect;
using sql::SqlRow;
using sql::SqlValue;

enum class ODataVersion { kV4, kV2 };
enum class PagingMode { kServer, kClient };  // @odata.nextLink/__next, or $top/$skip

struct SourceConfig {
  std::string id;
  std::string service_url;  // e.g. https://host/odata/v4/sales (no trailing '/')
  std::string entity_set;   // e.g. SalesOrders
  ODataVersion version = ODataVersion::kV4;
  std::string filter;               // $filter; empty: none
  std::vector<std::string> select;  // $select; empty: all properties
  int64_t page_size = 0;            // client paging page size / server-paging maxpagesize
  PagingMode paging = PagingMode::kServer;
  int64_t top = -1;             // overall $top cap; -1: none
  int64_t skip = 0;             // initial $skip
  std::string target_table;     // silver table path; bronze/quarantine beside it
  bool change_capture = false;  // incremental loads on change_capture_column
  std::string change_capture_column;
  std::vector<std::string> key_columns;
  bool active = true;
  std::string schedule;    // e.g. "daily 02:00" or a cron text; informational for `serve`
  std::string credential;  // the credential name (env/secrets file), never the secret
  int load_attempts = 2;   // whole-load retries
};

enum class RunState { kQueued, kRunning, kRetrying, kSucceeded, kFailed };
std::string_view RunStateName(RunState s);
std::optional<RunState> ParseRunState(std::string_view s);

struct RunRecord {
  int64_t id = 0;
  std::string source_id;
  std::string refresh_id;  // the refresh (API call) this run belongs to; may be empty
  RunState state = RunState::kQueued;
  std::string reason;  // failure reason or progress note
  std::string mode;    // "full" or "incremental"
  int64_t rows_read = 0;
  int64_t rows_written = 0;
  int64_t rows_quarantined = 0;
  int64_t attempt = 0;
  int64_t queued_at_ms = 0;
  int64_t started_at_ms = 0;   // 0: not started
  int64_t finished_at_ms = 0;  // 0: not finished
};

struct RunEvent {
  int64_t run_id = 0;
  RunState state = RunState::kQueued;
  std::string detail;
  int64_t at_ms = 0;
};

// What a state change updates (unset fields keep their values).
struct RunUpdate {
  RunState state = RunState::kRunning;
  std::string detail;
  std::optional<std::string> mode;
  std::optional<int64_t> rows_read, rows_written, rows_quarantined, attempt;
};

class MetadataStore {
 public:
  // "sqlite:PATH", a bare path (SQLite), or "postgresql://..." /
  // "postgres://..." / "pg:CONNINFO" (PostgreSQL). Creates the schema.
  static Result<std::unique_ptr<MetadataStore>> Open(const std::string& url);
  explicit MetadataStore(std::unique_ptr<SqlConnection> conn) : conn_(std::move(conn)) {}

  // AlreadyExists for a duplicate id; InvalidArgument for a source missing
  // its URL, entity set, target table or keys, or change capture without a column.
  Status AddSource(const SourceConfig& source);
  Result<SourceConfig> GetSource(const std::string& id);  // NotFound
  Result<std::vector<SourceConfig>> ListSources(bool active_only = false);
  Status SetActive(const std::string& id, bool active);  // NotFound

  // Inserts a queued run (and its event); returns its id.
  Result<int64_t> CreateRun(const std::string& source_id, const std::string& refresh_id);
  // Records a state change: updates the run row, appends an event. Sets
  // started_at on the first kRunning, finished_at on kSucceeded/kFailed.
  Status UpdateRun(int64_t run_id, const RunUpdate& update);
  Result<RunRecord> GetRun(int64_t run_id);  // NotFound
  // Newest first; source_id/refresh_id empty: any.
  Result<std::vector<RunRecord>> ListRuns(const std::string& source_id, int limit,
                                          const std::string& refresh_id = "");
  Result<std::vector<RunEvent>> ListRunEvents(int64_t run_id);

  // The watermark (change-capture column value as text), or nullopt.
  Result<std::optional<std::string>> GetWatermark(const std::string& source_id);
  Status SetWatermark(const std::string& source_id, const std::string& value, int64_t run_id);

 private:
  Status CreateSchema();
  Result<std::vector<SqlRow>> Query(const std::string& sql, const std::vector<SqlValue>& params);

  std::mutex mu_;
  std::unique_ptr<SqlConnection> conn_;
};

}  // namespace lakestream::odata
