#include "cli/commands.h"

namespace lakestream::cli {

void AddParquetCommands(CLI::App& app) {
  auto* pq = app.add_subcommand("parquet", "Inspect Parquet files");
  pq->require_subcommand(1);
}

}  // namespace lakestream::cli
