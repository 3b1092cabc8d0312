// Byte copies of files between io::FileSystems (possibly two storage
// accounts), streamed in chunks so large data files never sit in memory.
//
// Thread-safety: a pure function of the storages.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "io/file_system.h"

namespace lakestream::maintenance {

// Copies `src` on `from` to `dst` on `to` (replacing it); the copy is
// published only when complete (io::WritableFile::Close). Returns the bytes
// copied. Errors name both paths; Corruption if the source changes size
// while it is copied.
Result<int64_t> CopyFile(io::FileSystem& from, const std::string& src, io::FileSystem& to,
                         const std::string& dst);

}  // namespace lakestream::maintenance
