// FileSystem: the one seam every byte lakestream reads or writes goes through.
//
// Backends: LocalFileSystem (POSIX), MemoryFileSystem (tests), AzureFileSystem
// (Blob Storage / ADLS Gen2) and fault-injecting wrappers. Paths are '/'-separated strings; a
// backend maps them onto its own namespace. There are no directories to
// create: writing "a/b/c" makes whatever parents the backend needs.
//
// Thread-safety: FileSystem implementations are safe for concurrent use.
// A RandomAccessFile is safe for concurrent ReadAt calls. A WritableFile is
// used by one thread at a time.
// Ownership: files returned by Open* are owned by the caller and must not
// outlive the FileSystem that made them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace lakestream::io {

class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads up to n bytes at offset into scratch. Returns the number read,
  // which is less than n only at end of file.
  virtual Result<size_t> ReadAt(uint64_t offset, size_t n, char* scratch) const = 0;
  virtual Result<uint64_t> Size() const = 0;
  virtual const std::string& path() const = 0;

  // Reads exactly n bytes at offset; Corruption ("short read") otherwise.
  Status ReadExactly(uint64_t offset, size_t n, char* scratch) const;
};

// Sequential writer. The file is visible under its final name only after
// Close() returns OK; a writer destroyed without Close() leaves nothing behind
// under that name (backends write to a temporary name and rename).
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::string_view data) = 0;
  // Makes the bytes durable and publishes the file under its name.
  virtual Status Close() = 0;
  virtual uint64_t BytesWritten() const = 0;
};

// Access tiers of object stores that have them (Azure Blob: Hot, Cool, Cold,
// Archive). Backends without tiers (local disk, memory) store every file alike.
enum class StorageTier { kHot, kCool, kCold, kArchive };
const char* StorageTierName(StorageTier tier);

struct FileInfo {
  std::string path;  // full path as given to the FileSystem
  uint64_t size = 0;
  int64_t mtime_ms = 0;  // last modification, milliseconds since the epoch
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  virtual Result<std::unique_ptr<RandomAccessFile>> OpenForRead(const std::string& path) = 0;
  // Creates or replaces `path` when the returned writer is closed.
  virtual Result<std::unique_ptr<WritableFile>> OpenForWrite(const std::string& path) = 0;
  // Like OpenForWrite, but the file is stored in `tier` from the start (Azure:
  // uploaded with x-ms-access-tier). NotSupported on backends without tiers.
  virtual Result<std::unique_ptr<WritableFile>> OpenForWriteTiered(const std::string& path,
                                                                   StorageTier tier);

  // Atomically creates `path` with `data` only if nothing exists there.
  // Returns AlreadyExists if it does; the existing file is untouched. This is
  // the primitive Delta commits are built on.
  virtual Status PutIfAbsent(const std::string& path, std::string_view data) = 0;

  // Lists the files (not directories) whose path starts with `prefix`,
  // recursively, sorted by path. A prefix naming nothing yields an empty list.
  virtual Result<std::vector<FileInfo>> List(const std::string& prefix) = 0;

  // NotFound if there is no such file.
  virtual Result<FileInfo> Stat(const std::string& path) = 0;
  // NotFound if there is no such file.
  virtual Status Delete(const std::string& path) = 0;

  // Whether SetTier does anything on this backend.
  virtual bool SupportsTiers() const { return false; }
  // Moves an existing file to `tier`. NotSupported on backends without tiers
  // (callers check SupportsTiers() first); NotFound if there is no such file.
  virtual Status SetTier(const std::string& path, StorageTier tier);

  // Copies `from` to `to` (created or replaced). The default streams the
  // bytes through this process; object stores copy server side.
  virtual Status Copy(const std::string& from, const std::string& to);

  // Convenience built on the primitives above.
  Result<std::string> ReadFile(const std::string& path);
  Status WriteFile(const std::string& path, std::string_view data);
  Result<bool> Exists(const std::string& path);
};

// The local disk. Paths are POSIX paths (absolute or relative to the cwd);
// a "file://" prefix is accepted and stripped.
std::shared_ptr<FileSystem> NewLocalFileSystem();

// A process-local in-memory filesystem for tests.
std::shared_ptr<FileSystem> NewMemoryFileSystem();

// Azure Blob Storage: see io/azure_file_system.h; how a URI picks its
// FileSystem: io/file_system_resolver.h.

}  // namespace lakestream::io
