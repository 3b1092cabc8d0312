// lakestream: command-line entry. Thin: every subcommand calls into a library.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"lakestream: lands event streams and business data in Delta Lake tables"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "lakestream 0.1.0");
  app.fallthrough();  // --log-format/--log-level also after the subcommand
  lakestream::cli::AddLogFlags(app);
  lakestream::cli::AddParquetCommands(app);
  lakestream::cli::AddGenerateCommands(app);
  lakestream::cli::AddConvertCommands(app);
  lakestream::cli::AddDeltaCommands(app);
  lakestream::cli::AddDeltaWriteCommands(app);
  lakestream::cli::AddIngestCommands(app);
  lakestream::cli::AddServeCommands(app);
  lakestream::cli::AddMaintenanceCommands(app);
  lakestream::cli::AddStorageCommands(app);
  lakestream::cli::AddODataCommands(app);
  CLI11_PARSE(app, argc, argv);
  return lakestream::cli::ExitCode();
}
