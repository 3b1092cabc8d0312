// Table arguments: paths or catalog names (table_arg.h).
#include "cli/table_arg.h"

#include "catalog/table_resolver.h"

namespace lakestream::cli {
namespace {
std::string g_metastore;
}

void AddMetastoreFlag(CLI::App& app) {
  app.add_option("--metastore", g_metastore,
                 "The catalog's metastore (SQLite file, sqlite:PATH or postgresql://...): table "
                 "arguments may then be catalog.schema.table names")
      ->envname("LAKESTREAM_METASTORE");
}

const std::string& MetastoreLocation() { return g_metastore; }

Result<std::string> ResolveTableArg(const std::string& arg) {
  ASSIGN_OR_RETURN(catalog::ResolvedTable r, catalog::ResolveTable(arg, g_metastore));
  return r.location;
}

Result<std::shared_ptr<delta::LogStore>> OpenTableArg(const std::string& arg) {
  ASSIGN_OR_RETURN(std::string location, ResolveTableArg(arg));
  return delta::LogStore::Open(location);
}

}  // namespace lakestream::cli
