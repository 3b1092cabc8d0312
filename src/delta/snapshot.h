// Snapshot: the state of a Delta table at one version, built by listing
// `_delta_log/`, reading the newest complete checkpoint at or below the
// version, and replaying the JSON commits after it (delta/log_replay.h).
//
// `_last_checkpoint` is only a hint: a stale one (older checkpoint) or one
// naming a checkpoint that does not exist is ignored in favour of the
// listing, and is mentioned in the error if the log then cannot be rebuilt.
// Versions after the checkpoint must be contiguous; a gap is Corruption
// naming the missing commit file.
//
// A snapshot is what a transaction starts from: version, protocol,
// metadata, live files, tombstones, txn versions by appId, domains.
//
// Thread-safety: immutable after Load; share freely (shared_ptr<const>).
// Ownership: shares the LogStore.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "delta/actions.h"
#include "delta/column_mapping.h"
#include "delta/log_store.h"
#include "delta/schema.h"

namespace lakestream::delta {

struct SnapshotOptions {
  // Time travel: at most one of the two. Neither means the latest version.
  std::optional<int64_t> version;
  std::optional<int64_t> timestamp_ms;  // latest commit at or before this time
  // Fail with NotSupported for tables using reader features we lack. Off
  // only for tools that inspect the log without reading data (describe).
  bool check_reader_features = true;
};

class Snapshot {
 public:
  // NotFound if the table has no log or the version does not exist (or is no
  // longer reconstructable); Corruption for gaps and malformed files;
  // NotSupported for unsupported reader features and v2 checkpoints;
  // ColumnMapping::ForTable's errors for bad column mapping metadata.
  static Result<std::shared_ptr<const Snapshot>> Load(std::shared_ptr<LogStore> store,
                                                      const SnapshotOptions& options = {});

  int64_t version() const { return version_; }
  const Protocol& protocol() const { return protocol_; }
  const Metadata& metadata() const { return metadata_; }
  // The parsed metaData.schemaString.
  const DeltaType& schema() const { return schema_; }
  const std::vector<std::string>& partition_columns() const { return metadata_.partition_columns; }
  // How the schema maps onto data files, partition values and stats
  // (delta/column_mapping.h); mode none unless the table uses column mapping.
  const ColumnMapping& column_mapping() const { return column_mapping_; }

  // Live logical files, sorted by (path, deletion vector id).
  const std::vector<AddFile>& files() const { return files_; }
  // Remove tombstones not yet cleaned by a checkpoint, sorted the same way.
  const std::vector<RemoveFile>& tombstones() const { return tombstones_; }
  const std::map<std::string, SetTransaction>& transactions() const { return txns_; }
  // The latest txn version of `app_id`, or nullopt.
  std::optional<int64_t> TransactionVersion(const std::string& app_id) const;
  // Domains not removed, by name.
  const std::map<std::string, DomainMetadata>& domain_metadata() const { return domains_; }

  // The commitInfo of this version's commit file, if it has one.
  const std::optional<CommitInfo>& commit_info() const { return commit_info_; }
  // When this version was committed (in-commit timestamp or file time), ms.
  int64_t timestamp_ms() const { return timestamp_ms_; }
  // The checkpoint the snapshot was built from, if any.
  std::optional<int64_t> checkpoint_version() const { return checkpoint_version_; }

  // Totals over files(): bytes, and records where every file has stats.
  int64_t total_bytes() const;
  std::optional<int64_t> total_records() const;

  const std::shared_ptr<LogStore>& log_store() const { return store_; }
  const std::string& table_root() const { return store_->table_root(); }

 private:
  Snapshot() = default;

  std::shared_ptr<LogStore> store_;
  int64_t version_ = -1;
  Protocol protocol_;
  Metadata metadata_;
  DeltaType schema_;
  ColumnMapping column_mapping_;
  std::vector<AddFile> files_;
  std::vector<RemoveFile> tombstones_;
  std::map<std::string, SetTransaction> txns_;
  std::map<std::string, DomainMetadata> domains_;
  std::optional<CommitInfo> commit_info_;
  int64_t timestamp_ms_ = 0;
  std::optional<int64_t> checkpoint_version_;
};

}  // namespace lakestream::delta
