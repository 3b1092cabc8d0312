#include "io/file_system_resolver.h"

#include "io/azure_file_system.h"
#include "io/azure_uri.h"

namespace lakestream::io {
namespace {

// "scheme" of "scheme://..." or empty.
std::string_view UriScheme(std::string_view uri) {
  size_t p = uri.find("://");
  if (p == std::string_view::npos || p == 0) return {};
  for (size_t i = 0; i < p; ++i) {
    char c = uri[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
    if (!ok) return {};
  }
  return uri.substr(0, p);
}

std::shared_ptr<FileSystem> Local() {
  static std::shared_ptr<FileSystem> local = NewLocalFileSystem();
  return local;
}

class RoutingFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<RandomAccessFile>> OpenForRead(const std::string& path) override {
    ASSIGN_OR_RETURN(auto fs, FileSystemForUri(path));
    return fs->OpenForRead(path);
  }
  Result<std::unique_ptr<WritableFile>> OpenForWrite(const std::string& path) override {
    ASSIGN_OR_RETURN(auto fs, FileSystemForUri(path));
    return fs->OpenForWrite(path);
  }
  Result<std::unique_ptr<WritableFile>> OpenForWriteTiered(const std::string& path,
                                                           StorageTier tier) override {
    ASSIGN_OR_RETURN(auto fs, FileSystemForUri(path));
    return fs->OpenForWriteTiered(path, tier);
  }
  Status PutIfAbsent(const std::string& path, std::string_view data) override {
    ASSIGN_OR_RETURN(auto fs, FileSystemForUri(path));
    return fs->PutIfAbsent(path, data);
  }
  Result<std::vector<FileInfo>> List(const std::string& prefix) override {
    ASSIGN_OR_RETURN(auto fs, FileSystemForUri(prefix));
    return fs->List(prefix);
  }
  Result<FileInfo> Stat(const std::string& path) override {
    ASSIGN_OR_RETURN(auto fs, FileSystemForUri(path));
    return fs->Stat(path);
  }
  Status Delete(const std::string& path) override {
    ASSIGN_OR_RETURN(auto fs, FileSystemForUri(path));
    return fs->Delete(path);
  }
  // Tiers exist for some paths only; SetTier answers per path.
  bool SupportsTiers() const override { return true; }
  Status SetTier(const std::string& path, StorageTier tier) override {
    ASSIGN_OR_RETURN(auto fs, FileSystemForUri(path));
    return fs->SetTier(path, tier);
  }
  Status Copy(const std::string& from, const std::string& to) override {
    ASSIGN_OR_RETURN(auto a, FileSystemForUri(from));
    ASSIGN_OR_RETURN(auto b, FileSystemForUri(to));
    if (a == b) return a->Copy(from, to);
    return FileSystem::Copy(from, to);
  }
};

}  // namespace

Result<std::shared_ptr<FileSystem>> FileSystemForUri(std::string_view uri) {
  std::string_view scheme = UriScheme(uri);
  if (scheme.empty() || scheme == "file") return Local();
  if (IsAzureUri(uri)) {
    ASSIGN_OR_RETURN(auto azure, DefaultAzureFileSystem());
    return std::shared_ptr<FileSystem>(azure);
  }
  return Status::NotSupported("io: " + std::string(uri) + ": URI scheme " + std::string(scheme) +
                              " (supported: local paths, file://, az://, abfss://, abfs://, "
                              "wasbs://, wasb://)");
}

std::shared_ptr<FileSystem> NewRoutingFileSystem() { return std::make_shared<RoutingFileSystem>(); }

Result<std::string> CanonicalLocation(std::string_view uri) {
  if (!IsAzureUri(uri)) return std::string(uri);
  ASSIGN_OR_RETURN(AzureLocation loc, ParseAzureUri(uri));
  while (!loc.blob.empty() && loc.blob.back() == '/') loc.blob.pop_back();
  return CanonicalAzureUri(loc);
}

}  // namespace lakestream::io
