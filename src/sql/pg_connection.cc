// SqlConnection over PostgreSQL's client library (libpq). Built only with libpq
// (LAKESTREAM_WITH_POSTGRES, src/sql/CMakeLists.txt); without it OpenPostgres
// returns NotSupported.
#include "sql/sql_connection.h"

#if !LAKESTREAM_WITH_POSTGRES

namespace lakestream::sql {

Result<std::unique_ptr<SqlConnection>> OpenPostgres(const std::string&) {
  return Status::NotSupported(
      "sql: this build has no PostgreSQL support (libpq was not found when it "
      "was configured); use an SQLite store, or rebuild with libpq-dev installed");
}

}  // namespace lakestream::sql

#else

#include <libpq-fe.h>

#include "common/redact.h"

namespace lakestream::sql {
namespace {

class PgConnection : public SqlConnection {
 public:
  PgConnection(PGconn* conn, std::string conninfo)
      : conn_(conn), where_(lakestream::Redact(conninfo)), conninfo_(std::move(conninfo)) {}
  ~PgConnection() override { PQfinish(conn_); }
  SqlDialect dialect() const override { return SqlDialect::kPostgres; }

  Status Exec(const std::string& sql) override {
    RETURN_IF_ERROR(EnsureConnected());
    PGresult* res = PQexec(conn_, sql.c_str());
    Status s = Check(res, sql);
    PQclear(res);
    return s;
  }

  Result<std::vector<SqlRow>> Query(const std::string& sql,
                                    const std::vector<SqlValue>& params) override {
    RETURN_IF_ERROR(EnsureConnected());
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    PGresult* res = PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr,
                                 values.data(), nullptr, nullptr, 0);
    Status s = Check(res, sql);
    if (!s.ok()) {
      PQclear(res);
      return s;
    }
    std::vector<SqlRow> rows;
    int n = PQntuples(res), cols = PQnfields(res);
    rows.reserve(static_cast<size_t>(n));
    for (int r = 0; r < n; ++r) {
      SqlRow row(static_cast<size_t>(cols));
      for (int c = 0; c < cols; ++c) {
        if (!PQgetisnull(res, r, c)) {
          row[static_cast<size_t>(c)] =
              std::string(PQgetvalue(res, r, c), static_cast<size_t>(PQgetlength(res, r, c)));
        }
      }
      rows.push_back(std::move(row));
    }
    PQclear(res);
    return rows;
  }

 private:
  // A dropped connection is re-established once per call.
  Status EnsureConnected() {
    if (PQstatus(conn_) == CONNECTION_OK) return Status::OK();
    PQreset(conn_);
    if (PQstatus(conn_) == CONNECTION_OK) return Status::OK();
    return Status::Unavailable("postgresql " + where_ +
                               ": connection lost: " + PQerrorMessage(conn_));
  }

  Status Check(PGresult* res, const std::string& sql) {
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return Status::OK();
    std::string msg = "postgresql " + where_ + ": " +
                      (res ? PQresultErrorMessage(res) : PQerrorMessage(conn_)) +
                      " (in: " + sql.substr(0, 80) + ")";
    if (PQstatus(conn_) != CONNECTION_OK) return Status::Unavailable(msg);
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    std::string code = state ? state : "";
    // 40001 serialization failure, 40P01 deadlock, 57P0x shutdown, 08xxx connection.
    if (code == "40001" || code == "40P01" || code.rfind("57P0", 0) == 0 ||
        code.rfind("08", 0) == 0) {
      return Status::Unavailable(msg);
    }
    if (code == "23505") return Status::AlreadyExists(msg);
    return Status::InvalidArgument(msg);
  }

  PGconn* conn_;
  std::string where_;
  std::string conninfo_;
};

}  // namespace

Result<std::unique_ptr<SqlConnection>> OpenPostgres(const std::string& conninfo) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn);
    PQfinish(conn);
    return Status::Unavailable("postgresql: cannot connect to " +
                               lakestream::Redact(conninfo) +
                               ": " + msg);
  }
  auto c = std::make_unique<PgConnection>(conn, conninfo);
  RETURN_IF_ERROR(c->Exec("SET client_min_messages TO warning"));
  return std::unique_ptr<SqlConnection>(std::move(c));
}

}  // namespace lakestream::sql

#endif  // LAKESTREAM_WITH_POSTGRES
