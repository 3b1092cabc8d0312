#include "io/file_system.h"

#include <algorithm>

namespace lakestream::io {

Status RandomAccessFile::ReadExactly(uint64_t offset, size_t n, char* scratch) const {
  ASSIGN_OR_RETURN(size_t got, ReadAt(offset, n, scratch));
  if (got != n) {
    return Status::Corruption("io: " + path() + ": short read at offset " + std::to_string(offset) +
                              ": wanted " + std::to_string(n) + " bytes, got " +
                              std::to_string(got));
  }
  return Status::OK();
}

const char* StorageTierName(StorageTier tier) {
  switch (tier) {
    case StorageTier::kHot:
      return "Hot";
    case StorageTier::kCool:
      return "Cool";
    case StorageTier::kCold:
      return "Cold";
    case StorageTier::kArchive:
      return "Archive";
  }
  return "?";
}

Status FileSystem::SetTier(const std::string& path, StorageTier tier) {
  return Status::NotSupported("io: " + path + ": this storage has no access tiers (asked for " +
                              StorageTierName(tier) + ")");
}

Result<std::unique_ptr<WritableFile>> FileSystem::OpenForWriteTiered(const std::string& path,
                                                                     StorageTier tier) {
  return Status::NotSupported("io: " + path + ": this storage has no access tiers (asked for " +
                              StorageTierName(tier) + ")");
}

Status FileSystem::Copy(const std::string& from, const std::string& to) {
  ASSIGN_OR_RETURN(auto in, OpenForRead(from));
  ASSIGN_OR_RETURN(uint64_t size, in->Size());
  ASSIGN_OR_RETURN(auto out, OpenForWrite(to));
  std::string buf(std::min<uint64_t>(size, 4u << 20), '\0');
  for (uint64_t off = 0; off < size;) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(buf.size(), size - off));
    RETURN_IF_ERROR(in->ReadExactly(off, n, buf.data()));
    RETURN_IF_ERROR(out->Append(std::string_view(buf.data(), n)));
    off += n;
  }
  return out->Close();
}

Result<std::string> FileSystem::ReadFile(const std::string& path) {
  ASSIGN_OR_RETURN(auto file, OpenForRead(path));
  ASSIGN_OR_RETURN(uint64_t size, file->Size());
  std::string data(size, '\0');
  RETURN_IF_ERROR(file->ReadExactly(0, size, data.data()));
  return data;
}

Status FileSystem::WriteFile(const std::string& path, std::string_view data) {
  ASSIGN_OR_RETURN(auto file, OpenForWrite(path));
  RETURN_IF_ERROR(file->Append(data));
  return file->Close();
}

Result<bool> FileSystem::Exists(const std::string& path) {
  Result<FileInfo> info = Stat(path);
  if (info.ok()) return true;
  if (info.status().IsNotFound()) return false;
  return info.status();
}

}  // namespace lakestream::io
