// Metastore: opening, the metastore row, catalogs and schemas (tables: metastore_tables.cc).
#include "catalog/metastore.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "catalog/metastore_internal.h"
#include "common/clock.h"
#include "common/uuid.h"
#include "io/file_system_resolver.h"

namespace lakestream::catalog {
namespace internal {

int64_t NowMs() { return RealClock()->NowMillis(); }
std::string Text(const sql::SqlValue& v) { return v.value_or(""); }
int64_t Num(const sql::SqlValue& v) { return v ? std::strtoll(v->c_str(), nullptr, 10) : 0; }

std::string PropertiesToJson(const Properties& p) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [k, v] : p) j[k] = v;
  return j.dump();
}

Properties PropertiesFromJson(const std::string& text) {
  Properties out;
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(text, nullptr, false);
  if (!j.is_object()) return out;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.value().is_string()) out.emplace_back(it.key(), it.value().get<std::string>());
  }
  return out;
}

SchemaInfo SchemaFromRow(const sql::SqlRow& r) {
  SchemaInfo s;
  s.id = Text(r[0]);
  s.catalog_name = Text(r[1]);
  s.name = Text(r[2]);
  s.comment = Text(r[3]);
  s.storage_root = Text(r[4]);
  s.owner = Text(r[5]);
  s.properties = PropertiesFromJson(Text(r[6]));
  s.created_at = Num(r[7]);
  s.updated_at = Num(r[8]);
  return s;
}

}  // namespace internal

using namespace internal;
using sql::SqlValue;

namespace {

constexpr const char* kCatalogColumns =
    "id, name, comment, storage_root, owner, properties, created_at, updated_at";

CatalogInfo CatalogFromRow(const sql::SqlRow& r) {
  CatalogInfo c;
  c.id = Text(r[0]);
  c.name = Text(r[1]);
  c.comment = Text(r[2]);
  c.storage_root = Text(r[3]);
  c.owner = Text(r[4]);
  c.properties = PropertiesFromJson(Text(r[5]));
  c.created_at = Num(r[6]);
  c.updated_at = Num(r[7]);
  return c;
}

SqlValue OrNull(const std::string& s) { return s.empty() ? SqlValue() : SqlValue(s); }

Result<std::string> RootOrEmpty(const std::string& root) {
  if (root.empty()) return std::string();
  return CanonicalStorageLocation(root);
}

}  // namespace

const char* TableTypeName(TableType t) {
  return t == TableType::kManaged ? "MANAGED" : "EXTERNAL";
}

Result<std::string> CanonicalStorageLocation(const std::string& location) {
  for (char c : location) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return Status::InvalidArgument("catalog: storage location holds a control character");
    }
  }
  std::string where = "catalog: storage location '" + location + "'";
  if (location.empty()) return Status::InvalidArgument("catalog: storage location is empty");
  for (size_t start = 0; start <= location.size();) {
    size_t slash = location.find('/', start);
    if (slash == std::string::npos) slash = location.size();
    if (location.compare(start, slash - start, "..") == 0) {
      return Status::InvalidArgument(where + " holds a '..' segment");
    }
    start = slash + 1;
  }
  std::string out;
  if (location.find("://") != std::string::npos) {
    if (location.starts_with("file://")) {
      out = location;
    } else {
      Result<std::string> c = io::CanonicalLocation(location);
      if (!c.ok()) return c.status().WithContext(where);
      out = *c;
    }
  } else {
    std::error_code ec;
    std::filesystem::path p = std::filesystem::absolute(location, ec);
    if (ec) return Status::InvalidArgument(where + ": " + ec.message());
    out = p.lexically_normal().string();
  }
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

bool LocationsOverlap(const std::string& a, const std::string& b) {
  const std::string& shorter = a.size() <= b.size() ? a : b;
  const std::string& longer = a.size() <= b.size() ? b : a;
  if (!longer.starts_with(shorter)) return false;
  return longer.size() == shorter.size() || longer[shorter.size()] == '/' ||
         shorter.back() == '/';
}

