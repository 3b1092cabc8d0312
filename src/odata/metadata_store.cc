// MetadataStore: SQL shared by the SQLite and PostgreSQL backends.
#include "odata/metadata_store.h"

#include <chrono>
#include <cstdlib>

#include "common/clock.h"
#include "common/retry.h"
#include "common/redact.h"
#include "common/schedule.h"

namespace lakestream::odata {
namespace {

int64_t NowMs() { return RealClock()->NowMillis(); }

std::string JoinCommas(const std::vector<std::string>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + v[i];
  return out;
}

std::vector<std::string> SplitCommas(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    std::string part = s.substr(start, end - start);
    while (!part.empty() && part.front() == ' ') part.erase(part.begin());
    while (!part.empty() && part.back() == ' ') part.pop_back();
    if (!part.empty()) out.push_back(part);
    start = end + 1;
  }
  return out;
}

SqlValue Str(const std::string& s) { return s; }
SqlValue Int(int64_t v) { return std::to_string(v); }
std::string Text(const SqlValue& v) { return v.value_or(""); }
int64_t Num(const SqlValue& v) { return v ? std::strtoll(v->c_str(), nullptr, 10) : 0; }

constexpr const char* kSourceColumns =
    "id, service_url, entity_set, odata_version, filter, select_columns, page_size, paging, "
    "top_rows, skip_rows, target_table, change_capture, change_capture_column, key_columns, "
    "active, schedule, credential, load_attempts";

SourceConfig SourceFromRow(const SqlRow& r) {
  SourceConfig s;
  s.id = Text(r[0]);
  s.service_url = Text(r[1]);
  s.entity_set = Text(r[2]);
  s.version = Text(r[3]) == "v2" ? ODataVersion::kV2 : ODataVersion::kV4;
  s.filter = Text(r[4]);
  s.select = SplitCommas(Text(r[5]));
  s.page_size = Num(r[6]);
  s.paging = Text(r[7]) == "client" ? PagingMode::kClient : PagingMode::kServer;
  s.top = Num(r[8]);
  s.skip = Num(r[9]);
  s.target_table = Text(r[10]);
  s.change_capture = Num(r[11]) != 0;
  s.change_capture_column = Text(r[12]);
  s.key_columns = SplitCommas(Text(r[13]));
  s.active = Num(r[14]) != 0;
  s.schedule = Text(r[15]);
  s.credential = Text(r[16]);
  s.load_attempts = static_cast<int>(Num(r[17]));
  return s;
}

constexpr const char* kRunColumns =
    "id, source_id, refresh_id, state, reason, mode, rows_read, rows_written, rows_quarantined, "
    "attempt, queued_at, started_at, finished_at";

RunRecord RunFromRow(const SqlRow& r) {
  RunRecord x;
  x.id = Num(r[0]);
  x.source_id = Text(r[1]);
  x.refresh_id = Text(r[2]);
  x.state = ParseRunState(Text(r[3])).value_or(RunState::kFailed);
  x.reason = Text(r[4]);
  x.mode = Text(r[5]);
  x.rows_read = Num(r[6]);
  x.rows_written = Num(r[7]);
  x.rows_quarantined = Num(r[8]);
  x.attempt = Num(r[9]);
  x.queued_at_ms = Num(r[10]);
  x.started_at_ms = Num(r[11]);
  x.finished_at_ms = Num(r[12]);
  return x;
}

}  // namespace

std::string_view RunStateName(RunState s) {
  switch (s) {
    case RunState::kQueued:
      return "queued";
    case RunState::kRunning:
      return "running";
    case RunState::kRetrying:
      return "retrying";
    case RunState::kSucceeded:
      return "succeeded";
    case RunState::kFailed:
      return "failed";
  }
  return "failed";
}

std::optional<RunState> ParseRunState(std::string_view s) {
  for (RunState r : {RunState::kQueued, RunState::kRunning, RunState::kRetrying,
                     RunState::kSucceeded, RunState::kFailed}) {
    if (RunStateName(r) == s) return r;
  }
  return std::nullopt;
}

