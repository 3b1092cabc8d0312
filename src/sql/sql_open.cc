// sql::OpenSql (a location to a connection) and SqlTransaction.
#include "sql/sql_connection.h"

namespace lakestream::sql {

Result<std::unique_ptr<SqlConnection>> OpenSql(const std::string& location) {
  if (location.starts_with("postgresql://") || location.starts_with("postgres://")) {
    return OpenPostgres(location);
  }
  if (location.starts_with("pg:")) return OpenPostgres(location.substr(3));
  if (location.starts_with("sqlite:")) return OpenSqlite(location.substr(7));
  if (location.empty()) return Status::InvalidArgument("sql: empty database location");
  return OpenSqlite(location);
}

SqlTransaction::~SqlTransaction() {
  if (open_) (void)conn_->Exec("ROLLBACK");
}

Status SqlTransaction::Begin() {
  RETURN_IF_ERROR(conn_->Exec(conn_->dialect() == SqlDialect::kSqlite ? "BEGIN IMMEDIATE"
                                                                      : "BEGIN"));
  open_ = true;
  return Status::OK();
}

Status SqlTransaction::Commit() {
  Status s = conn_->Exec("COMMIT");
  if (s.ok()) open_ = false;
  return s;
}

}  // namespace lakestream::sql
