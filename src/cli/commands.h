// Subcommand registration. Each Add*Commands wires CLI11 options to library
// calls; errors are printed to stderr and reflected in ExitCode().
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "common/status.h"

namespace lakestream::cli {

void AddParquetCommands(CLI::App& app);
// `generate`: synthetic clickstream NDJSON (src/pipeline/generator/clickstream_generator.h).
void AddGenerateCommands(CLI::App& app);
// `parquet from-json`; call after AddParquetCommands.
void AddConvertCommands(CLI::App& app);

// `describe`, `history`, `cat`, `files`, `checkpoint` on Delta tables (src/delta).
void AddDeltaCommands(CLI::App& app);
// `write`, `delete`, `vacuum`, `restore` on Delta tables (src/delta/operations.h).
void AddDeltaWriteCommands(CLI::App& app);
// `changes`: a Delta table's change data feed (src/delta/changes_reader.h).
void AddChangesCommands(CLI::App& app);
// `alter TABLE add-column|rename-column|drop-column|set-property` (src/delta/alter.h).
void AddAlterCommands(CLI::App& app);

// `ingest`: the streaming ingest job (src/stream).
void AddIngestCommands(CLI::App& app);

// `serve` (src/serve/serve_app.h) and `runs` (the run log).
void AddServeCommands(CLI::App& app);

// --log-format json|text and --log-level on the top-level app (also accepted
// after the subcommand); they configure DefaultLogger() while parsing.
void AddLogFlags(CLI::App& app);
// True when --log-format or --log-level was given.
bool LogFlagsGiven();

// `collect`: the HTTP event collector (src/collect).
void AddCollectCommands(CLI::App& app);

// `archive`, `optimize`, `query` (src/maintenance, src/delta/table_query.h).
void AddMaintenanceCommands(CLI::App& app);
// `storage mkcontainer|ls|tier|cp`: object store chores (src/io/azure_file_system.h).
void AddStorageCommands(CLI::App& app);

// `sources` and `load`: OData ingestion (src/odata).
void AddODataCommands(CLI::App& app);

// `catalog create-catalog|create-schema|create-table|register|list|describe|drop`
// (src/catalog, docs/catalog.md).
void AddCatalogCommands(CLI::App& app);

// --port-file: writes "PORT\n" to `path` atomically (a temporary file renamed over it), so a
// test that started the server on port 0 reads the bound port, never half of it
// (tests/lib.sh wait_port_file). IOError naming the path.
Status WritePortFile(const std::string& path, int port);

// "a,b,,c" -> {"a", "b", "c"}: the comma-separated lists of --columns and the like.
std::vector<std::string> SplitCommas(const std::string& s);

// Records a failed command: prints the status to stderr, sets the exit code.
// Exit codes of every command (README "Exit codes"; tests/cli_exit_codes_test.sh):
inline constexpr int kExitOk = 0;          // done (an idempotent no-op included)
inline constexpr int kExitFailure = 1;     // failed: I/O, corrupt data, unsupported feature
inline constexpr int kExitUsage = 2;       // bad arguments, config or input (InvalidArgument)
inline constexpr int kExitNotFound = 3;    // a named table, file or source does not exist
inline constexpr int kExitTransient = 75;  // unavailable or conflicting: retry later (EX_TEMPFAIL)
int ExitCodeFor(const Status& status);

void Fail(const Status& status);
int ExitCode();

}  // namespace lakestream::cli
