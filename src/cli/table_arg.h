// Table arguments of every command: a storage location or a catalog.schema.table name,
// resolved by catalog::ResolveTable against the metastore of the top-level --metastore option
// (or LAKESTREAM_METASTORE).
//
// Thread-safety: set once while parsing arguments, read afterwards.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "common/status.h"
#include "delta/log_store.h"

namespace lakestream::cli {

// Adds --metastore (env LAKESTREAM_METASTORE) to the top-level app.
void AddMetastoreFlag(CLI::App& app);
// The configured metastore location; empty when none was given.
const std::string& MetastoreLocation();

// The storage location of a table argument (catalog::ResolveTable's errors).
Result<std::string> ResolveTableArg(const std::string& arg);
// The Delta log of a table argument: ResolveTableArg, then delta::LogStore::Open.
Result<std::shared_ptr<delta::LogStore>> OpenTableArg(const std::string& arg);

}  // namespace lakestream::cli
