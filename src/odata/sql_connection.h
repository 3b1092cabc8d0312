// SqlConnection: the small SQL seam the metadata store runs on, with an
// embedded SQLite backend (the default) and a PostgreSQL backend (libpq) for
// shared deployments. Statements use PostgreSQL-style $1..$n parameters;
// the SQLite backend rewrites them. Values travel as text (or NULL), which
// both engines convert to the column types.
//
// Thread-safety: a connection is used by one thread at a time (the
// metadata store serializes calls with a mutex). Ownership: the connection
// owns its native handle and closes it on destruction.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace lakestream::odata {

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

}  // namespace lakestream::odata
