// SqlConnection over the embedded SQLite library (libsqlite3).
#include <sqlite3.h>

#include <cctype>

#include "sql/sql_connection.h"

namespace lakestream::sql {
namespace {

// "$12" -> "?12": SQLite's numbered parameters.
std::string RewriteParams(const std::string& sql) {
  std::string out = sql;
  for (size_t i = 0; i + 1 < out.size(); ++i) {
    if (out[i] == '$' && std::isdigit(static_cast<unsigned char>(out[i + 1]))) out[i] = '?';
  }
  return out;
}

class SqliteConnection : public SqlConnection {
 public:
  SqliteConnection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteConnection() override { sqlite3_close(db_); }
  SqlDialect dialect() const override { return SqlDialect::kSqlite; }

  Status Exec(const std::string& sql) override {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    if (rc == SQLITE_OK) return Status::OK();
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return Error(rc, msg, sql);
  }

  Result<std::vector<SqlRow>> Query(const std::string& sql,
                                    const std::vector<SqlValue>& params) override {
    sqlite3_stmt* stmt = nullptr;
    std::string text = RewriteParams(sql);
    int rc = sqlite3_prepare_v2(db_, text.c_str(), -1, &stmt, nullptr);
    if (rc != SQLITE_OK) return Error(rc, sqlite3_errmsg(db_), sql);
    struct Finalizer {
      sqlite3_stmt* s;
      ~Finalizer() { sqlite3_finalize(s); }
    } fin{stmt};
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i + 1);
      rc = params[i] ? sqlite3_bind_text(stmt, idx, params[i]->data(),
                                         static_cast<int>(params[i]->size()), SQLITE_TRANSIENT)
                     : sqlite3_bind_null(stmt, idx);
      if (rc != SQLITE_OK) return Error(rc, sqlite3_errmsg(db_), sql);
    }
    std::vector<SqlRow> rows;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      int n = sqlite3_column_count(stmt);
      SqlRow row(static_cast<size_t>(n));
      for (int c = 0; c < n; ++c) {
        if (sqlite3_column_type(stmt, c) == SQLITE_NULL) continue;
        const unsigned char* t = sqlite3_column_text(stmt, c);
        row[static_cast<size_t>(c)] = std::string(
            reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_column_bytes(stmt, c)));
      }
      rows.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE) return Error(rc, sqlite3_errmsg(db_), sql);
    return rows;
  }

 private:
  Status Error(int rc, const std::string& msg, const std::string& sql) const {
    std::string m =
        "sqlite " + path_ + ": " + msg + " (in: " + sql.substr(0, 80) + ")";
    int primary = rc & 0xff;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return Status::Unavailable(m);
    if (primary == SQLITE_CANTOPEN || primary == SQLITE_IOERR || primary == SQLITE_FULL) {
      return Status::IOError(m);
    }
    if (primary == SQLITE_CONSTRAINT && msg.find("UNIQUE") != std::string::npos) {
      return Status::AlreadyExists(m);
    }
    if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) return Status::Corruption(m);
    return Status::InvalidArgument(m);
  }

  sqlite3* db_;
  std::string path_;
};

}  // namespace

Result<std::unique_ptr<SqlConnection>> OpenSqlite(const std::string& path) {
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return Status::IOError("sqlite: cannot open database " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db, 10000);  // the CLI and `serve` may share the file
  auto conn = std::make_unique<SqliteConnection>(db, path);
  RETURN_IF_ERROR(conn->Exec("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;"));
  return std::unique_ptr<SqlConnection>(std::move(conn));
}

}  // namespace lakestream::sql
