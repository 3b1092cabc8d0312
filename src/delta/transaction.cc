#include "delta/transaction.h"

#include <nlohmann/json.hpp>

#include "common/retry.h"
#include "common/uuid.h"
#include "delta/checkpoint_writer.h"
#include "delta/features.h"
#include "delta/log_cleanup.h"
#include "delta/table_config.h"
#include "delta/table_writer.h"

namespace lakestream::delta {

Transaction::Transaction(std::shared_ptr<LogStore> store, std::shared_ptr<const Snapshot> snapshot,
                         CommitOptions options)
    : store_(std::move(store)), snapshot_(std::move(snapshot)), options_(std::move(options)) {
  options_.clock = ClockOrReal(options_.clock);
  txn_id_ = NewUuid();
  if (snapshot_) previous_commit_ms_ = snapshot_->timestamp_ms();
}

void Transaction::SetProtocol(Protocol p) {
  protocol_ = std::move(p);
  footprint_.changes_metadata = true;
}

void Transaction::SetMetadata(Metadata m) {
  metadata_ = std::move(m);
  footprint_.changes_metadata = true;
}

void Transaction::AddFiles(std::vector<AddFile> adds) {
  for (auto& a : adds) adds_.push_back(std::move(a));
}

void Transaction::Remove(const AddFile& add, bool data_change) {
  delta::RemoveFile r;
  r.path = add.path;
  r.deletion_timestamp = options_.clock->NowMillis();
  r.data_change = data_change;
  r.extended_file_metadata = true;
  r.partition_values = add.partition_values;
  r.size = add.size;
  r.stats = add.stats;
  r.tags = add.tags;
  r.deletion_vector = add.deletion_vector;
  footprint_.removed_files.insert(add.path);
  removes_.push_back(std::move(r));
}

void Transaction::SetTransaction(const std::string& app_id, int64_t version) {
  txns_[app_id] = version;
  footprint_.app_ids.insert(app_id);
}

void Transaction::SetOperation(std::string operation, StringMap parameters) {
  operation_ = std::move(operation);
  operation_parameters_ = std::move(parameters);
}

void Transaction::SetMetric(const std::string& name, int64_t value) { metrics_[name] = value; }

void Transaction::ReadWholeTable() { footprint_.read_whole_table = true; }

void Transaction::ReadPredicate(BoundPredicate predicate) {
  footprint_.read_predicate = std::move(predicate);
}

void Transaction::ReadFile(const std::string& path) { footprint_.read_files.insert(path); }

std::optional<int64_t> Transaction::TransactionVersion(const std::string& app_id) const {
  if (!snapshot_) return std::nullopt;
  return snapshot_->TransactionVersion(app_id);
}

std::string Transaction::BuildCommit(int64_t version, int attempt) {
  int64_t now = options_.clock->NowMillis();
  std::map<std::string, int64_t> metrics = metrics_;
  int64_t rows = 0, bytes = 0;
  bool rows_known = true;
  for (const auto& a : adds_) {
    bytes += a.size;
    if (auto n = a.LiveRecords()) {
      rows += *n;
    } else {
      rows_known = false;
    }
  }
  if (!metrics.count("numFiles")) metrics["numFiles"] = static_cast<int64_t>(adds_.size());
  if (!metrics.count("numOutputBytes")) metrics["numOutputBytes"] = bytes;
  if (rows_known && !metrics.count("numOutputRows")) metrics["numOutputRows"] = rows;
  if (!removes_.empty() && !metrics.count("numRemovedFiles")) {
    metrics["numRemovedFiles"] = static_cast<int64_t>(removes_.size());
  }
  // In-commit timestamps (PROTOCOL.md "In-Commit Timestamps"): the later of
  // now and 1 ms past the previous commit, so commit times never go back
  // even when clocks or object-store file times do.
  std::optional<int64_t> ict;
  std::optional<Metadata> ict_metadata;  // metadata_ with the provenance set right
  if (WritesInCommitTimestamps()) {
    ict = previous_commit_ms_ ? std::max(now, *previous_commit_ms_ + 1) : now;
    ict_metadata = MetadataWithIctProvenance(version, *ict);
  }
  nlohmann::ordered_json ci;
  if (ict) ci["inCommitTimestamp"] = *ict;
  ci["timestamp"] = ict.value_or(now);
  ci["operation"] = operation_;
  nlohmann::ordered_json params = nlohmann::ordered_json::object();
  for (const auto& [k, v] : operation_parameters_) params[k] = v;
  ci["operationParameters"] = params;
  if (read_version() >= 0) ci["readVersion"] = read_version();
  ci["isolationLevel"] = "Serializable";
  ci["isBlindAppend"] = footprint_.blind_append() && !footprint_.changes_metadata;
  nlohmann::ordered_json jm = nlohmann::ordered_json::object();
  for (const auto& [k, v] : metrics) jm[k] = std::to_string(v);  // Spark writes strings
  ci["operationMetrics"] = jm;
  ci["engineInfo"] = kEngineInfo;
  ci["txnId"] = txn_id_;
  CommitInfo info;
  info.json = ci.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);

