// Catalog object names: the rules Unity Catalog applies to catalog, schema and table names,
// and three-part names (`catalog.schema.table`).
//
// A name is 1 to 255 characters of ASCII letters, digits, `_`, `-` and `@` (Unity Catalog
// OSS's rule), so a name can never hold a period, a space, `/`, `..`, a quote, a control
// character or non-ASCII text. Names are case-insensitive and kept in lower case, as Unity
// Catalog and Databricks keep them.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace lakestream::catalog {

inline constexpr size_t kMaxNameLength = 255;

// The name in lower case when it follows the rules; InvalidArgument naming the kind
// ("catalog", "schema", "table"), the name (control characters escaped) and the rule.
Result<std::string> NormalizeName(std::string_view kind, std::string_view name);

// `catalog.schema.table` with each part normalized.
struct TableName {
  std::string catalog, schema, table;
  std::string full() const { return catalog + "." + schema + "." + table; }
};
// `catalog.schema`.
struct SchemaName {
  std::string catalog, schema;
  std::string full() const { return catalog + "." + schema; }
};

// Parses a three-part table name; InvalidArgument when it has not exactly three parts or a
// part breaks the rules.
Result<TableName> ParseTableName(std::string_view full_name);
// Parses a two-part schema name; InvalidArgument likewise.
Result<SchemaName> ParseSchemaName(std::string_view full_name);

// True when `arg` is meant as a table name rather than a storage location: it has no `/`,
// `\` or `:` and splits into exactly three non-empty dot-separated parts. (A local directory
// of such a name is reached as ./a.b.c.)
bool LooksLikeTableName(std::string_view arg);

}  // namespace lakestream::catalog
