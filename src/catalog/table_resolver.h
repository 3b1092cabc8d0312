// The one resolver every command calls for a table argument: a storage location (local path,
// file://, az://, abfss://) is returned as it is; `catalog.schema.table` (names.h
// LooksLikeTableName) is looked up in the metastore and its storage location returned.
//
// Thread-safety: a function; opens its own Metastore per call.
#pragma once

#include <optional>
#include <string>

#include "catalog/metastore.h"
#include "common/status.h"

namespace lakestream::catalog {

struct ResolvedTable {
  std::string location;            // what the Delta code opens
  std::optional<TableInfo> table;  // set when `arg` was a catalog name
};

// `metastore` is the metastore location (empty: none configured). A name without a metastore
// is InvalidArgument saying how to give one; an unknown name NotFound; metastore errors as
// Metastore::Open and GetTable return them.
Result<ResolvedTable> ResolveTable(const std::string& arg, const std::string& metastore);

}  // namespace lakestream::catalog