Result<std::unique_ptr<MetadataStore>> MetadataStore::Open(const std::string& url) {
  Result<std::unique_ptr<SqlConnection>> conn = sql::OpenSql(url);
  if (!conn.ok()) return conn.status().WithContext("metadata store");
  auto store = std::make_unique<MetadataStore>(std::move(conn).value());
  RETURN_IF_ERROR(store->CreateSchema());
  return store;
}

Status MetadataStore::CreateSchema() {
  bool pg = conn_->dialect() == SqlDialect::kPostgres;
  std::string id_col = pg ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT";
  std::string ddl =
      "CREATE TABLE IF NOT EXISTS odata_sources ("
      " id TEXT PRIMARY KEY, service_url TEXT NOT NULL, entity_set TEXT NOT NULL,"
      " odata_version TEXT NOT NULL DEFAULT 'v4', filter TEXT, select_columns TEXT,"
      " page_size BIGINT NOT NULL DEFAULT 0, paging TEXT NOT NULL DEFAULT 'server',"
      " top_rows BIGINT NOT NULL DEFAULT -1, skip_rows BIGINT NOT NULL DEFAULT 0,"
      " target_table TEXT NOT NULL, change_capture INTEGER NOT NULL DEFAULT 0,"
      " change_capture_column TEXT, key_columns TEXT NOT NULL,"
      " active INTEGER NOT NULL DEFAULT 1, schedule TEXT, credential TEXT,"
      " load_attempts INTEGER NOT NULL DEFAULT 2, created_at BIGINT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS odata_runs ("
      " id " +
      id_col +
      ", source_id TEXT NOT NULL, refresh_id TEXT, state TEXT NOT NULL,"
      " reason TEXT, mode TEXT, rows_read BIGINT NOT NULL DEFAULT 0,"
      " rows_written BIGINT NOT NULL DEFAULT 0, rows_quarantined BIGINT NOT NULL DEFAULT 0,"
      " attempt BIGINT NOT NULL DEFAULT 0, queued_at BIGINT NOT NULL,"
      " started_at BIGINT NOT NULL DEFAULT 0, finished_at BIGINT NOT NULL DEFAULT 0);"
      "CREATE INDEX IF NOT EXISTS odata_runs_source ON odata_runs (source_id, id);"
      "CREATE TABLE IF NOT EXISTS odata_run_events ("
      " run_id BIGINT NOT NULL, seq " +
      id_col +
      ", state TEXT NOT NULL, detail TEXT,"
      " at BIGINT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS odata_watermarks ("
      " source_id TEXT PRIMARY KEY, value TEXT NOT NULL, run_id BIGINT, updated_at BIGINT);";
  if (pg) {
    // Concurrent first opens race on CREATE TABLE IF NOT EXISTS in PostgreSQL; serialize.
    ddl = "SELECT pg_advisory_lock(7265735); " + ddl + " SELECT pg_advisory_unlock(7265735);";
  }
  std::lock_guard<std::mutex> lock(mu_);
  return conn_->Exec(ddl);
}

Result<std::vector<SqlRow>> MetadataStore::Query(const std::string& sql,
                                                 const std::vector<SqlValue>& params) {
  std::lock_guard<std::mutex> lock(mu_);
  // Busy/locked databases and dropped connections are retried briefly.
  RetryPolicy policy;
  policy.max_attempts = 5;
  policy.initial_backoff_ms = 100;
  policy.max_backoff_ms = 800;
  Result<std::vector<SqlRow>> rows =
      Retry(policy, [&](RetryAttempt&) { return conn_->Query(sql, params); });
  if (!rows.ok()) return rows.status().WithContext("metadata store");
  return rows;
}

