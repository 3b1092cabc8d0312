// `lakestream changes TABLE --from-version N [--to-version M]`: the change
// data feed as NDJSON (src/delta/changes_reader.h). Thin: the work is in
// src/delta.
#include <iostream>

#include "cli/commands.h"
#include "common/time_format.h"
#include "delta/changes_reader.h"

namespace lakestream::cli {
namespace {

struct ChangesArgs {
  std::string table;
  int64_t from_version = -1;
  int64_t to_version = -1;
  std::string from_timestamp;
  std::string to_timestamp;
};

// ISO-8601 or ms since the epoch.
Result<int64_t> ParseMillis(const std::string& flag, const std::string& text) {
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
    return std::stoll(text);
  }
  std::optional<int64_t> us = ParseTimestampMicros(text);
  if (!us) return Status::InvalidArgument("changes: bad " + flag + " '" + text + "'");
  return *us / 1000;
}

Status Changes(const ChangesArgs& a) {
  delta::ChangesRange range;
  if (a.from_version >= 0) range.from_version = a.from_version;
  if (a.to_version >= 0) range.to_version = a.to_version;
  if (!a.from_timestamp.empty()) {
    ASSIGN_OR_RETURN(range.from_timestamp_ms, ParseMillis("--from-timestamp", a.from_timestamp));
  }
  if (!a.to_timestamp.empty()) {
    ASSIGN_OR_RETURN(range.to_timestamp_ms, ParseMillis("--to-timestamp", a.to_timestamp));
  }
  if (!range.from_version && !range.from_timestamp_ms) {
    return Status::InvalidArgument("changes: give --from-version or --from-timestamp");
  }
  ASSIGN_OR_RETURN(auto store, delta::LogStore::Open(a.table));
  Status s = delta::ChangesNdjson(store, range, [](std::string_view chunk) {
    std::cout.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    return std::cout ? Status::OK() : Status::IOError("stdout: write failed");
  });
  std::cout.flush();
  return s;
}

}  // namespace

void AddChangesCommands(CLI::App& app) {
  static ChangesArgs ca;
  auto* changes = app.add_subcommand(
      "changes",
      "Print a Delta table's change data feed as NDJSON: the rows inserted, updated "
      "(update_preimage/update_postimage) and deleted by each version, with _change_type, "
      "_commit_version and _commit_timestamp, as Spark's table_changes() (needs "
      "delta.enableChangeDataFeed=true over the whole range)");
  changes->add_option("TABLE", ca.table, "Table path or URI (file://, az://, abfss://)")
      ->required();
  changes->add_option("--from-version", ca.from_version, "First version (inclusive)");
  changes->add_option("--to-version", ca.to_version,
                      "Last version (inclusive; default and at most the latest)");
  changes->add_option("--from-timestamp", ca.from_timestamp,
                      "Start at the first commit at or after this time (ISO-8601 or ms)");
  changes->add_option("--to-timestamp", ca.to_timestamp,
                      "End at the last commit at or before this time (ISO-8601 or ms)");
  changes->callback([] {
    Status s = Changes(ca);
    if (!s.ok()) Fail(s);
  });
}

}  // namespace lakestream::cli
