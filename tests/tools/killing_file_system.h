// KillingFileSystem: a FileSystem wrapper for crash tests that kills its own
// process (SIGKILL, as `kill -9` would) just before or just after a Delta log
// write (PutIfAbsent of a path containing "/_delta_log/"), with a given
// probability at each of those two points. A streaming batch commits the
// quarantine table, then the events table, then the SCD2 dimension, each
// with one log write, so the kill lands in every crash window of the commit
// path: data files written and nothing committed, quarantine committed and
// events not, events committed and the dimension or the Kafka offsets not.
//
// Test-only: built into tests/tools/crash_ingest (never installed, never in
// the `lakestream` binary). Before dying it prints
// "ingest: test crash point <before|after> <path>: SIGKILL" to stderr.
//
// Thread-safety: as the wrapped FileSystem; the random draw is guarded by a
// mutex. Ownership: shares the wrapped FileSystem.
#pragma once

#include <memory>
#include <mutex>
#include <random>
#include <string>

#include "io/file_system.h"

namespace lakestream::testing {

class KillingFileSystem final : public io::FileSystem {
 public:
  // `percent` in [0, 100]: the chance of dying at each point.
  KillingFileSystem(std::shared_ptr<io::FileSystem> base, double percent, uint64_t seed);

  Result<std::unique_ptr<io::RandomAccessFile>> OpenForRead(const std::string& path) override {
    return base_->OpenForRead(path);
  }
  Result<std::unique_ptr<io::WritableFile>> OpenForWrite(const std::string& path) override {
    return base_->OpenForWrite(path);
  }
  Result<std::unique_ptr<io::WritableFile>> OpenForWriteTiered(const std::string& path,
                                                               io::StorageTier tier) override {
    return base_->OpenForWriteTiered(path, tier);
  }
  Status PutIfAbsent(const std::string& path, std::string_view data) override;
  Result<std::vector<io::FileInfo>> List(const std::string& prefix) override {
    return base_->List(prefix);
  }
  Result<io::FileInfo> Stat(const std::string& path) override { return base_->Stat(path); }
  Status Delete(const std::string& path) override { return base_->Delete(path); }
  bool SupportsTiers() const override { return base_->SupportsTiers(); }
  Status SetTier(const std::string& path, io::StorageTier tier) override {
    return base_->SetTier(path, tier);
  }
  Status Copy(const std::string& from, const std::string& to) override {
    return base_->Copy(from, to);
  }

 private:
  void MaybeDie(const char* when, const std::string& path);

  std::shared_ptr<io::FileSystem> base_;
  double percent_;
  std::mutex mu_;
  std::mt19937_64 rng_;
};

}  // namespace lakestream::testing
