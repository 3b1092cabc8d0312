// LogStore: a Delta table's `_delta_log/` directory on an io::FileSystem.
// Names log files (PROTOCOL.md "Delta Log Entries", "Checkpoints"), lists
// them, reads commits and `_last_checkpoint`, and offers the put-if-absent
// commit primitive a transaction will build on.
//
// Thread-safety: safe for concurrent use (it only holds the FileSystem,
// which is). Ownership: shares the FileSystem.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "io/file_system.h"

namespace lakestream::delta {

// "00000000000000000007.json" and friends (20-digit versions).
std::string CommitFileName(int64_t version);
std::string CheckpointFileName(int64_t version);
std::string MultiPartCheckpointFileName(int64_t version, int part, int num_parts);

// What a file name in `_delta_log/` is.
struct LogFileName {
  enum class Kind {
    kCommit,               // N.json
    kClassicCheckpoint,    // N.checkpoint.parquet
    kMultiPartCheckpoint,  // N.checkpoint.o.p.parquet
    kUuidCheckpoint,       // N.checkpoint.<uuid>.{json,parquet} (v2)
    kCompaction,           // X.Y.compacted.json
    kChecksum,             // N.crc
    kLastCheckpoint,       // _last_checkpoint
    kOther,
  };
  Kind kind = Kind::kOther;
  int64_t version = -1;
  int part = 0;       // kMultiPartCheckpoint: 1-based part
  int num_parts = 0;  // kMultiPartCheckpoint
};
LogFileName ParseLogFileName(std::string_view name);

// A checkpoint for one version, as found by listing.
struct CheckpointFiles {
  enum class Kind { kClassic, kMultiPart, kUuid };
  int64_t version = 0;
  Kind kind = Kind::kClassic;
  int num_parts = 1;
  std::vector<io::FileInfo> parts;  // sorted by part number; may be incomplete
  bool complete() const { return static_cast<int>(parts.size()) == num_parts; }
};

// The files of `_delta_log/` (direct children only), by version.
struct LogListing {
  std::map<int64_t, io::FileInfo> commits;
  // All checkpoints found, by version; several may exist for one version.
  std::multimap<int64_t, CheckpointFiles> checkpoints;
  bool has_last_checkpoint = false;

  bool empty() const { return commits.empty() && checkpoints.empty(); }
};

// `_last_checkpoint` (PROTOCOL.md "Last Checkpoint File Schema").
struct LastCheckpoint {
  int64_t version = 0;
  int64_t size = 0;  // actions in the checkpoint
  std::optional<int64_t> parts;
  std::optional<int64_t> size_in_bytes;
  std::optional<int64_t> num_of_add_files;

  // Single-line JSON, as written to the file.
  std::string ToJson() const;
  // Corruption naming `context` for malformed JSON or a missing version.
  static Result<LastCheckpoint> Parse(std::string_view json, std::string_view context);
};

class LogStore {
 public:
  // `table_root` is a FileSystem path without a trailing slash.
  LogStore(std::shared_ptr<io::FileSystem> fs, std::string table_root);

  // The table at `table`: a local path, a file:// URI or an Azure URI
  // (az://account/container/path, abfss://container@account.dfs.core.windows.net/path),
  // on the FileSystem io::FileSystemForUri picks, rooted at the canonical
  // NormalizeTableRoot form. Errors from either (InvalidArgument, NotSupported).
  static Result<std::shared_ptr<LogStore>> Open(std::string_view table);
  // The same as Open (it predates Azure support and now accepts any location).
  static Result<std::shared_ptr<LogStore>> OpenLocal(std::string_view table) { return Open(table); }

  io::FileSystem& fs() const { return *fs_; }
  const std::shared_ptr<io::FileSystem>& shared_fs() const { return fs_; }
  const std::string& table_root() const { return root_; }
  // "<root>/_delta_log"
  const std::string& log_dir() const { return log_dir_; }
  std::string LogPath(std::string_view file_name) const;

  // Lists `_delta_log/`. An absent or empty directory yields an empty listing.
  Result<LogListing> List() const;

  // nullopt when the file does not exist; Corruption when it is malformed
  // (callers may treat that as a hint to ignore, as it is only a hint).
  Result<std::optional<LastCheckpoint>> ReadLastCheckpoint() const;
  Status WriteLastCheckpoint(const LastCheckpoint& lc) const;

  // The text of commit `version`; NotFound if absent.
  Result<std::string> ReadCommit(int64_t version) const;

  // Atomically creates commit `version`. Conflict if it already exists
  // (another writer won the race).
  Status WriteCommit(int64_t version, std::string_view text) const;

 private:
  std::shared_ptr<io::FileSystem> fs_;
  std::string root_;
  std::string log_dir_;
};

}  // namespace lakestream::delta
