// lakestream: command-line entry. Thin: every subcommand calls into a library.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/table_arg.h"

int main(int argc, char** argv) {
  CLI::App app{"lakestream: lands event streams and business data in Delta Lake tables"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "lakestream 0.1.0");
  app.fallthrough();  // --log-format/--log-level also after the subcommand
  lakestream::cli::AddLogFlags(app);
  lakestream::cli::AddMetastoreFlag(app);
  lakestream::cli::AddParquetCommands(app);
  lakestream::cli::AddGenerateCommands(app);
  lakestream::cli::AddConvertCommands(app);
  lakestream::cli::AddDeltaCommands(app);
  lakestream::cli::AddDeltaWriteCommands(app);
  lakestream::cli::AddChangesCommands(app);
  lakestream::cli::AddAlterCommands(app);
  lakestream::cli::AddIngestCommands(app);
  lakestream::cli::AddServeCommands(app);
  lakestream::cli::AddCollectCommands(app);
  lakestream::cli::AddMaintenanceCommands(app);
  lakestream::cli::AddStorageCommands(app);
  lakestream::cli::AddODataCommands(app);
  lakestream::cli::AddCatalogCommands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every argument error is the usage exit code (CLI11's own
    // codes, 100-series, are not part of our interface).
    int rc = app.exit(e);
    return rc == 0 ? 0 : lakestream::cli::kExitUsage;
  }
  return lakestream::cli::ExitCode();
}
