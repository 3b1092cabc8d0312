// MemoryBatchSink: a BatchSink over an in-memory FileSystem for unit tests
// ONLY (the product path is DeltaBatchSink). It keeps the committed files and
// txn versions per table in memory, follows the BatchSink contract (the
// quarantine "commit" first, then the events one; Conflict for a batch
// starting at or below a recorded txn), and can fail on request to test the
// engine's crash and retry paths.
//
// Thread-safety: single-threaded, like the engine. Header-only so that it is
// compiled into tests alone.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "io/file_system.h"
#include "stream/batch_sink.h"
#include "stream/dedup_rebuild.h"
#include "stream/pipeline_config.h"

namespace lakestream::stream::testing {

class MemoryBatchSink : public BatchSink {
 public:
  struct Table {
    std::vector<StagedFile> files;
    std::map<TopicPartition, int64_t> txns;
    int64_t commits = 0;
  };

  explicit MemoryBatchSink(std::shared_ptr<io::FileSystem> fs = io::NewMemoryFileSystem())
      : fs_(std::move(fs)) {}

  Status Open(const TableLayout& layout) override {
    layout_ = layout;
    ++opens;
    return Status::OK();
  }
  io::FileSystem& fs() override { return *fs_; }
  const std::shared_ptr<io::FileSystem>& shared_fs() const { return fs_; }
  const std::string& table_root(TableRole role) const override {
    return role == TableRole::kEvents ? events_root_ : quarantine_root_;
  }
  Result<std::optional<int64_t>> CommittedOffset(TableRole role,
                                                 const TopicPartition& tp) override {
    const Table& t = table(role);
    auto it = t.txns.find(tp);
    if (it == t.txns.end()) return std::optional<int64_t>();
    return std::optional<int64_t>(it->second);
  }

  Status Commit(const MicroBatch& batch) override {
    ++commit_calls;
    if (fail_commit_call == commit_calls) {
      return Status::IOError("memory sink: injected failure of commit call " +
                             std::to_string(commit_calls));
    }
    if (fail_next_commits > 0) {
      --fail_next_commits;
      return Status::IOError("memory sink: injected commit failure");
    }
    for (const auto& [tp, first] : batch.first_offsets) {
      auto it = events_.txns.find(tp);
      if (it != events_.txns.end() && first <= it->second) {
        return Status::Conflict("memory sink: " + tp.ToString() + " already at txn " +
                                std::to_string(it->second));
      }
    }
    if (!batch.quarantine.empty()) Apply(quarantine_, batch.quarantine, batch);
    if (crash_after_quarantine_commit) {
      crash_after_quarantine_commit = false;
      return Status::IOError("memory sink: injected crash between the two commits");
    }
    Apply(events_, batch.events, batch);
    batches.push_back(batch.metrics);
    return Status::OK();
  }

  Status ScanRecentKeys(const RecentKeysScan& scan,
                        const std::function<void(std::string_view, int64_t)>& fn) override {
    for (const StagedFile& f : events_.files) {
      RETURN_IF_ERROR(ReadKeysFromFile(*fs_, events_root_ + "/" + f.path, scan.key_column,
                                       scan.time_column, fn));
    }
    return Status::OK();
  }

  const Table& table(TableRole role) const {
    return role == TableRole::kEvents ? events_ : quarantine_;
  }
  const TableLayout& layout() const { return layout_; }

  int fail_next_commits = 0;
  int fail_commit_call = 0;  // fails the Nth call of Commit (1-based); 0: none
  int commit_calls = 0;
  bool crash_after_quarantine_commit = false;
  int opens = 0;
  std::vector<BatchMetrics> batches;

 private:
  static void Apply(Table& t, const std::vector<StagedFile>& files, const MicroBatch& batch) {
    t.files.insert(t.files.end(), files.begin(), files.end());
    for (const auto& [tp, last] : batch.last_offsets) t.txns[tp] = last;
    ++t.commits;
  }

  std::shared_ptr<io::FileSystem> fs_;
  std::string events_root_ = "/mem/events";
  std::string quarantine_root_ = "/mem/events_quarantine";
  TableLayout layout_;
  Table events_;
  Table quarantine_;
};

}  // namespace lakestream::stream::testing