Status MetadataStore::AddSource(const SourceConfig& s) {
  auto bad = [&](const std::string& what) {
    return Status::InvalidArgument("metadata store: source " + s.id + ": " + what);
  };
  if (s.id.empty()) return Status::InvalidArgument("metadata store: source without an id");
  if (s.service_url.empty()) return bad("service URL is required");
  if (UrlHasUserInfo(s.service_url)) {
    // The store and `sources list` are not secret: credentials have their own place.
    return bad("the service URL must not carry credentials (user:password@); store them as a "
               "named credential (LAKESTREAM_CRED_<NAME>_USER/_PASSWORD or "
               "LAKESTREAM_SECRETS_FILE) and pass --credential NAME (docs/odata.md#credentials)");
  }
  if (s.entity_set.empty()) return bad("entity set is required");
  if (s.target_table.empty()) return bad("target table is required");
  if (s.key_columns.empty()) return bad("key columns are required");
  if (s.change_capture && s.change_capture_column.empty()) {
    return bad("change capture needs a change-capture column");
  }
  if (s.page_size < 0 || s.skip < 0) return bad("page size and skip must be >= 0");
  if (Result<Schedule> sch = ParseSchedule(s.schedule); !sch.ok())
    return bad(sch.status().message());
  if (s.paging == PagingMode::kClient && s.page_size <= 0) {
    return bad("client-side paging ($top/$skip) needs a page size > 0");
  }
  std::string sql = std::string("INSERT INTO odata_sources (") + kSourceColumns +
                    ", created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,"
                    "$17,$18,$19)";
  Result<std::vector<SqlRow>> r = Query(
      sql,
      {Str(s.id), Str(s.service_url), Str(s.entity_set),
       Str(s.version == ODataVersion::kV2 ? "v2" : "v4"), Str(s.filter), Str(JoinCommas(s.select)),
       Int(s.page_size), Str(s.paging == PagingMode::kClient ? "client" : "server"), Int(s.top),
       Int(s.skip), Str(s.target_table), Int(s.change_capture ? 1 : 0),
       Str(s.change_capture_column), Str(JoinCommas(s.key_columns)), Int(s.active ? 1 : 0),
       Str(s.schedule), Str(s.credential), Int(s.load_attempts), Int(NowMs())});
  if (!r.ok() && r.status().IsAlreadyExists()) {
    return Status::AlreadyExists("metadata store: source " + s.id + " already exists");
  }
  return r.status();
}

Result<SourceConfig> MetadataStore::GetSource(const std::string& id) {
  ASSIGN_OR_RETURN(auto rows, Query(std::string("SELECT ") + kSourceColumns +
                                        " FROM odata_sources WHERE id = $1",
                                    {Str(id)}));
  if (rows.empty()) return Status::NotFound("metadata store: no source " + id);
  return SourceFromRow(rows[0]);
}

Result<std::vector<SourceConfig>> MetadataStore::ListSources(bool active_only) {
  ASSIGN_OR_RETURN(auto rows,
                   Query(std::string("SELECT ") + kSourceColumns + " FROM odata_sources" +
                             (active_only ? " WHERE active = 1" : "") + " ORDER BY id",
                         {}));
  std::vector<SourceConfig> out;
  for (const auto& r : rows) out.push_back(SourceFromRow(r));
  return out;
}

Status MetadataStore::SetActive(const std::string& id, bool active) {
  ASSIGN_OR_RETURN(auto rows, Query("UPDATE odata_sources SET active = $1 WHERE id = $2 "
                                    "RETURNING id",
                                    {Int(active ? 1 : 0), Str(id)}));
  if (rows.empty()) return Status::NotFound("metadata store: no source " + id);
  return Status::OK();
}

Result<int64_t> MetadataStore::CreateRun(const std::string& source_id,
                                         const std::string& refresh_id) {
  int64_t now = NowMs();
  ASSIGN_OR_RETURN(auto rows, Query("INSERT INTO odata_runs (source_id, refresh_id, state, "
                                    "queued_at) VALUES ($1, $2, 'queued', $3) RETURNING id",
                                    {Str(source_id), Str(refresh_id), Int(now)}));
  if (rows.empty() || !rows[0][0]) return Status::Internal("metadata store: no run id returned");
  int64_t id = Num(rows[0][0]);
  RETURN_IF_ERROR(Query("INSERT INTO odata_run_events (run_id, state, detail, at) VALUES "
                        "($1, 'queued', '', $2)",
                        {Int(id), Int(now)})
                      .status());
  return id;
}