Result<std::unique_ptr<Metastore>> Metastore::Open(const std::string& location) {
  Result<std::unique_ptr<sql::SqlConnection>> conn = sql::OpenSql(location);
  if (!conn.ok()) return conn.status().WithContext("catalog: metastore " + location);
  auto m = std::make_unique<Metastore>(std::move(conn).value());
  Status s = m->CreateTables();
  if (!s.ok()) return s.WithContext("catalog: metastore " + location);
  return m;
}

Status Metastore::CreateTables() {
  std::lock_guard<std::mutex> lock(mu_);
  sql::SqlTransaction txn(conn_.get());
  RETURN_IF_ERROR(txn.Begin());
  RETURN_IF_ERROR(conn_->Exec(
      "CREATE TABLE IF NOT EXISTS uc_metastore ("
      " slot INTEGER PRIMARY KEY, id TEXT NOT NULL, storage_root TEXT,"
      " created_at BIGINT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS uc_catalogs ("
      " id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, comment TEXT, storage_root TEXT,"
      " owner TEXT, properties TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS uc_schemas ("
      " id TEXT PRIMARY KEY, catalog_id TEXT NOT NULL REFERENCES uc_catalogs(id),"
      " name TEXT NOT NULL, comment TEXT, storage_root TEXT, owner TEXT, properties TEXT,"
      " created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, UNIQUE (catalog_id, name));"
      "CREATE TABLE IF NOT EXISTS uc_tables ("
      " id TEXT PRIMARY KEY, schema_id TEXT NOT NULL REFERENCES uc_schemas(id),"
      " name TEXT NOT NULL, table_type TEXT NOT NULL, data_source_format TEXT NOT NULL,"
      " storage_location TEXT NOT NULL UNIQUE, comment TEXT, owner TEXT, properties TEXT,"
      " created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, UNIQUE (schema_id, name));"));
  RETURN_IF_ERROR(Query("INSERT INTO uc_metastore (slot, id, created_at) VALUES (1, $1, $2) "
                        "ON CONFLICT (slot) DO NOTHING",
                        {NewUuid(), std::to_string(NowMs())})
                      .status());
  return txn.Commit();
}

Result<std::vector<sql::SqlRow>> Metastore::Query(const std::string& sql,
                                                  const std::vector<SqlValue>& params) {
  return conn_->Query(sql, params);
}

Result<MetastoreInfo> Metastore::Info() {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(auto rows, Query("SELECT id, storage_root, created_at FROM uc_metastore"));
  if (rows.empty()) return Status::Corruption("catalog: metastore row is missing");
  return MetastoreInfo{Text(rows[0][0]), Text(rows[0][1]), Num(rows[0][2])};
}

Status Metastore::SetStorageRoot(const std::string& root) {
  ASSIGN_OR_RETURN(std::string canonical, RootOrEmpty(root));
  std::lock_guard<std::mutex> lock(mu_);
  return Query("UPDATE uc_metastore SET storage_root = $1", {OrNull(canonical)}).status();
}

Result<std::optional<CatalogInfo>> Metastore::FindCatalog(const std::string& name) {
  ASSIGN_OR_RETURN(auto rows, Query(std::string("SELECT ") + kCatalogColumns +
                                        " FROM uc_catalogs WHERE name = $1",
                                    {name}));
  if (rows.empty()) return std::optional<CatalogInfo>();
  return std::optional<CatalogInfo>(CatalogFromRow(rows[0]));
}