  std::vector<Action> actions;
  actions.push_back(info);
  if (protocol_) actions.push_back(*protocol_);
  if (ict_metadata) {
    actions.push_back(*ict_metadata);
  } else if (metadata_) {
    actions.push_back(*metadata_);
  }
  for (const auto& [app, v] : txns_) {
    delta::SetTransaction t;
    t.app_id = app;
    t.version = v;
    t.last_updated = now;
    actions.push_back(t);
  }
  for (const auto& r : removes_) actions.push_back(r);
  for (const auto& a : adds_) actions.push_back(a);
  (void)attempt;
  return SerializeCommit(actions);
}

std::optional<Metadata> Transaction::MetadataWithIctProvenance(int64_t version,
                                                              int64_t ict) const {
  const bool was_enabled =
      snapshot_ && InCommitTimestampsEnabled(snapshot_->protocol(), snapshot_->metadata());
  const char* keys[] = {kInCommitTimestampEnablementVersionKey,
                        kInCommitTimestampEnablementTimestampKey};
  std::optional<Metadata> out;
  if (version == 0) {
    // A new table: all its commits carry in-commit timestamps, so provenance copied with
    // another table's metadata (an archive's from its live table) does not apply.
    if (!metadata_) return out;
    for (const char* key : keys) {
      if (!metadata_->Config(key)) continue;
      if (!out) out = *metadata_;
      out->configuration.erase(key);
    }
  } else if (!was_enabled) {
    // Turned on for a table with earlier commits: readers take those commits' times from
    // their files, so the table records where in-commit timestamps start.
    out = metadata_ ? *metadata_ : snapshot_->metadata();
    out->configuration[kInCommitTimestampEnablementVersionKey] = std::to_string(version);
    out->configuration[kInCommitTimestampEnablementTimestampKey] = std::to_string(ict);
  } else if (metadata_) {
    // New metadata built without the provenance (an overwrite's, a restored version's)
    // keeps it: it still tells readers which commits have no in-commit timestamp.
    for (const char* key : keys) {
      std::optional<std::string> v = snapshot_->metadata().Config(key);
      if (!v || metadata_->Config(key)) continue;
      if (!out) out = *metadata_;
      out->configuration[key] = *v;
    }
  }
  return out;
}

bool Transaction::WritesInCommitTimestamps() const {
  const Protocol* proto = protocol_ ? &*protocol_ : snapshot_ ? &snapshot_->protocol() : nullptr;
  const Metadata* meta = metadata_ ? &*metadata_ : snapshot_ ? &snapshot_->metadata() : nullptr;
  return proto != nullptr && meta != nullptr && InCommitTimestampsEnabled(*proto, *meta);
}

Result<bool> Transaction::CommitLanded(int64_t version) {
  Result<std::string> text = store_->ReadCommit(version);
  if (!text.ok()) {
    if (text.status().IsNotFound()) return false;
    return text.status();
  }
  if (text->find(txn_id_) != std::string::npos) return true;
  return Status::Conflict("delta: " + store_->table_root() + ": version " +
                          std::to_string(version) + " was committed by another writer");
}

Status Transaction::Rebase(int64_t* version) {
  // The listing bounds the winners; a commit missing below that bound was
  // cleaned up (log retention), so conflicts cannot be checked against it.
  ASSIGN_OR_RETURN(LogListing listing, store_->List());
  int64_t latest = *version - 1;
  if (!listing.commits.empty()) latest = std::max(latest, listing.commits.rbegin()->first);
  if (!listing.checkpoints.empty()) {
    latest = std::max(latest, listing.checkpoints.rbegin()->first);
  }
  int64_t v = *version;
  for (;; ++v) {
    Result<std::string> text = store_->ReadCommit(v);
    if (!text.ok()) {
      if (!text.status().IsNotFound()) return text.status();
      if (v <= latest) {
        return Status::Conflict("delta: " + store_->table_root() + ": commit " + std::to_string(v) +
                                " is gone (log cleanup); cannot check it for conflicts");
      }
      break;
    }
    ASSIGN_OR_RETURN(std::vector<Action> winning,
                     ParseCommit(*text, store_->LogPath(CommitFileName(v))));
    RETURN_IF_ERROR(CheckConflicts(footprint_, v, winning, store_->table_root()));
    if (WritesInCommitTimestamps()) {
      // Our in-commit timestamp must pass the winner's: its own, or (a commit from before
      // the feature) its file's time.
      std::optional<int64_t> winner_ms;
      for (const Action& a : winning) {
        const auto* info = std::get_if<CommitInfo>(&a);
        if (info && info->in_commit_timestamp) winner_ms = *info->in_commit_timestamp;
      }
      if (!winner_ms) {
        ASSIGN_OR_RETURN(io::FileInfo file, store_->fs().Stat(store_->LogPath(CommitFileName(v))));
        winner_ms = file.mtime_ms;
      }
      previous_commit_ms_ = std::max(previous_commit_ms_.value_or(*winner_ms), *winner_ms);
    }
  }
  *version = v;
  return Status::OK();
}

