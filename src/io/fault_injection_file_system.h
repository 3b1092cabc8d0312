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

  explicit FaultInjectionFileSystem(std::shared_ptr<FileSystem> base);

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

  // Counts the call and decides its fate. Used by the writable-file wrapper.
  // Returns the fault to inject, or nullopt to go ahead.
  std::optional<Fault> Enter(FsOp op, const std::string& path);
  static Status FaultStatus(FsOp op, const std::string& path, Fault fault);

 private:
  struct Rule {
    int64_t start = 0;  // matching-call number at which failures begin (1-based)
    int64_t count = 1;  // < 0: forever
    Fault fault = Fault::kIOError;
    std::string path_filter;
    int64_t seen = 0;  // matching calls so far
    std::function<void()> action;  // BeforeNth: run instead of failing, once
  };

  std::shared_ptr<FileSystem> base_;
  mutable std::mutex mu_;
  std::multimap<FsOp, Rule> rules_;
  std::map<FsOp, int64_t> counts_;
  int64_t injected_ = 0;
  int64_t latency_us_ = 0;
};

}  // namespace lakestream::io
