// SpoolDir: the file seam under the collector's spool (spool.h), in the
// spirit of LevelDB's Env: append-only files that are made durable with an
// explicit Sync, positional reads, listing, removal and an atomically
// replaced small file (the replay cursor). io::FileSystem publishes a file
// only at Close, which cannot hold a log that grows by one fsync'd request
// at a time, hence this narrower interface.
//
// NewLocalSpoolDir is the POSIX implementation (write + fdatasync, and an
// fsync of the directory when a file is created or removed, so the entry
// itself survives a power loss). Tests wrap a SpoolDir to lose unsynced
// bytes or fail the Nth sync.
//
// Thread-safety: a SpoolDir is safe for concurrent use; an AppendFile is
// used by one thread at a time. Ownership: files must not outlive their dir.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace lakestream::collect {

class AppendFile {
 public:
  virtual ~AppendFile() = default;
  // Appends at the end (not yet durable). IOError naming the file.
  virtual Status Append(std::string_view data) = 0;
  // Makes every appended byte durable.
  virtual Status Sync() = 0;
};

class SpoolDir {
 public:
  virtual ~SpoolDir() = default;
  // Opens `name` for appending, creating it (and making its entry durable).
  virtual Result<std::unique_ptr<AppendFile>> OpenAppend(const std::string& name) = 0;
  // Up to `n` bytes at `offset` (fewer at the end of the file).
  virtual Result<std::string> ReadAt(const std::string& name, uint64_t offset, size_t n) = 0;
  virtual Result<uint64_t> Size(const std::string& name) = 0;
  // File names in the directory, sorted.
  virtual Result<std::vector<std::string>> List() = 0;
  virtual Status Remove(const std::string& name) = 0;
  // Replaces `name` with `data` atomically and durably (temp file, fsync, rename).
  virtual Status WriteAtomic(const std::string& name, std::string_view data) = 0;
  // NotFound when there is no such file.
  virtual Result<std::string> ReadWhole(const std::string& name) = 0;
};

// The directory `path` on the local disk, created when missing. IOError naming it.
Result<std::shared_ptr<SpoolDir>> NewLocalSpoolDir(const std::string& path);

}  // namespace lakestream::collect