void Transaction::PostCommit(int64_t version, CommitResult* result) {
  if (!options_.checkpoint || version == 0) return;
  const Metadata* m = metadata_ ? &*metadata_ : (snapshot_ ? &snapshot_->metadata() : nullptr);
  if (m == nullptr) return;
  if (version % CheckpointInterval(*m) != 0) return;
  SnapshotOptions so;
  so.version = version;
  // Best effort: the commit stands; the caller sees why no checkpoint was written.
  Result<std::shared_ptr<const Snapshot>> snap = Snapshot::Load(store_, so);
  if (!snap.ok()) {
    result->checkpoint_error = snap.status().ToString();
    return;
  }
  int64_t now = options_.clock->NowMillis();
  CheckpointOptions co;
  co.min_tombstone_timestamp_ms = now - DeletedFileRetentionMillis(*m);
  if (auto written = WriteCheckpoint(**snap, co); !written.ok()) {
    result->checkpoint_error = written.status().ToString();
    return;
  }
  result->checkpointed = true;
  if (options_.cleanup_log) (void)CleanupExpiredLogs(*store_, now, LogRetentionMillis(*m));
}

Result<CommitResult> Transaction::Commit() {
  if (committed_) {
    return Status::InvalidArgument("delta: " + store_->table_root() +
                                   ": transaction already committed");
  }
  // A writer never writes a table whose features it does not honour (PROTOCOL.md "Table
  // Features"): the protocol and metadata this commit leaves in effect decide.
  const Metadata* meta = metadata_ ? &*metadata_ : (snapshot_ ? &snapshot_->metadata() : nullptr);
  if (meta != nullptr) {
    const Protocol proto = protocol_ ? *protocol_ : (snapshot_ ? snapshot_->protocol() : Protocol{});
    RETURN_IF_ERROR(CheckWriteSupported(proto, *meta, store_->table_root()));
  }
  CommitResult result;
  int64_t version = read_version() + 1;
  // Between attempts: the doubling, capped backoff times a uniform factor in [0.5, 1.5].
  RetryPolicy policy;
  policy.initial_backoff_ms = options_.initial_backoff_ms;
  policy.max_backoff_ms = options_.max_backoff_ms;
  policy.jitter_low = 0.5;
  policy.jitter_high = 1.5;
  policy.clock = options_.clock;
  Backoff backoff(policy);
  auto sleep = [&] { (void)backoff.Wait(); };
  Status last;
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    result.attempts = attempt;
    last_text_ = BuildCommit(version, attempt);
    Status s = store_->WriteCommit(version, last_text_);
    if (s.ok()) {
      committed_ = true;
      result.version = version;
      PostCommit(version, &result);
      return result;
    }
    last = s;
    if (s.IsConflict()) {
      RETURN_IF_ERROR(Rebase(&version));
      sleep();
      continue;
    }
    if (!s.IsIOError() && !s.IsUnavailable()) return s;
    // Ambiguous: did the put take effect?
    Result<bool> landed = CommitLanded(version);
    if (landed.ok() && *landed) {
      committed_ = true;
      result.version = version;
      PostCommit(version, &result);
      return result;
    }
    if (!landed.ok()) {
      if (!landed.status().IsConflict()) {
        return s
            .WithContext("delta: " + store_->table_root() + ": commit " +
                         std::to_string(version) + " outcome unknown (" +
                         landed.status().ToString() + ")")
            .WithOutcomeUnknown();
      }
      RETURN_IF_ERROR(Rebase(&version));
    }
    sleep();
  }
  std::string msg = "delta: " + store_->table_root() + ": gave up after " +
                    std::to_string(options_.max_attempts) + " commit attempts";
  if (last.IsConflict()) return Status::Conflict(msg + "; last: " + last.message());
  return last.WithContext(msg);
}

}  // namespace lakestream::delta
