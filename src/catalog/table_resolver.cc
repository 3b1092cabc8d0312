// ResolveTable: a table argument to a location (table_resolver.h).
#include "catalog/table_resolver.h"

namespace lakestream::catalog {

Result<ResolvedTable> ResolveTable(const std::string& arg, const std::string& metastore) {
  if (!LooksLikeTableName(arg)) return ResolvedTable{arg, std::nullopt};
  if (metastore.empty()) {
    return Status::InvalidArgument(
        "catalog: '" + arg +
        "' is a catalog.schema.table name but no metastore is configured: give --metastore "
        "(or set LAKESTREAM_METASTORE), or write a local directory of that name as ./" + arg);
  }
  ASSIGN_OR_RETURN(auto ms, Metastore::Open(metastore));
  ASSIGN_OR_RETURN(TableInfo t, ms->GetTable(arg));
  std::string location = t.storage_location;
  return ResolvedTable{std::move(location), std::move(t)};
}

}  // namespace lakestream::catalog
