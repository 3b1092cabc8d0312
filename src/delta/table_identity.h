// Table identity: whether two spellings of table locations name the same Delta table. Two
// tables that must differ (archive's live and archive tables, merge's source and target,
// ingest's events / quarantine / dimension tables) are compared by identity, never by string:
// "LIVE", "$PWD/LIVE", "file://$PWD/LIVE" and "./LIVE/../LIVE" are one table, and so are two
// locations whose logs carry the same table id (metaData.id), e.g. through a symlink or a copy.
//
// Thread-safety: pure functions (they read the filesystem and the tables' logs).
#pragma once

#include <string>
#include <string_view>

#include <memory>

#include "common/status.h"

namespace lakestream::delta {

class LogStore;

// One spelling per location: Azure URIs in canonical az:// form; local paths (plain or
// file://) absolute, with "." and ".." removed and symlinks of the existing part resolved.
// Errors as NormalizeTableRoot (uri.h).
Result<std::string> TableLocationKey(std::string_view table);

// OK when `a` and `b` are different tables. InvalidArgument "<context>: <role_b> <b> is the
// <role_a> table (...)" when their locations are the same, or when both tables exist and
// carry the same table id. Errors reading an existing table's log are returned.
Status RequireDistinctTables(std::string_view context, std::string_view role_a,
                             std::string_view a, std::string_view role_b, std::string_view b);
// The same for tables already opened (their table_root() and their logs).
Status RequireDistinctTables(std::string_view context, std::string_view role_a,
                             const std::shared_ptr<LogStore>& a, std::string_view role_b,
                             const std::shared_ptr<LogStore>& b);

}  // namespace lakestream::delta
