// Metastore: the catalog's objects (Unity Catalog's model) kept in SQL: one metastore, its
// catalogs, their schemas, and their tables, managed or external, each a Delta table.
//
// Kept in SQLite by default (a file; zero setup) or PostgreSQL, through the SQL connection
// layer (sql/sql_connection.h). Every change is one transaction with bound parameters only.
// Names follow catalog/names.h. A table's id is its Delta table's metaData id: a managed table
// is created (as a Delta table) with a fresh id under its schema's, else its catalog's, else the
// metastore's storage root; registering an external table reads its Delta snapshot and takes
// the id from it. No two tables share a location or nest inside one another.
// Concurrent creates of one name, in threads or processes: one wins, the others get
// AlreadyExists. The layout of managed storage and the SQL tables are in docs/catalog.md.
//
// Thread-safety: every method may be called from any thread (calls are serialized on the
// one connection); several Metastore objects, in one process or many, may share a database.
// Ownership: owns its connection.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "catalog/names.h"
#include "common/status.h"
#include "delta/actions.h"
#include "delta/schema.h"
#include "sql/sql_connection.h"

namespace lakestream::catalog {

enum class TableType { kManaged, kExternal };
// "MANAGED", "EXTERNAL" (Unity Catalog's TableType).
const char* TableTypeName(TableType t);

using Properties = std::vector<std::pair<std::string, std::string>>;

struct MetastoreInfo {
  std::string id;            // a UUID made when the database was first opened
  std::string storage_root;  // empty: none
  int64_t created_at = 0;    // ms since the epoch
};

struct CatalogInfo {
  std::string id, name, comment, storage_root, owner;
  Properties properties;
  int64_t created_at = 0, updated_at = 0;
};

struct SchemaInfo {
  std::string id, catalog_name, name, comment, storage_root, owner;
  Properties properties;
  int64_t created_at = 0, updated_at = 0;
  std::string full_name() const { return catalog_name + "." + name; }
};

struct TableInfo {
  std::string id;  // the Delta table's metaData id
  std::string catalog_name, schema_name, name;
  TableType type = TableType::kManaged;
  std::string data_source_format = "DELTA";
  std::string storage_location;
  std::string comment, owner;
  Properties properties;
  int64_t created_at = 0, updated_at = 0;
  std::string full_name() const { return catalog_name + "." + schema_name + "." + name; }
};

// What the create calls take beside the name.
struct ObjectOptions {
  std::string comment;
  std::string storage_root;  // catalogs and schemas: managed storage for their tables
  std::string owner;         // the principal recorded as owner
  Properties properties;
};

// A managed table's Delta definition.
struct ManagedTableSpec {
  delta::DeltaType schema;
  std::vector<std::string> partition_columns;
  delta::StringMap configuration;  // Delta table properties
};

class Metastore {
 public:
  // Opens the metastore at `location` (sql::OpenSql forms: a path or sqlite:PATH,
  // postgresql://...), creating its tables and its metastore row when absent.
  static Result<std::unique_ptr<Metastore>> Open(const std::string& location);
  explicit Metastore(std::unique_ptr<sql::SqlConnection> conn) : conn_(std::move(conn)) {}

  Result<MetastoreInfo> Info();
  // Sets the metastore's storage root (managed tables of catalogs and schemas without one).
  Status SetStorageRoot(const std::string& root);

  // AlreadyExists when the name is taken; InvalidArgument for a bad name or root.
  Result<CatalogInfo> CreateCatalog(const std::string& name, const ObjectOptions& options);
  // NotFound when there is no such catalog.
  Result<CatalogInfo> GetCatalog(const std::string& name);
  Result<std::vector<CatalogInfo>> ListCatalogs();
  // Refuses (InvalidArgument) a catalog that still has schemas unless `force`, which drops
  // them and their tables as DropSchema(force) does.
  Status DropCatalog(const std::string& name, bool force);

  // `full_name` is catalog.schema. NotFound when the catalog does not exist.
  Result<SchemaInfo> CreateSchema(const std::string& full_name, const ObjectOptions& options);
  Result<SchemaInfo> GetSchema(const std::string& full_name);
  Result<std::vector<SchemaInfo>> ListSchemas(const std::string& catalog);
  // Refuses a schema with tables unless `force`, which drops them as DropTable does.
  Status DropSchema(const std::string& full_name, bool force);

  // Creates the Delta table (version 0) under the schema's managed storage and registers it,
  // in one transaction: if either fails neither stays. InvalidArgument when no storage root
  // applies (schema, catalog, metastore).
  Result<TableInfo> CreateManagedTable(const std::string& full_name, const ManagedTableSpec& spec,
                                       const ObjectOptions& options);
  // Registers the Delta table at `location` (it must have a snapshot) under `full_name`.
  // InvalidArgument when the location overlaps a registered table's, AlreadyExists when its
  // id or the name is taken.
  Result<TableInfo> RegisterExternalTable(const std::string& full_name,
                                          const std::string& location,
                                          const ObjectOptions& options);
  Result<TableInfo> GetTable(const std::string& full_name);
  Result<std::vector<TableInfo>> ListTables(const std::string& schema_full_name);
  // Removes the table from the catalog; a managed table's files are deleted after the
  // removal committed (an external table's data stays). Returns the dropped table.
  Result<TableInfo> DropTable(const std::string& full_name);

 private:
  Status CreateTables();
  Result<std::vector<sql::SqlRow>> Query(const std::string& sql,
                                         const std::vector<sql::SqlValue>& params = {});
  Result<std::optional<CatalogInfo>> FindCatalog(const std::string& name);
  Result<std::optional<SchemaInfo>> FindSchema(const SchemaName& name);
  Result<std::optional<TableInfo>> FindTable(const TableName& name);
  Status CheckNoOverlap(const std::string& location, const std::string& what);
  Result<std::vector<TableInfo>> TablesWhere(const std::string& where,
                                             const std::vector<sql::SqlValue>& params);
  // Deletes the files of the managed tables among `tables` (already out of the catalog).
  Status DeleteManagedFiles(const std::vector<TableInfo>& tables);

  std::mutex mu_;  // serializes use of conn_; held for a whole transaction
  std::unique_ptr<sql::SqlConnection> conn_;
};

// The canonical form of a storage location: Azure URIs as io::CanonicalLocation gives them, a
// local path absolute and normalized; never a trailing slash. InvalidArgument for a malformed
// URI or a location holding control characters or a `..` segment.
Result<std::string> CanonicalStorageLocation(const std::string& location);

// True when one location is the other or lies inside it (at a `/` boundary).
bool LocationsOverlap(const std::string& a, const std::string& b);

}  // namespace lakestream::catalog
