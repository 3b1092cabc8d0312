// Helpers shared by the Metastore's source files (metastore.cc: the metastore, catalogs and
// schemas; metastore_tables.cc: tables). Not part of the catalog's interface.
#pragma once

#include <string>

#include "catalog/metastore.h"

namespace lakestream::catalog::internal {

int64_t NowMs();
std::string Text(const sql::SqlValue& v);
int64_t Num(const sql::SqlValue& v);
std::string PropertiesToJson(const Properties& p);
Properties PropertiesFromJson(const std::string& text);

constexpr const char* kSchemaColumns =
    "s.id, c.name, s.name, s.comment, s.storage_root, s.owner, s.properties, s.created_at, "
    "s.updated_at";
SchemaInfo SchemaFromRow(const sql::SqlRow& r);

}  // namespace lakestream::catalog::internal