Status MetadataStore::UpdateRun(int64_t run_id, const RunUpdate& u) {
  int64_t now = NowMs();
  std::string state(RunStateName(u.state));
  bool done = u.state == RunState::kSucceeded || u.state == RunState::kFailed;
  ASSIGN_OR_RETURN(
      auto rows,
      Query("UPDATE odata_runs SET state = $1, reason = $2, mode = COALESCE($3, mode),"
            " rows_read = COALESCE($4, rows_read), rows_written = COALESCE($5, rows_written),"
            " rows_quarantined = COALESCE($6, rows_quarantined),"
            " attempt = COALESCE($7, attempt),"
            " started_at = CASE WHEN started_at = 0 AND $1 = 'running' THEN $8 ELSE started_at "
            "END, finished_at = CASE WHEN $9 = '1' THEN $8 ELSE finished_at END"
            " WHERE id = $10 RETURNING id",
            {Str(state), Str(u.detail), u.mode, u.rows_read ? Int(*u.rows_read) : std::nullopt,
             u.rows_written ? Int(*u.rows_written) : std::nullopt,
             u.rows_quarantined ? Int(*u.rows_quarantined) : std::nullopt,
             u.attempt ? Int(*u.attempt) : std::nullopt, Int(now), Str(done ? "1" : "0"),
             Int(run_id)}));
  if (rows.empty()) return Status::NotFound("metadata store: no run " + std::to_string(run_id));
  return Query("INSERT INTO odata_run_events (run_id, state, detail, at) VALUES ($1,$2,$3,$4)",
               {Int(run_id), Str(state), Str(u.detail), Int(now)})
      .status();
}

Result<RunRecord> MetadataStore::GetRun(int64_t run_id) {
  ASSIGN_OR_RETURN(auto rows,
                   Query(std::string("SELECT ") + kRunColumns + " FROM odata_runs WHERE id = $1",
                         {Int(run_id)}));
  if (rows.empty()) return Status::NotFound("metadata store: no run " + std::to_string(run_id));
  return RunFromRow(rows[0]);
}

Result<std::vector<RunRecord>> MetadataStore::ListRuns(const std::string& source_id, int limit,
                                                       const std::string& refresh_id) {
  ASSIGN_OR_RETURN(
      auto rows,
      Query(std::string("SELECT ") + kRunColumns +
                " FROM odata_runs WHERE ($1 = '' OR source_id = $1) AND"
                " ($2 = '' OR refresh_id = $2) ORDER BY id DESC LIMIT CAST($3 AS INTEGER)",
            {Str(source_id), Str(refresh_id), Int(limit)}));
  std::vector<RunRecord> out;
  for (const auto& r : rows) out.push_back(RunFromRow(r));
  return out;
}

Result<std::vector<RunEvent>> MetadataStore::ListRunEvents(int64_t run_id) {
  ASSIGN_OR_RETURN(auto rows, Query("SELECT run_id, state, detail, at FROM odata_run_events "
                                    "WHERE run_id = $1 ORDER BY seq",
                                    {Int(run_id)}));
  std::vector<RunEvent> out;
  for (const auto& r : rows) {
    out.push_back(
        {Num(r[0]), ParseRunState(Text(r[1])).value_or(RunState::kFailed), Text(r[2]), Num(r[3])});
  }
  return out;
}

Result<std::optional<std::string>> MetadataStore::GetWatermark(const std::string& source_id) {
  ASSIGN_OR_RETURN(auto rows, Query("SELECT value FROM odata_watermarks WHERE source_id = $1",
                                    {Str(source_id)}));
  if (rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(rows[0][0]);
}

Status MetadataStore::SetWatermark(const std::string& source_id, const std::string& value,
                                   int64_t run_id) {
  return Query(
             "INSERT INTO odata_watermarks (source_id, value, run_id, updated_at) VALUES "
             "($1,$2,$3,$4) ON CONFLICT (source_id) DO UPDATE SET value = excluded.value,"
             " run_id = excluded.run_id, updated_at = excluded.updated_at",
             {Str(source_id), Str(value), Int(run_id), Int(NowMs())})
      .status();
}

}  // namespace lakestream::odata