Result<CatalogInfo> Metastore::CreateCatalog(const std::string& name_in,
                                             const ObjectOptions& options) {
  ASSIGN_OR_RETURN(std::string name, NormalizeName("catalog", name_in));
  CatalogInfo c;
  c.id = NewUuid();
  c.name = name;
  c.comment = options.comment;
  ASSIGN_OR_RETURN(c.storage_root, RootOrEmpty(options.storage_root));
  c.owner = options.owner;
  c.properties = options.properties;
  c.created_at = c.updated_at = NowMs();
  std::lock_guard<std::mutex> lock(mu_);
  Result<std::vector<sql::SqlRow>> r = Query(
      "INSERT INTO uc_catalogs (id, name, comment, storage_root, owner, properties, created_at, "
      "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      {c.id, c.name, OrNull(c.comment), OrNull(c.storage_root), OrNull(c.owner),
       PropertiesToJson(c.properties), std::to_string(c.created_at),
       std::to_string(c.updated_at)});
  if (!r.ok() && r.status().IsAlreadyExists()) {
    return Status::AlreadyExists("catalog: catalog '" + name + "' already exists");
  }
  RETURN_IF_ERROR(r.status());
  return c;
}

Result<CatalogInfo> Metastore::GetCatalog(const std::string& name_in) {
  ASSIGN_OR_RETURN(std::string name, NormalizeName("catalog", name_in));
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(auto c, FindCatalog(name));
  if (!c) return Status::NotFound("catalog: catalog '" + name + "' does not exist");
  return *c;
}

Result<std::vector<CatalogInfo>> Metastore::ListCatalogs() {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(auto rows, Query(std::string("SELECT ") + kCatalogColumns +
                                    " FROM uc_catalogs ORDER BY name"));
  std::vector<CatalogInfo> out;
  for (const auto& r : rows) out.push_back(CatalogFromRow(r));
  return out;
}

Status Metastore::DropCatalog(const std::string& name_in, bool force) {
  ASSIGN_OR_RETURN(std::string name, NormalizeName("catalog", name_in));
  std::vector<TableInfo> dropped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    sql::SqlTransaction txn(conn_.get());
    RETURN_IF_ERROR(txn.Begin());
    ASSIGN_OR_RETURN(auto c, FindCatalog(name));
    if (!c) return Status::NotFound("catalog: catalog '" + name + "' does not exist");
    ASSIGN_OR_RETURN(auto schemas,
                     Query("SELECT name FROM uc_schemas WHERE catalog_id = $1 ORDER BY name",
                           {c->id}));
    if (!schemas.empty() && !force) {
      return Status::InvalidArgument("catalog: catalog '" + name + "' is not empty (" +
                                     std::to_string(schemas.size()) +
                                     " schemas, the first '" + Text(schemas[0][0]) +
                                     "'): drop them first or force the drop");
    }
    ASSIGN_OR_RETURN(dropped,
                     TablesWhere("s.catalog_id = $1", {c->id}));
    RETURN_IF_ERROR(Query("DELETE FROM uc_tables WHERE schema_id IN "
                          "(SELECT id FROM uc_schemas WHERE catalog_id = $1)",
                          {c->id})
                        .status());
    RETURN_IF_ERROR(Query("DELETE FROM uc_schemas WHERE catalog_id = $1", {c->id}).status());
    RETURN_IF_ERROR(Query("DELETE FROM uc_catalogs WHERE id = $1", {c->id}).status());
    RETURN_IF_ERROR(txn.Commit());
  }
  return DeleteManagedFiles(dropped);
}

Result<std::optional<SchemaInfo>> Metastore::FindSchema(const SchemaName& name) {
  ASSIGN_OR_RETURN(auto rows,
                   Query(std::string("SELECT ") + kSchemaColumns +
                             " FROM uc_schemas s JOIN uc_catalogs c ON s.catalog_id = c.id"
                             " WHERE c.name = $1 AND s.name = $2",
                         {name.catalog, name.schema}));
  if (rows.empty()) return std::optional<SchemaInfo>();
  return std::optional<SchemaInfo>(SchemaFromRow(rows[0]));
}

