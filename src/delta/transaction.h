// Transaction: one optimistic write to a Delta table (PROTOCOL.md "Delta
// Log Entries", "Transaction Identifiers", "Commit Provenance Information").
//
// A transaction starts from a snapshot (its read version; none for a new
// table), stages actions, and commits them as version read+1 with the
// store's put-if-absent. If another writer took that version, the winning
// commits are read and checked (delta/conflict_checker.h); without a
// conflict the transaction is rebased and retried at the next version, up
// to `max_attempts` times with jittered exponential backoff.
//
// A failed put whose outcome is unknown (IOError/Unavailable: the file may
// or may not have been created, an "ambiguous commit") is resolved by
// reading the version back: every commit carries a random txnId in its
// commitInfo, so the transaction recognises its own commit.
//
// Every commit gets a commitInfo (first action) with timestamp, operation,
// operationParameters, operationMetrics, engineInfo "lakestream/0.1.0",
// isBlindAppend, readVersion and txnId. With in-commit timestamps enabled
// (PROTOCOL.md "In-Commit Timestamps") it also carries inCommitTimestamp, and
// timestamp is the same value: the later of the clock's now and 1 ms past the
// previous commit's time (its in-commit timestamp, or its file's time when it
// has none), re-derived from the winning commits when a commit is retried at
// a later version. The commit that turns the feature on for a table with
// earlier commits records delta.inCommitTimestampEnablementVersion and
// delta.inCommitTimestampEnablementTimestamp in its metadata. After a commit whose version is a
// multiple of delta.checkpointInterval (default 10) a checkpoint is written
// and expired log files are cleaned up (delta/log_cleanup.h); failures
// there do not fail the commit.
//
// Thread-safety: single-threaded; one Transaction per writer.
// Ownership: shares the LogStore and the read snapshot.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "delta/actions.h"
#include "delta/conflict_checker.h"
#include "delta/log_store.h"
#include "delta/snapshot.h"

namespace lakestream::delta {

inline constexpr const char* kEngineInfo = "lakestream/0.1.0";

struct CommitOptions {
  int max_attempts = 10;
  int64_t initial_backoff_ms = 2;
  int64_t max_backoff_ms = 500;
  Clock* clock = RealClock();  // wall time for commit timestamps (borrowed)
  // Post-commit checkpoints and log cleanup.
  bool checkpoint = true;
  bool cleanup_log = true;
};

struct CommitResult {
  int64_t version = -1;
  int attempts = 0;
  bool checkpointed = false;
  // Why the post-commit checkpoint due at this version was not written
  // ("" when none was due or it was written). The commit stands either way.
  std::string checkpoint_error;
};

class Transaction {
 public:
  // `snapshot` is null for a table that does not exist yet (read version -1).
  Transaction(std::shared_ptr<LogStore> store, std::shared_ptr<const Snapshot> snapshot,
              CommitOptions options = {});

  const std::shared_ptr<const Snapshot>& snapshot() const { return snapshot_; }
  int64_t read_version() const { return snapshot_ ? snapshot_->version() : -1; }

  // Staging.
  void SetProtocol(Protocol p);
  void SetMetadata(Metadata m);
  void AddFiles(std::vector<AddFile> adds);
  // A remove for a live file (deletionTimestamp now, extended metadata).
  void Remove(const AddFile& add, bool data_change = true);
  void SetTransaction(const std::string& app_id, int64_t version);
  void SetOperation(std::string operation, StringMap parameters = {});
  void SetMetric(const std::string& name, int64_t value);

  // Read tracking, for conflict detection.
  void ReadWholeTable();
  void ReadPredicate(BoundPredicate predicate);
  void ReadFile(const std::string& path);

  // The version of the snapshot's latest txn for `app_id`, or nullopt.
  std::optional<int64_t> TransactionVersion(const std::string& app_id) const;

  // Commits. Conflict when a concurrent commit conflicts or attempts run
  // out; other errors from storage. A transaction commits at most once.
  Result<CommitResult> Commit();

  // The commit file text of the last attempt (for tests and logs).
  const std::string& last_commit_text() const { return last_text_; }

 private:
  std::string BuildCommit(int64_t version, int attempt);
  // True if commit `version` is ours, false if absent; Conflict if another
  // writer made it.
  Result<bool> CommitLanded(int64_t version);
  Status Rebase(int64_t* version);
  // Whether this commit carries an in-commit timestamp: the protocol and
  // metadata it leaves in effect enable them (delta/features.h).
  bool WritesInCommitTimestamps() const;
  // The metadata to commit at `version` with in-commit timestamp `ict`, when
  // the enablement provenance needs setting, keeping or dropping; else
  // nullopt (metadata_, if any, is committed as it is).
  std::optional<Metadata> MetadataWithIctProvenance(int64_t version, int64_t ict) const;
  void PostCommit(int64_t version, CommitResult* result);

  std::shared_ptr<LogStore> store_;
  std::shared_ptr<const Snapshot> snapshot_;
  CommitOptions options_;
  std::optional<Protocol> protocol_;
  std::optional<Metadata> metadata_;
  // The timestamp of the latest commit this transaction knows of (in-commit
  // timestamp, else file time): the next in-commit timestamp exceeds it.
  std::optional<int64_t> previous_commit_ms_;
  std::vector<AddFile> adds_;
  std::vector<delta::RemoveFile> removes_;
  std::map<std::string, int64_t> txns_;
  std::string operation_ = "WRITE";
  StringMap operation_parameters_;
  std::map<std::string, int64_t> metrics_;
  TransactionFootprint footprint_;
  std::string txn_id_;
  std::string last_text_;
  bool committed_ = false;
};

}  // namespace lakestream::delta
