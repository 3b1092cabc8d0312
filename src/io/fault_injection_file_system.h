// FaultInjectionFileSystem: a FileSystem wrapper for tests that makes the
// storage misbehave on purpose, so that crash and retry paths are exercised
// (in the spirit of LevelDB's fault_injection_test).
//
// Faults are rules keyed by operation: "fail the Nth call of PutIfAbsent
// with Unavailable", "fail every Close of a WritableFile from now on",
// "let PutIfAbsent create the file but report IOError" (an ambiguous commit:
// the writer cannot tell whether it won). A write that fails at Close leaves
// nothing visible, as a crash before the data file is published would. Every
// operation is counted, and an optional latency is added before each call.
//
// Actions run at a point of a call instead of failing it: BeforeNth (another
// writer commits between a transaction's plan and its commit) and AfterNth
// (just after a commit landed: a crash or a racing writer there). They are
// how tests reach the windows between two commits without hooks in the code
// under test. FailPaths makes everything under a path fail with a given
// Status (a table that became unreachable, or a crash before its first call).
//
// Thread-safety: safe for concurrent use; rules and counters are guarded by
// a mutex and may be changed while other threads use the filesystem.
// Ownership: shares the wrapped FileSystem.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "io/file_system.h"

namespace lakestream::io {

enum class FsOp {
  kOpenForRead,
  kOpenForWrite,
  kAppend,  // WritableFile::Append
  kClose,   // WritableFile::Close (publishing a written file)
  kPutIfAbsent,
  kList,
  kStat,
  kDelete,
};
const char* FsOpName(FsOp op);

class FaultInjectionFileSystem final : public FileSystem {
 public:
  // What a failing call does.
  enum class Fault {
    kIOError,      // fail with IOError, nothing happens
    kUnavailable,  // fail with Unavailable (retryable), nothing happens
    // PutIfAbsent/Close only: the operation takes effect, then IOError is
    // returned (the caller cannot know whether it succeeded).
    kAfterEffect,
  };

  // `clock` (borrowed; null: the real clock) sleeps the latency.
  explicit FaultInjectionFileSystem(std::shared_ptr<FileSystem> base, Clock* clock = nullptr);

  // Fails the `nth` (1-based, counted from now) call of `op`, and `count`
  // calls after it too when count > 1 (count < 0: every call from then on).
  // Only calls whose path contains `path_filter` are counted and failed.
  void FailNth(FsOp op, int64_t nth, Fault fault = Fault::kIOError, int64_t count = 1,
               std::string path_filter = "");
  // Runs `action` once, just before the `nth` (1-based, counted from now) call of `op` whose
  // path contains `path_filter` goes ahead: another writer committing in the window between
  // a transaction's plan and its commit, say. `action` runs without the lock held, so it may
  // use this filesystem.
  void BeforeNth(FsOp op, int64_t nth, std::function<void()> action, std::string path_filter = "");
  // Runs `action` just after the `nth` matching call of `op` succeeded (a commit that landed),
  // and after the `count` - 1 matching calls that follow it too (count < 0: every one from
  // then on); a failed call consumes its turn without running it. The call's result stands.
  // Without the lock held, as BeforeNth.
  void AfterNth(FsOp op, int64_t nth, std::function<void()> action, std::string path_filter = "",
                int64_t count = 1);
  // Fails the next `count` calls (count < 0: every call from now on) of any operation whose
  // path contains `path_filter` with `status`; nothing happens in the wrapped filesystem.
  void FailPaths(std::string path_filter, Status status, int64_t count = -1);
  // Removes every rule (counters are kept).
  void ClearFaults();
  // Sleeps this long before every call.
  void SetLatencyMicros(int64_t micros);

  // Calls of `op` since construction or ResetCounts (failed ones included).
  int64_t Count(FsOp op) const;
  // Calls that were failed by a rule.
  int64_t InjectedFailures() const;
  void ResetCounts();

  const std::shared_ptr<FileSystem>& base() const { return base_; }

  Result<std::unique_ptr<RandomAccessFile>> OpenForRead(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> OpenForWrite(const std::string& path) override;
  Status PutIfAbsent(const std::string& path, std::string_view data) override;
  Result<std::vector<FileInfo>> List(const std::string& prefix) override;
  Result<FileInfo> Stat(const std::string& path) override;
  Status Delete(const std::string& path) override;

  // What happens to one call: counted on entry (Enter), which runs the BeforeNth actions and
  // decides whether it fails; Leave runs the AfterNth actions of a call that succeeded. Used by
  // the writable-file wrapper too.
  struct Call {
    std::optional<Fault> fault;     // a FailNth rule hit
    std::optional<Status> failure;  // a FailPaths rule hit (wins over `fault`)
    std::vector<std::function<void()>> after;
    bool fails() const { return fault.has_value() || failure.has_value(); }
    // The error to return; the call is failed.
    Status status(FsOp op, const std::string& path) const;
  };
  Call Enter(FsOp op, const std::string& path);
  static void Leave(const Call& call, const Status& result);
  static Status FaultStatus(FsOp op, const std::string& path, Fault fault);

 private:
  struct Rule {
    int64_t start = 0;  // matching-call number at which failures begin (1-based)
    int64_t count = 1;  // < 0: forever
    Fault fault = Fault::kIOError;
    std::string path_filter;
    int64_t seen = 0;  // matching calls so far
    std::function<void()> action;  // BeforeNth: run instead of failing, once
    std::function<void()> after;   // AfterNth: run after a call that succeeded
  };
  struct PathRule {
    std::string path_filter;
    Status status;
    int64_t left = -1;  // calls still to fail; < 0: forever
  };

  std::shared_ptr<FileSystem> base_;
  Clock* clock_;
  mutable std::mutex mu_;
  std::multimap<FsOp, Rule> rules_;
  std::vector<PathRule> path_rules_;
  std::map<FsOp, int64_t> counts_;
  int64_t injected_ = 0;
  int64_t latency_us_ = 0;
};

}  // namespace lakestream::io
