// AzureFileSystem: io::FileSystem over Azure Blob Storage (and ADLS Gen2
// accounts, through their Blob endpoint), speaking the REST API with libcurl.
//
// Paths are Azure URIs (azure_uri.h), canonically az://account/container/blob.
// One instance serves every account; each account's credential is resolved
// on first use (azure_credentials.h). Mapping of the FileSystem contract:
//   OpenForRead   Get Blob Properties, then ranged Get Blob (x-ms-range)
//                 conditioned on the ETag, so a replaced blob is noticed
//   OpenForWrite  Put Blob when the file fits one block; otherwise Put Block
//                 per block (one block buffered at a time) and Put Block List
//                 at Close. Uncommitted blocks are invisible: a writer that
//                 fails or is destroyed before Close leaves nothing behind.
//   PutIfAbsent   Put Blob with If-None-Match: * (409/412 -> AlreadyExists,
//                 unless the blob holds exactly our bytes: then an attempt of
//                 ours whose response was lost created it, and it is OK)
//   List          List Blobs with prefix, following NextMarker pages
//   Stat/Delete   Get Blob Properties / Delete Blob
//   SetTier       Set Blob Tier; OpenForWriteTiered uploads with x-ms-access-tier
//   Copy          Copy Blob within an account (server side), else streamed
//
// Thread-safety: safe for concurrent use. Ownership: files returned share
// the client and must not outlive this FileSystem.
#pragma once

#include <memory>
#include <string>

#include "io/azure_blob_client.h"
#include "io/file_system.h"

namespace lakestream::io {

class AzureFileSystem final : public FileSystem,
                              public std::enable_shared_from_this<AzureFileSystem> {
 public:
  explicit AzureFileSystem(AzureOptions options);

  Result<std::unique_ptr<RandomAccessFile>> OpenForRead(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> OpenForWrite(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> OpenForWriteTiered(const std::string& path,
                                                           StorageTier tier) override;
  Status PutIfAbsent(const std::string& path, std::string_view data) override;
  Result<std::vector<FileInfo>> List(const std::string& prefix) override;
  Result<FileInfo> Stat(const std::string& path) override;
  Status Delete(const std::string& path) override;
  bool SupportsTiers() const override { return true; }
  Status SetTier(const std::string& path, StorageTier tier) override;
  Status Copy(const std::string& from, const std::string& to) override;

  // Creates the container named by `uri` (az://account/container); OK if it
  // already exists.
  Status CreateContainer(const std::string& uri);
  // The tier of a blob as the service reports it ("Hot", "Archive", ...).
  Result<std::string> GetTier(const std::string& path);

  AzureBlobClient* client() { return &client_; }

 private:
  AzureBlobClient client_;
};

// A shared AzureFileSystem configured from the environment
// (AzureOptionsFromEnvironment); the same instance on every call.
Result<std::shared_ptr<AzureFileSystem>> DefaultAzureFileSystem();

}  // namespace lakestream::io
