// SqlConnection: the small SQL seam the OData metadata store and the catalog's
// metastore run on, with an embedded SQLite backend (the default) and a
// PostgreSQL backend (libpq) for shared deployments. Statements use PostgreSQL-style $1..$n parameters;
// the SQLite backend rewrites them. Values travel as text (or NULL), which
// both engines convert to the column types.
//
// Thread-safety: a connection is used by one thread at a time (its owner
// serializes calls with a mutex); separate connections, in threads or
// processes, may share one database. Ownership: the connection
// owns its native handle and closes it on destruction.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace lakestream::sql {

using SqlValue = std::optional<std::string>;  // nullopt is SQL NULL
using SqlRow = std::vector<SqlValue>;

enum class SqlDialect { kSqlite, kPostgres };

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  virtual SqlDialect dialect() const = 0;
  // Runs statements without parameters (DDL; several separated by ';').
  virtual Status Exec(const std::string& sql) = 0;
  // Runs one statement with $1..$n bound to `params`; returns its rows.
  // Unavailable when the database is busy/locked or the server is
  // unreachable; InvalidArgument for SQL errors (naming the statement).
  virtual Result<std::vector<SqlRow>> Query(const std::string& sql,
                                            const std::vector<SqlValue>& params = {}) = 0;
};

// Opens (creating if needed) an SQLite database file; ":memory:" works.
Result<std::unique_ptr<SqlConnection>> OpenSqlite(const std::string& path);
// Connects to PostgreSQL with a libpq connection string or URI.
Result<std::unique_ptr<SqlConnection>> OpenPostgres(const std::string& conninfo);
// Opens a database by location: postgresql://... or postgres://... (PostgreSQL),
// pg:CONNINFO (PostgreSQL, a libpq key=value string), sqlite:PATH or a plain PATH
// (SQLite). InvalidArgument for an empty location; the backend's errors otherwise.
Result<std::unique_ptr<SqlConnection>> OpenSql(const std::string& location);

// One transaction on a connection: Begin() starts it (SQLite: BEGIN IMMEDIATE, so a
// writer takes the database's write lock up front and two writers never deadlock on a
// lock upgrade; PostgreSQL: BEGIN), Commit() ends it, and destruction without Commit()
// rolls back. Not thread-safe; borrows the connection, which must outlive it.
class SqlTransaction {
 public:
  explicit SqlTransaction(SqlConnection* conn) : conn_(conn) {}
  ~SqlTransaction();
  SqlTransaction(const SqlTransaction&) = delete;
  SqlTransaction& operator=(const SqlTransaction&) = delete;
  // Unavailable when the database stays locked past the busy timeout.
  Status Begin();
  Status Commit();

 private:
  SqlConnection* conn_;
  bool open_ = false;
};

}  // namespace lakestream::sql
