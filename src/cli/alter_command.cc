// `lakestream alter TABLE add-column|rename-column|drop-column|set-property`:
// metadata-only schema and table-property changes (src/delta/alter.h). Prints one JSON line
// {"version":N,"operation":...}; version -1 when nothing changed.
#include <algorithm>
#include <cctype>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/table_arg.h"
#include "delta/alter.h"
#include "delta/table_properties.h"
#include "delta/column_mapping_writer.h"
#include "delta/features.h"

namespace lakestream::cli {
namespace {

struct AlterArgs {
  std::string table;
  std::string column, type, new_name, property;
  bool not_null = false;
};

// A Delta type from its Spark name ("long", "decimal(10,2)"), a SQL alias
// ("bigint", "int", ...) or a JSON type object for nested types.
Result<delta::DeltaType> ParseColumnType(const std::string& text) {
  std::string t = text;
  if (!t.empty() && t.front() != '{') {
    std::transform(t.begin(), t.end(), t.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    static const std::pair<const char*, const char*> kAliases[] = {
        {"bigint", "long"}, {"int", "integer"}, {"smallint", "short"}, {"tinyint", "byte"},
        {"bool", "boolean"}, {"real", "float"}};
    for (const auto& [alias, name] : kAliases) {
      if (t == alias) t = name;
    }
    t = nlohmann::json(t).dump();
  }
  Result<delta::DeltaType> r = delta::ParseTypeJson(t);
  if (!r.ok()) {
    return Status::InvalidArgument("alter: type '" + text +
                                   "' is not a Delta type (long, integer, string, double, "
                                   "boolean, date, timestamp, decimal(p,s), or a JSON type "
                                   "object): " + r.status().message());
  }
  return r;
}

Status Print(const std::string& operation, const Result<delta::CommitResult>& r) {
  if (!r.ok()) return r.status();
  nlohmann::ordered_json j;
  j["version"] = r->version;
  j["operation"] = operation;
  std::cout << j.dump() << "\n";
  return Status::OK();
}

Status Alter(const AlterArgs& a, const std::string& what) {
  ASSIGN_OR_RETURN(auto store, OpenTableArg(a.table));
  if (what == "add-column") {
    ASSIGN_OR_RETURN(delta::DeltaType type, ParseColumnType(a.type));
    return Print("ADD COLUMNS", delta::AddColumn(store, a.column, type, !a.not_null));
  }
  if (what == "rename-column") {
    return Print("RENAME COLUMN", delta::RenameColumn(store, a.column, a.new_name));
  }
  if (what == "drop-column") return Print("DROP COLUMNS", delta::DropColumn(store, a.column));
  size_t eq = a.property.find('=');
  std::string key = a.property.substr(0, eq);
  std::string value = eq == std::string::npos ? "" : a.property.substr(eq + 1);
  if (eq == std::string::npos || eq == 0) {
    return Status::InvalidArgument("alter: set-property takes KEY=VALUE; got '" + a.property +
                                   "'");
  }
  if (key == delta::kEnableInCommitTimestampsKey && (value == "true" || value == "false")) {
    return Print("SET TBLPROPERTIES", delta::SetInCommitTimestamps(store, value == "true"));
  }
  if (key != delta::kColumnMappingModeKey) {  // e.g. delta.enableChangeDataFeed=true
    return Print("SET TBLPROPERTIES", delta::SetTableProperties(store, {{key, value}}));
  }
  ASSIGN_OR_RETURN(delta::ColumnMappingMode mode, delta::ParseColumnMappingMode(value, "alter"));
  return Print("SET TBLPROPERTIES", delta::SetColumnMappingMode(store, mode));
}

}  // namespace

void AddAlterCommands(CLI::App& app) {
  static AlterArgs a;
  auto* alter = app.add_subcommand(
      "alter",
      "Change a Delta table's schema without rewriting data: add-column (any table), "
      "rename-column and drop-column (need column mapping: set-property "
      "delta.columnMapping.mode=name), set-property");
  alter->add_option("TABLE", a.table, "Table path or URI (az://, abfss://)")->required();
  alter->require_subcommand(1);
  auto run = [](const std::string& what) {
    return [what] {
      Status s = Alter(a, what);
      if (!s.ok()) Fail(s);
    };
  };
  auto* add = alter->add_subcommand("add-column", "Add a column; old rows read null in it");
  add->add_option("NAME", a.column, "Column name; a.b adds b to struct a")->required();
  add->add_option("TYPE", a.type,
                  "long, integer, short, byte, string, double, float, boolean, binary, date, "
                  "timestamp, timestamp_ntz, decimal(p,s), or a JSON type object")
      ->required();
  add->add_flag("--not-null", a.not_null, "NOT NULL (only on a table without rows)");
  add->add_flag("--nullable", [](int64_t) { a.not_null = false; }, "Nullable (the default)");
  add->callback(run("add-column"));
  auto* ren = alter->add_subcommand("rename-column", "Rename a column (needs column mapping)");
  ren->add_option("OLD", a.column, "Column name or a.b path")->required();
  ren->add_option("NEW", a.new_name, "New name (the last part only)")->required();
  ren->callback(run("rename-column"));
  auto* drop = alter->add_subcommand("drop-column", "Drop a column (needs column mapping)");
  drop->add_option("NAME", a.column, "Column name or a.b path")->required();
  drop->callback(run("drop-column"));
  auto* set = alter->add_subcommand(
      "set-property",
      "Set a table property: delta.columnMapping.mode=name turns on column mapping (existing "
      "columns keep their names as physical names, as Spark does); "
      "delta.enableChangeDataFeed=true or delta.enableDeletionVectors=true upgrade the "
      "protocol as Spark does (src/delta/table_properties.h); "
      "delta.enableInCommitTimestamps=true|false turns in-commit timestamps on or off; other "
      "keys are stored as given");
  set->add_option("KEY=VALUE", a.property,
                  "delta.columnMapping.mode=name, delta.enableChangeDataFeed=true, ...")
      ->required();
  set->callback(run("set-property"));
}

}  // namespace lakestream::cli
