// `lakestream catalog ...`: the catalog's objects (src/catalog, docs/catalog.md). Thin: the
// metastore does the work; objects print as JSON with Unity Catalog's field names.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "catalog/metastore.h"
#include "cli/column_specs.h"
#include "cli/commands.h"
#include "cli/table_arg.h"
#include "delta/snapshot.h"

namespace lakestream::cli {
namespace {

using nlohmann::ordered_json;

Result<std::unique_ptr<catalog::Metastore>> OpenMetastore() {
  if (MetastoreLocation().empty()) {
    return Status::InvalidArgument(
        "catalog: no metastore: give --metastore PATH (an SQLite file, created when absent) "
        "or set LAKESTREAM_METASTORE");
  }
  return catalog::Metastore::Open(MetastoreLocation());
}

int Parts(const std::string& name) {
  return 1 + static_cast<int>(std::count(name.begin(), name.end(), '.'));
}

ordered_json PropertiesJson(const catalog::Properties& p) {
  ordered_json j = ordered_json::object();
  for (const auto& [k, v] : p) j[k] = v;
  return j;
}

ordered_json CatalogJson(const catalog::CatalogInfo& c) {
  ordered_json j;
  j["name"] = c.name;
  j["id"] = c.id;
  j["comment"] = c.comment;
  j["storage_root"] = c.storage_root;
  j["owner"] = c.owner;
  j["properties"] = PropertiesJson(c.properties);
  j["created_at"] = c.created_at;
  j["updated_at"] = c.updated_at;
  return j;
}

ordered_json SchemaJson(const catalog::SchemaInfo& s) {
  ordered_json j;
  j["name"] = s.name;
  j["catalog_name"] = s.catalog_name;
  j["full_name"] = s.full_name();
  j["schema_id"] = s.id;
  j["comment"] = s.comment;
  j["storage_root"] = s.storage_root;
  j["owner"] = s.owner;
  j["properties"] = PropertiesJson(s.properties);
  j["created_at"] = s.created_at;
  j["updated_at"] = s.updated_at;
  return j;
}

ordered_json TableJson(const catalog::TableInfo& t) {
  ordered_json j;
  j["name"] = t.name;
  j["catalog_name"] = t.catalog_name;
  j["schema_name"] = t.schema_name;
  j["full_name"] = t.full_name();
  j["table_type"] = catalog::TableTypeName(t.type);
  j["data_source_format"] = t.data_source_format;
  j["storage_location"] = t.storage_location;
  j["table_id"] = t.id;
  j["comment"] = t.comment;
  j["owner"] = t.owner;
  j["properties"] = PropertiesJson(t.properties);
  j["created_at"] = t.created_at;
  j["updated_at"] = t.updated_at;
  return j;
}

catalog::ObjectOptions Options(const std::string& comment, const std::string& root) {
  catalog::ObjectOptions o;
  o.comment = comment;
  o.storage_root = root;
  const char* user = std::getenv("USER");
  o.owner = user ? user : "";
  return o;
}

struct Args {
  std::string name, location, comment, storage_root, schema, partition_by;
  std::vector<std::string> table_properties;
  bool force = false;
};

Status CreateCatalog(const Args& a) {
  ASSIGN_OR_RETURN(auto ms, OpenMetastore());
  ASSIGN_OR_RETURN(auto c, ms->CreateCatalog(a.name, Options(a.comment, a.storage_root)));
  std::cout << CatalogJson(c).dump() << "\n";
  return Status::OK();
}

Status CreateSchema(const Args& a) {
  ASSIGN_OR_RETURN(auto ms, OpenMetastore());
  ASSIGN_OR_RETURN(auto s, ms->CreateSchema(a.name, Options(a.comment, a.storage_root)));
  std::cout << SchemaJson(s).dump() << "\n";
  return Status::OK();
}

Status CreateTable(const Args& a) {
  std::ifstream sf(a.schema);
  if (!sf) return Status::NotFound("catalog create-table: " + a.schema + ": cannot open");
  std::string text((std::istreambuf_iterator<char>(sf)), std::istreambuf_iterator<char>());
  ASSIGN_OR_RETURN(auto specs, pipeline::ParseColumnSpecs(text));
  catalog::ManagedTableSpec spec;
  ASSIGN_OR_RETURN(spec.schema, SchemaOfSpecs(specs));
  spec.partition_columns = SplitCommas(a.partition_by);
  for (const std::string& kv : a.table_properties) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::InvalidArgument("catalog create-table: --table-property '" + kv +
                                     "' is not KEY=VALUE");
    }
    spec.configuration[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  ASSIGN_OR_RETURN(auto ms, OpenMetastore());
  ASSIGN_OR_RETURN(auto t, ms->CreateManagedTable(a.name, spec, Options(a.comment, "")));
  std::cout << TableJson(t).dump() << "\n";
  return Status::OK();
}

Status Register(const Args& a) {
  ASSIGN_OR_RETURN(auto ms, OpenMetastore());
  ASSIGN_OR_RETURN(auto t, ms->RegisterExternalTable(a.name, a.location, Options(a.comment, "")));
  std::cout << TableJson(t).dump() << "\n";
  return Status::OK();
}

// No name: the catalogs; CATALOG: its schemas; CATALOG.SCHEMA: its tables. One JSON line each.
Status List(const Args& a) {
  ASSIGN_OR_RETURN(auto ms, OpenMetastore());
  if (a.name.empty()) {
    ASSIGN_OR_RETURN(auto cats, ms->ListCatalogs());
    for (const auto& c : cats) std::cout << CatalogJson(c).dump() << "\n";
  } else if (Parts(a.name) == 1) {
    ASSIGN_OR_RETURN(auto schemas, ms->ListSchemas(a.name));
    for (const auto& s : schemas) std::cout << SchemaJson(s).dump() << "\n";
  } else if (Parts(a.name) == 2) {
    ASSIGN_OR_RETURN(auto tables, ms->ListTables(a.name));
    for (const auto& t : tables) std::cout << TableJson(t).dump() << "\n";
  } else {
    return Status::InvalidArgument("catalog list: give nothing, CATALOG or CATALOG.SCHEMA, not '" +
                                   a.name + "'");
  }
  return Status::OK();
}

// A table's description adds the columns and version of its Delta snapshot.
Status Describe(const Args& a) {
  ASSIGN_OR_RETURN(auto ms, OpenMetastore());
  ordered_json j;
  switch (Parts(a.name)) {
    case 1: {
      ASSIGN_OR_RETURN(auto c, ms->GetCatalog(a.name));
      j = CatalogJson(c);
      break;
    }
    case 2: {
      ASSIGN_OR_RETURN(auto s, ms->GetSchema(a.name));
      j = SchemaJson(s);
      break;
    }
    default: {
      ASSIGN_OR_RETURN(auto t, ms->GetTable(a.name));
      j = TableJson(t);
      ASSIGN_OR_RETURN(auto store, delta::LogStore::Open(t.storage_location));
      ASSIGN_OR_RETURN(auto snap, delta::Snapshot::Load(store));
      ordered_json cols = ordered_json::array();
      int position = 0;
      for (const auto& f : snap->schema().fields) {
        ordered_json c;
        c["name"] = f.name;
        c["type_text"] = f.type.ToString();
        c["nullable"] = f.nullable;
        c["position"] = position++;
        cols.push_back(c);
      }
      j["columns"] = cols;
      j["delta_version"] = snap->version();
    }
  }
  std::cout << j.dump() << "\n";
  return Status::OK();
}

Status Drop(const Args& a) {
  ASSIGN_OR_RETURN(auto ms, OpenMetastore());
  ordered_json j;
  switch (Parts(a.name)) {
    case 1:
      RETURN_IF_ERROR(ms->DropCatalog(a.name, a.force));
      j["dropped_catalog"] = a.name;
      break;
    case 2:
      RETURN_IF_ERROR(ms->DropSchema(a.name, a.force));
      j["dropped_schema"] = a.name;
      break;
    default: {
      ASSIGN_OR_RETURN(auto t, ms->DropTable(a.name));
      j["dropped_table"] = t.full_name();
      j["table_type"] = catalog::TableTypeName(t.type);
      j["files_deleted"] = t.type == catalog::TableType::kManaged;
    }
  }
  std::cout << j.dump() << "\n";
  return Status::OK();
}

Status SetMetastoreRoot(const Args& a) {
  ASSIGN_OR_RETURN(auto ms, OpenMetastore());
  RETURN_IF_ERROR(ms->SetStorageRoot(a.location));
  ASSIGN_OR_RETURN(auto info, ms->Info());
  ordered_json j;
  j["metastore_id"] = info.id;
  j["storage_root"] = info.storage_root;
  std::cout << j.dump() << "\n";
  return Status::OK();
}

void Wire(CLI::App* cmd, Status (*run)(const Args&), Args* a) {
  cmd->callback([run, a] {
    Status s = run(*a);
    if (!s.ok()) Fail(s);
  });
}

}  // namespace

void AddCatalogCommands(CLI::App& app) {
  static Args a;
  CLI::App* cat = app.add_subcommand(
      "catalog", "The catalog: catalogs, schemas, managed and external tables (docs/catalog.md)");
  cat->require_subcommand(1);

  auto* cc = cat->add_subcommand("create-catalog", "Create a catalog");
  cc->add_option("NAME", a.name, "Catalog name")->required();
  cc->add_option("--storage-root", a.storage_root, "Managed storage of its tables (URI or path)");
  cc->add_option("--comment", a.comment, "Comment");
  Wire(cc, CreateCatalog, &a);

  auto* cs = cat->add_subcommand("create-schema", "Create a schema in a catalog");
  cs->add_option("NAME", a.name, "CATALOG.SCHEMA")->required();
  cs->add_option("--storage-root", a.storage_root, "Managed storage of its tables (URI or path)");
  cs->add_option("--comment", a.comment, "Comment");
  Wire(cs, CreateSchema, &a);

  auto* ct = cat->add_subcommand(
      "create-table", "Create a managed Delta table under its schema's or catalog's storage root");
  ct->add_option("NAME", a.name, "CATALOG.SCHEMA.TABLE")->required();
  ct->add_option("--schema", a.schema, "Column specs JSON file (as `write --schema`)")->required();
  ct->add_option("--partition-by", a.partition_by, "Partition columns, comma-separated");
  ct->add_option("--table-property", a.table_properties, "Delta table property KEY=VALUE");
  ct->add_option("--comment", a.comment, "Comment");
  Wire(ct, CreateTable, &a);

  auto* rg = cat->add_subcommand("register", "Register an existing Delta table as external");
  rg->add_option("NAME", a.name, "CATALOG.SCHEMA.TABLE")->required();
  rg->add_option("LOCATION", a.location, "The Delta table's location (path or URI)")->required();
  rg->add_option("--comment", a.comment, "Comment");
  Wire(rg, Register, &a);

  auto* ls = cat->add_subcommand(
      "list", "List catalogs, a catalog's schemas (CATALOG) or a schema's tables (CATALOG.SCHEMA)");
  ls->add_option("NAME", a.name, "CATALOG or CATALOG.SCHEMA");
  Wire(ls, List, &a);

  auto* ds = cat->add_subcommand("describe", "Describe a catalog, schema or table");
  ds->add_option("NAME", a.name, "CATALOG, CATALOG.SCHEMA or CATALOG.SCHEMA.TABLE")->required();
  Wire(ds, Describe, &a);

  auto* dr = cat->add_subcommand(
      "drop", "Drop a catalog, schema or table (a managed table's files are deleted)");
  dr->add_option("NAME", a.name, "CATALOG, CATALOG.SCHEMA or CATALOG.SCHEMA.TABLE")->required();
  dr->add_flag("--force", a.force, "Drop a non-empty catalog or schema with what it holds");
  Wire(dr, Drop, &a);

  auto* sr = cat->add_subcommand("set-metastore-root",
                                 "Set the metastore's storage root (managed tables of catalogs "
                                 "and schemas without one)");
  sr->add_option("LOCATION", a.location, "URI or path")->required();
  Wire(sr, SetMetastoreRoot, &a);
}

}  // namespace lakestream::cli