Result<SchemaInfo> Metastore::CreateSchema(const std::string& full_name,
                                           const ObjectOptions& options) {
  ASSIGN_OR_RETURN(SchemaName name, ParseSchemaName(full_name));
  SchemaInfo s;
  s.id = NewUuid();
  s.catalog_name = name.catalog;
  s.name = name.schema;
  s.comment = options.comment;
  ASSIGN_OR_RETURN(s.storage_root, RootOrEmpty(options.storage_root));
  s.owner = options.owner;
  s.properties = options.properties;
  s.created_at = s.updated_at = NowMs();
  std::lock_guard<std::mutex> lock(mu_);
  sql::SqlTransaction txn(conn_.get());
  RETURN_IF_ERROR(txn.Begin());
  ASSIGN_OR_RETURN(auto c, FindCatalog(name.catalog));
  if (!c) return Status::NotFound("catalog: catalog '" + name.catalog + "' does not exist");
  Result<std::vector<sql::SqlRow>> r = Query(
      "INSERT INTO uc_schemas (id, catalog_id, name, comment, storage_root, owner, properties, "
      "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      {s.id, c->id, s.name, OrNull(s.comment), OrNull(s.storage_root), OrNull(s.owner),
       PropertiesToJson(s.properties), std::to_string(s.created_at),
       std::to_string(s.updated_at)});
  if (!r.ok() && r.status().IsAlreadyExists()) {
    return Status::AlreadyExists("catalog: schema '" + name.full() + "' already exists");
  }
  RETURN_IF_ERROR(r.status());
  RETURN_IF_ERROR(txn.Commit());
  return s;
}

Result<SchemaInfo> Metastore::GetSchema(const std::string& full_name) {
  ASSIGN_OR_RETURN(SchemaName name, ParseSchemaName(full_name));
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(auto s, FindSchema(name));
  if (!s) return Status::NotFound("catalog: schema '" + name.full() + "' does not exist");
  return *s;
}

Result<std::vector<SchemaInfo>> Metastore::ListSchemas(const std::string& catalog_in) {
  ASSIGN_OR_RETURN(std::string catalog, NormalizeName("catalog", catalog_in));
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(auto c, FindCatalog(catalog));
  if (!c) return Status::NotFound("catalog: catalog '" + catalog + "' does not exist");
  ASSIGN_OR_RETURN(auto rows,
                   Query(std::string("SELECT ") + kSchemaColumns +
                             " FROM uc_schemas s JOIN uc_catalogs c ON s.catalog_id = c.id"
                             " WHERE c.id = $1 ORDER BY s.name",
                         {c->id}));
  std::vector<SchemaInfo> out;
  for (const auto& r : rows) out.push_back(SchemaFromRow(r));
  return out;
}

Status Metastore::DropSchema(const std::string& full_name, bool force) {
  ASSIGN_OR_RETURN(SchemaName name, ParseSchemaName(full_name));
  std::vector<TableInfo> dropped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    sql::SqlTransaction txn(conn_.get());
    RETURN_IF_ERROR(txn.Begin());
    ASSIGN_OR_RETURN(auto s, FindSchema(name));
    if (!s) return Status::NotFound("catalog: schema '" + name.full() + "' does not exist");
    ASSIGN_OR_RETURN(dropped, TablesWhere("t.schema_id = $1", {s->id}));
    if (!dropped.empty() && !force) {
      return Status::InvalidArgument("catalog: schema '" + name.full() + "' is not empty (" +
                                     std::to_string(dropped.size()) + " tables, the first '" +
                                     dropped[0].name + "'): drop them first or force the drop");
    }
    RETURN_IF_ERROR(Query("DELETE FROM uc_tables WHERE schema_id = $1", {s->id}).status());
    RETURN_IF_ERROR(Query("DELETE FROM uc_schemas WHERE id = $1", {s->id}).status());
    RETURN_IF_ERROR(txn.Commit());
  }
  return DeleteManagedFiles(dropped);
}

}  // namespace lakestream::catalog
