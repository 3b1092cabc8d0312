// Metastore: managed and external tables (metastore.cc has the rest).
#include <utility>

#include "catalog/metastore.h"
#include "catalog/metastore_internal.h"
#include "common/uuid.h"
#include "delta/log_store.h"
#include "delta/operations.h"
#include "delta/snapshot.h"

namespace lakestream::catalog {

using namespace internal;
using sql::SqlValue;

namespace {

constexpr const char* kTableColumns =
    "t.id, c.name, s.name, t.name, t.table_type, t.data_source_format, t.storage_location, "
    "t.comment, t.owner, t.properties, t.created_at, t.updated_at";

constexpr const char* kTableJoin =
    " FROM uc_tables t JOIN uc_schemas s ON t.schema_id = s.id"
    " JOIN uc_catalogs c ON s.catalog_id = c.id";

TableInfo TableFromRow(const sql::SqlRow& r) {
  TableInfo t;
  t.id = Text(r[0]);
  t.catalog_name = Text(r[1]);
  t.schema_name = Text(r[2]);
  t.name = Text(r[3]);
  t.type = Text(r[4]) == "EXTERNAL" ? TableType::kExternal : TableType::kManaged;
  t.data_source_format = Text(r[5]);
  t.storage_location = Text(r[6]);
  t.comment = Text(r[7]);
  t.owner = Text(r[8]);
  t.properties = PropertiesFromJson(Text(r[9]));
  t.created_at = Num(r[10]);
  t.updated_at = Num(r[11]);
  return t;
}

SqlValue OrNull(const std::string& s) { return s.empty() ? SqlValue() : SqlValue(s); }

}  // namespace

Result<std::vector<TableInfo>> Metastore::TablesWhere(const std::string& where,
                                                      const std::vector<SqlValue>& params) {
  ASSIGN_OR_RETURN(auto rows, Query(std::string("SELECT ") + kTableColumns + kTableJoin +
                                        " WHERE " + where + " ORDER BY c.name, s.name, t.name",
                                    params));
  std::vector<TableInfo> out;
  for (const auto& r : rows) out.push_back(TableFromRow(r));
  return out;
}

Result<std::optional<TableInfo>> Metastore::FindTable(const TableName& name) {
  ASSIGN_OR_RETURN(auto tables, TablesWhere("c.name = $1 AND s.name = $2 AND t.name = $3",
                                            {name.catalog, name.schema, name.table}));
  if (tables.empty()) return std::optional<TableInfo>();
  return std::optional<TableInfo>(std::move(tables[0]));
}

Status Metastore::CheckNoOverlap(const std::string& location, const std::string& what) {
  ASSIGN_OR_RETURN(auto tables, TablesWhere("1 = 1", {}));
  for (const TableInfo& t : tables) {
    if (LocationsOverlap(t.storage_location, location)) {
      return Status::InvalidArgument("catalog: " + what + ": location " + location +
                                     " overlaps table '" + t.full_name() + "' at " +
                                     t.storage_location);
    }
  }
  return Status::OK();
}

Result<TableInfo> Metastore::CreateManagedTable(const std::string& full_name,
                                                const ManagedTableSpec& spec,
                                                const ObjectOptions& options) {
  ASSIGN_OR_RETURN(TableName name, ParseTableName(full_name));
  std::string what = "table '" + name.full() + "'";
  TableInfo t;
  t.id = NewUuid();
  t.catalog_name = name.catalog;
  t.schema_name = name.schema;
  t.name = name.table;
  t.type = TableType::kManaged;
  t.comment = options.comment;
  t.owner = options.owner;
  t.properties = options.properties;
  t.created_at = t.updated_at = NowMs();
  std::lock_guard<std::mutex> lock(mu_);
  sql::SqlTransaction txn(conn_.get());
  RETURN_IF_ERROR(txn.Begin());
  ASSIGN_OR_RETURN(auto schema, FindSchema(SchemaName{name.catalog, name.schema}));
  if (!schema) {
    return Status::NotFound("catalog: schema '" + name.catalog + "." + name.schema +
                            "' does not exist");
  }
  ASSIGN_OR_RETURN(auto catalog, FindCatalog(name.catalog));
  ASSIGN_OR_RETURN(auto ms, Query("SELECT id, storage_root FROM uc_metastore"));
  // Managed storage, nearest root first (the layout Unity Catalog uses).
  if (!schema->storage_root.empty()) {
    t.storage_location = schema->storage_root + "/__unitystorage/schemas/" + schema->id +
                         "/tables/" + t.id;
  } else if (catalog && !catalog->storage_root.empty()) {
    t.storage_location = catalog->storage_root + "/__unitystorage/catalogs/" + catalog->id +
                         "/tables/" + t.id;
  } else if (!ms.empty() && !Text(ms[0][1]).empty()) {
    t.storage_location = Text(ms[0][1]) + "/" + Text(ms[0][0]) + "/tables/" + t.id;
  } else {
    return Status::InvalidArgument("catalog: " + what +
                                   ": no storage root for a managed table: give schema '" +
                                   schema->full_name() + "', catalog '" + name.catalog +
                                   "' or the metastore one");
  }
  RETURN_IF_ERROR(CheckNoOverlap(t.storage_location, what));
  Result<std::vector<sql::SqlRow>> r = Query(
      "INSERT INTO uc_tables (id, schema_id, name, table_type, data_source_format, "
      "storage_location, comment, owner, properties, created_at, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
      {t.id, schema->id, t.name, TableTypeName(t.type), t.data_source_format, t.storage_location,
       OrNull(t.comment), OrNull(t.owner), PropertiesToJson(t.properties),
       std::to_string(t.created_at), std::to_string(t.updated_at)});
  if (!r.ok() && r.status().IsAlreadyExists()) {
    return Status::AlreadyExists("catalog: " + what + " already exists");
  }
  RETURN_IF_ERROR(r.status());
  // The Delta table is created while the row is uncommitted: a name lost to a concurrent
  // create fails above, before any file is written.
  ASSIGN_OR_RETURN(auto store, delta::LogStore::Open(t.storage_location));
  Result<delta::CommitResult> created = delta::CreateTable(
      store, spec.schema, spec.partition_columns, spec.configuration, {}, t.id);
  if (!created.ok()) return created.status().WithContext("catalog: " + what);
  Status committed = txn.Commit();
  if (!committed.ok()) {
    (void)DeleteManagedFiles({t});
    return committed.WithContext("catalog: " + what);
  }
  return t;
}

Result<TableInfo> Metastore::RegisterExternalTable(const std::string& full_name,
                                                   const std::string& location,
                                                   const ObjectOptions& options) {
  ASSIGN_OR_RETURN(TableName name, ParseTableName(full_name));
  std::string what = "table '" + name.full() + "'";
  ASSIGN_OR_RETURN(std::string canonical, CanonicalStorageLocation(location));
  // The table must be a Delta table: its snapshot gives the id.
  ASSIGN_OR_RETURN(auto store, delta::LogStore::Open(canonical));
  Result<std::shared_ptr<const delta::Snapshot>> snap = delta::Snapshot::Load(store);
  if (!snap.ok()) {
    return snap.status().WithContext("catalog: " + what + ": " + canonical +
                                     " is not a readable Delta table");
  }
  TableInfo t;
  t.id = (*snap)->metadata().id;
  t.catalog_name = name.catalog;
  t.schema_name = name.schema;
  t.name = name.table;
  t.type = TableType::kExternal;
  t.storage_location = canonical;
  t.comment = options.comment;
  t.owner = options.owner;
  t.properties = options.properties;
  t.created_at = t.updated_at = NowMs();
  if (t.id.empty()) return Status::InvalidArgument("catalog: " + what + ": Delta table has no id");
  std::lock_guard<std::mutex> lock(mu_);
  sql::SqlTransaction txn(conn_.get());
  RETURN_IF_ERROR(txn.Begin());
  ASSIGN_OR_RETURN(auto schema, FindSchema(SchemaName{name.catalog, name.schema}));
  if (!schema) {
    return Status::NotFound("catalog: schema '" + name.catalog + "." + name.schema +
                            "' does not exist");
  }
  ASSIGN_OR_RETURN(auto existing, FindTable(name));
  if (existing) return Status::AlreadyExists("catalog: " + what + " already exists");
  ASSIGN_OR_RETURN(auto same_id, TablesWhere("t.id = $1", {t.id}));
  if (!same_id.empty()) {
    return Status::AlreadyExists("catalog: " + what + ": Delta table id " + t.id +
                                 " is registered already as '" + same_id[0].full_name() + "'");
  }
  RETURN_IF_ERROR(CheckNoOverlap(t.storage_location, what));
  Result<std::vector<sql::SqlRow>> r = Query(
      "INSERT INTO uc_tables (id, schema_id, name, table_type, data_source_format, "
      "storage_location, comment, owner, properties, created_at, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
      {t.id, schema->id, t.name, TableTypeName(t.type), t.data_source_format, t.storage_location,
       OrNull(t.comment), OrNull(t.owner), PropertiesToJson(t.properties),
       std::to_string(t.created_at), std::to_string(t.updated_at)});
  if (!r.ok() && r.status().IsAlreadyExists()) {
    return Status::AlreadyExists("catalog: " + what + " already exists");
  }
  RETURN_IF_ERROR(r.status());
  RETURN_IF_ERROR(txn.Commit());
  return t;
}

Result<TableInfo> Metastore::GetTable(const std::string& full_name) {
  ASSIGN_OR_RETURN(TableName name, ParseTableName(full_name));
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(auto t, FindTable(name));
  if (!t) return Status::NotFound("catalog: table '" + name.full() + "' does not exist");
  return *t;
}

Result<std::vector<TableInfo>> Metastore::ListTables(const std::string& schema_full_name) {
  ASSIGN_OR_RETURN(SchemaName name, ParseSchemaName(schema_full_name));
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(auto s, FindSchema(name));
  if (!s) return Status::NotFound("catalog: schema '" + name.full() + "' does not exist");
  return TablesWhere("t.schema_id = $1", {s->id});
}

Result<TableInfo> Metastore::DropTable(const std::string& full_name) {
  ASSIGN_OR_RETURN(TableName name, ParseTableName(full_name));
  TableInfo dropped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    sql::SqlTransaction txn(conn_.get());
    RETURN_IF_ERROR(txn.Begin());
    ASSIGN_OR_RETURN(auto t, FindTable(name));
    if (!t) return Status::NotFound("catalog: table '" + name.full() + "' does not exist");
    RETURN_IF_ERROR(Query("DELETE FROM uc_tables WHERE id = $1", {t->id}).status());
    RETURN_IF_ERROR(txn.Commit());
    dropped = *t;
  }
  RETURN_IF_ERROR(DeleteManagedFiles({dropped}));
  return dropped;
}

Status Metastore::DeleteManagedFiles(const std::vector<TableInfo>& tables) {
  for (const TableInfo& t : tables) {
    if (t.type != TableType::kManaged) continue;
    std::string what = "catalog: dropped managed table '" + t.full_name() + "'";
    ASSIGN_OR_RETURN(auto store, delta::LogStore::Open(t.storage_location));
    io::FileSystem& fs = store->fs();
    Result<std::vector<io::FileInfo>> files = fs.List(store->table_root() + "/");
    if (!files.ok()) return files.status().WithContext(what + ": listing its files");
    for (const io::FileInfo& f : *files) {
      Status s = fs.Delete(f.path);
      if (!s.ok() && !s.IsNotFound()) return s.WithContext(what + ": deleting its files");
    }
  }
  return Status::OK();
}

}  // namespace lakestream::catalog
