// Commit history and commit timestamps: `lakestream history`, and the
// version lookup behind timestamp time travel.
//
// A commit's timestamp is its commitInfo.inCommitTimestamp when in-commit
// timestamps are enabled (delta.enableInCommitTimestamps in the latest
// metadata, from delta.inCommitTimestampEnablementVersion on), otherwise
// the commit file's modification time (PROTOCOL.md "In-Commit Timestamps").
//
// Thread-safety: pure functions of the store's contents.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/status.h"
#include "delta/actions.h"
#include "delta/log_store.h"

namespace lakestream::delta {

// From which version commits carry in-commit timestamps, given the latest
// metadata; nullopt when the feature is off.
std::optional<int64_t> InCommitTimestampsFrom(const Metadata& latest);

struct HistoryEntry {
  int64_t version = 0;
  int64_t timestamp_ms = 0;  // as defined above
  std::optional<CommitInfo> commit_info;
};

// The commits still in the log, newest first (at most `limit` when set).
// `ict_from` is InCommitTimestampsFrom(latest metadata).
Result<std::vector<HistoryEntry>> ReadHistory(const LogStore& store, const LogListing& listing,
                                              std::optional<int64_t> ict_from,
                                              std::optional<int64_t> limit = std::nullopt);

// The timestamp of one listed commit.
Result<int64_t> CommitTimestamp(const LogStore& store, const io::FileInfo& commit_file,
                                int64_t version, std::optional<int64_t> ict_from);

// The latest version whose commit timestamp is <= `timestamp_ms`. With
// in-commit timestamps, a time at or after the first in-commit timestamp
// picks among the versions that have one (a binary search reading about
// log2(n) commit files); an earlier time among those before, by file times
// from the listing. NotFound if every commit in the log is later.
Result<int64_t> VersionAtTimestamp(const LogStore& store, const LogListing& listing,
                                   std::optional<int64_t> ict_from, int64_t timestamp_ms);

}  // namespace lakestream::delta
