#include "io/azure_file_system.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>

#include "common/base64.h"
#include "common/uuid.h"
#include "io/azure_uri.h"
#include "io/azure_xml.h"

namespace lakestream::io {
namespace {

Result<AzureLocation> ParseBlobPath(const std::string& path) {
  ASSIGN_OR_RETURN(AzureLocation loc, ParseAzureUri(path));
  if (loc.blob.empty() || loc.blob.back() == '/') {
    return Status::InvalidArgument("azure: " + path +
                                   ": names a container or directory, not a file");
  }
  return loc;
}

AzureCall MakeCall(const char* method, const AzureLocation& loc) {
  AzureCall c;
  c.method = method;
  c.account = loc.account;
  c.container = loc.container;
  c.blob = loc.blob;
  return c;
}

class AzureReadFile final : public RandomAccessFile {
 public:
  AzureReadFile(std::shared_ptr<AzureFileSystem> fs, std::string path, AzureLocation loc,
                uint64_t size, std::string etag)
      : fs_(std::move(fs)),
        path_(std::move(path)),
        loc_(std::move(loc)),
        size_(size),
        etag_(std::move(etag)) {}

  Result<size_t> ReadAt(uint64_t offset, size_t n, char* scratch) const override {
    if (offset >= size_ || n == 0) return size_t{0};
    size_t want = static_cast<size_t>(std::min<uint64_t>(n, size_ - offset));
    AzureCall call = MakeCall("GET", loc_);
    call.headers.emplace_back(
        "x-ms-range", "bytes=" + std::to_string(offset) + "-" + std::to_string(offset + want - 1));
    if (!etag_.empty()) call.headers.emplace_back("If-Match", etag_);
    call.sink = scratch;
    call.sink_capacity = want;
    ASSIGN_OR_RETURN(AzureOutcome out, fs_->client()->Execute(call));
    long s = out.response.status;
    if (s == 412) {
      return Status::Unavailable("azure: " + path_ +
                                 ": the blob was replaced while being read (ETag changed)");
    }
    if (s != 200 && s != 206) return fs_->client()->ErrorFor(path_, call, out);
    if (out.response.sink_bytes != want) {
      return Status::Corruption("azure: " + path_ + ": ranged read at " + std::to_string(offset) +
                                " returned " + std::to_string(out.response.sink_bytes) +
                                " bytes, wanted " + std::to_string(want));
    }
    return want;
  }
  Result<uint64_t> Size() const override { return size_; }
  const std::string& path() const override { return path_; }

 private:
  std::shared_ptr<AzureFileSystem> fs_;
  std::string path_;
  AzureLocation loc_;
  uint64_t size_;
  std::string etag_;
};

class AzureWriteFile final : public WritableFile {
 public:
  AzureWriteFile(std::shared_ptr<AzureFileSystem> fs, std::string path, AzureLocation loc,
                 std::optional<StorageTier> tier)
      : fs_(std::move(fs)),
        path_(std::move(path)),
        loc_(std::move(loc)),
        tier_(tier),
        block_size_(fs_->client()->options().block_size),
        writer_id_(NewUuid().substr(0, 16)) {}

  Status Append(std::string_view data) override {
    if (closed_) return Status::InvalidArgument("azure: " + path_ + ": append after close");
    if (!failed_.ok()) return failed_;
    while (!data.empty()) {
      if (buffer_.capacity() < block_size_) buffer_.reserve(block_size_);
      size_t n = std::min<size_t>(data.size(), block_size_ - buffer_.size());
      buffer_.append(data.substr(0, n));
      data.remove_prefix(n);
      written_ += n;
      if (buffer_.size() == block_size_) {
        failed_ = PutBlock();
        RETURN_IF_ERROR(failed_);
      }
    }
    return Status::OK();
  }

  Status Close() override {
    if (closed_) return Status::InvalidArgument("azure: " + path_ + ": closed twice");
    closed_ = true;
    RETURN_IF_ERROR(failed_);
    if (block_ids_.empty()) {  // small file: one Put Blob
      AzureCall call = MakeCall("PUT", loc_);
      call.headers.emplace_back("x-ms-blob-type", "BlockBlob");
      if (tier_) call.headers.emplace_back("x-ms-access-tier", StorageTierName(*tier_));
      call.body = buffer_;
      ASSIGN_OR_RETURN(AzureOutcome out, fs_->client()->Execute(call));
      if (out.response.status != 201) return fs_->client()->ErrorFor(path_, call, out);
      std::string().swap(buffer_);
      return Status::OK();
    }
    if (!buffer_.empty()) RETURN_IF_ERROR(PutBlock());
    std::string xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>";
    for (const auto& id : block_ids_) xml += "<Latest>" + id + "</Latest>";
    xml += "</BlockList>";
    AzureCall call = MakeCall("PUT", loc_);
    call.query.emplace_back("comp", "blocklist");
    call.headers.emplace_back("Content-Type", "application/xml");
    if (tier_) call.headers.emplace_back("x-ms-access-tier", StorageTierName(*tier_));
    call.body = xml;
    ASSIGN_OR_RETURN(AzureOutcome out, fs_->client()->Execute(call));
    if (out.response.status != 201) return fs_->client()->ErrorFor(path_, call, out);
    return Status::OK();
  }

  uint64_t BytesWritten() const override { return written_; }

 private:
  Status PutBlock() {
    char raw[32];
    snprintf(raw, sizeof raw, "%s-%08zu", writer_id_.c_str(), block_ids_.size());
    std::string id = Base64Encode(raw);
    AzureCall call = MakeCall("PUT", loc_);
    call.query.emplace_back("comp", "block");
    call.query.emplace_back("blockid", id);
    call.body = buffer_;
    ASSIGN_OR_RETURN(AzureOutcome out, fs_->client()->Execute(call));
    if (out.response.status != 201) {
      return fs_->client()->ErrorFor(path_ + " (block " + std::to_string(block_ids_.size()) + ")",
                                     call, out);
    }
    block_ids_.push_back(std::move(id));
    buffer_.clear();
    return Status::OK();
  }

  std::shared_ptr<AzureFileSystem> fs_;
  std::string path_;
  AzureLocation loc_;
  std::optional<StorageTier> tier_;
  size_t block_size_;
  std::string writer_id_;  // keeps block ids of concurrent writers of one name apart
  std::string buffer_;     // at most one block
  std::vector<std::string> block_ids_;
  uint64_t written_ = 0;
  bool closed_ = false;
  Status failed_;
};

}  // namespace

AzureFileSystem::AzureFileSystem(AzureOptions options) : client_(std::move(options)) {}

Result<FileInfo> AzureFileSystem::Stat(const std::string& path) {
  ASSIGN_OR_RETURN(AzureLocation loc, ParseBlobPath(path));
  AzureCall call = MakeCall("HEAD", loc);
  ASSIGN_OR_RETURN(AzureOutcome out, client_.Execute(call));
  if (out.response.status != 200) return client_.ErrorFor(path, call, out);
  FileInfo info;
  info.path = path;
  info.size = std::strtoull(out.response.Header("content-length").c_str(), nullptr, 10);
  info.mtime_ms = ParseHttpDateMs(out.response.Header("last-modified"));
  return info;
}

Result<std::unique_ptr<RandomAccessFile>> AzureFileSystem::OpenForRead(const std::string& path) {
  ASSIGN_OR_RETURN(AzureLocation loc, ParseBlobPath(path));
  AzureCall call = MakeCall("HEAD", loc);
  ASSIGN_OR_RETURN(AzureOutcome out, client_.Execute(call));
  if (out.response.status != 200) return client_.ErrorFor(path, call, out);
  if (out.response.Header("x-ms-access-tier") == "Archive") {
    return Status::IOError("azure: " + path +
                           ": the blob is in the Archive tier; rehydrate it before reading");
  }
  uint64_t size = std::strtoull(out.response.Header("content-length").c_str(), nullptr, 10);
  return std::unique_ptr<RandomAccessFile>(new AzureReadFile(
      shared_from_this(), path, std::move(loc), size, out.response.Header("etag")));
}

Result<std::unique_ptr<WritableFile>> AzureFileSystem::OpenForWrite(const std::string& path) {
  ASSIGN_OR_RETURN(AzureLocation loc, ParseBlobPath(path));
  return std::unique_ptr<WritableFile>(
      new AzureWriteFile(shared_from_this(), path, std::move(loc), std::nullopt));
}

Result<std::unique_ptr<WritableFile>> AzureFileSystem::OpenForWriteTiered(const std::string& path,
                                                                          StorageTier tier) {
  ASSIGN_OR_RETURN(AzureLocation loc, ParseBlobPath(path));
  return std::unique_ptr<WritableFile>(
      new AzureWriteFile(shared_from_this(), path, std::move(loc), tier));
}

Status AzureFileSystem::PutIfAbsent(const std::string& path, std::string_view data) {
  ASSIGN_OR_RETURN(AzureLocation loc, ParseBlobPath(path));
  AzureCall call = MakeCall("PUT", loc);
  call.headers.emplace_back("x-ms-blob-type", "BlockBlob");
  call.headers.emplace_back("If-None-Match", "*");
  call.body = data;
  ASSIGN_OR_RETURN(AzureOutcome out, client_.Execute(call));
  if (out.response.status == 201) return Status::OK();
  Status err = client_.ErrorFor(path, call, out);
  if (err.IsAlreadyExists()) {
    // An earlier attempt may have created the blob before its response was
    // lost, ours or one curl resent by itself on a fresh connection (so we
    // cannot always tell): the blob is ours if it holds exactly our bytes.
    // Delta commits carry a unique txnId, so another writer's never matches.
    Result<std::string> existing = ReadFile(path);
    if (existing.ok() && *existing == data) return Status::OK();
  }
  return err;
}

Result<std::vector<FileInfo>> AzureFileSystem::List(const std::string& prefix) {
  ASSIGN_OR_RETURN(AzureLocation loc, ParseAzureUri(prefix));
  // Results are named by the caller's prefix followed by the rest of the blob
  // name, so that they start with `prefix` whatever URI form it used.
  std::vector<FileInfo> files;
  std::string marker;
  do {
    AzureCall call;
    call.method = "GET";
    call.account = loc.account;
    call.container = loc.container;
    call.query = {{"restype", "container"},
                  {"comp", "list"},
                  {"include", "metadata"},
                  {"maxresults", std::to_string(client_.options().list_page_size)}};
    if (!loc.blob.empty()) call.query.emplace_back("prefix", loc.blob);
    if (!marker.empty()) call.query.emplace_back("marker", marker);
    ASSIGN_OR_RETURN(AzureOutcome out, client_.Execute(call));
    if (out.response.status != 200) return client_.ErrorFor(prefix, call, out);
    const std::string& xml = out.response.body;
    for (const XmlElement& blob : XmlFindAll(xml, "Blob")) {
      std::string name = XmlText(blob.inner, "Name");
      if (name.size() < loc.blob.size() || name.compare(0, loc.blob.size(), loc.blob) != 0) {
        return Status::Corruption("azure: " + prefix + ": listing returned '" + name +
                                  "', outside the prefix");
      }
      // ADLS Gen2 (hierarchical namespace) lists directories as blobs.
      if (XmlText(blob.inner, "ResourceType") == "directory" ||
          XmlText(blob.inner, "hdi_isfolder") == "true") {
        continue;
      }
      FileInfo f;
      f.path = prefix + name.substr(loc.blob.size());
      f.size = std::strtoull(XmlText(blob.inner, "Content-Length").c_str(), nullptr, 10);
      f.mtime_ms = ParseHttpDateMs(XmlText(blob.inner, "Last-Modified"));
      files.push_back(std::move(f));
    }
    marker = XmlText(xml, "NextMarker");
  } while (!marker.empty());
  std::sort(files.begin(), files.end(),
            [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
  return files;
}

Status AzureFileSystem::Delete(const std::string& path) {
  ASSIGN_OR_RETURN(AzureLocation loc, ParseBlobPath(path));
  AzureCall call = MakeCall("DELETE", loc);
  ASSIGN_OR_RETURN(AzureOutcome out, client_.Execute(call));
  if (out.response.status == 202 || out.response.status == 200) return Status::OK();
  Status err = client_.ErrorFor(path, call, out);
  // A retried delete whose first attempt went through finds nothing.
  if (err.IsNotFound() && out.ambiguous &&
      out.response.Header("x-ms-error-code") == "BlobNotFound") {
    return Status::OK();
  }
  return err;
}

Status AzureFileSystem::SetTier(const std::string& path, StorageTier tier) {
  ASSIGN_OR_RETURN(AzureLocation loc, ParseBlobPath(path));
  AzureCall call = MakeCall("PUT", loc);
  call.query.emplace_back("comp", "tier");
  call.headers.emplace_back("x-ms-access-tier", StorageTierName(tier));
  ASSIGN_OR_RETURN(AzureOutcome out, client_.Execute(call));
  if (out.response.status == 200 || out.response.status == 202) return Status::OK();
  return client_.ErrorFor(path, call, out);
}

Result<std::string> AzureFileSystem::GetTier(const std::string& path) {
  ASSIGN_OR_RETURN(AzureLocation loc, ParseBlobPath(path));
  AzureCall call = MakeCall("HEAD", loc);
  ASSIGN_OR_RETURN(AzureOutcome out, client_.Execute(call));
  if (out.response.status != 200) return client_.ErrorFor(path, call, out);
  return out.response.Header("x-ms-access-tier");
}

Status AzureFileSystem::Copy(const std::string& from, const std::string& to) {
  ASSIGN_OR_RETURN(AzureLocation src, ParseBlobPath(from));
  ASSIGN_OR_RETURN(AzureLocation dst, ParseBlobPath(to));
  if (src.account != dst.account) return FileSystem::Copy(from, to);
  ASSIGN_OR_RETURN(std::string source_url,
                   client_.AuthorizedBlobUrl(src.account, src.container, src.blob));
  AzureCall call = MakeCall("PUT", dst);
  call.headers.emplace_back("x-ms-copy-source", source_url);
  ASSIGN_OR_RETURN(AzureOutcome out, client_.Execute(call));
  if (out.response.status != 202 && out.response.status != 201) {
    return client_.ErrorFor(to + " (copy from " + from + ")", call, out);
  }
  std::string status = out.response.Header("x-ms-copy-status");
  for (int polls = 0; status == "pending"; ++polls) {
    if (polls > 600) return Status::Unavailable("azure: copy to " + to + " still pending");
    client_.options().clock->SleepForMillis(std::min(100 * (polls + 1), 2000));
    AzureCall head = MakeCall("HEAD", dst);
    ASSIGN_OR_RETURN(AzureOutcome h, client_.Execute(head));
    if (h.response.status != 200) return client_.ErrorFor(to, head, h);
    status = h.response.Header("x-ms-copy-status");
  }
  if (status != "success" && !status.empty()) {
    return Status::IOError("azure: copy " + from + " -> " + to + ": copy status " + status);
  }
  return Status::OK();
}

Status AzureFileSystem::CreateContainer(const std::string& uri) {
  ASSIGN_OR_RETURN(AzureLocation loc, ParseAzureUri(uri));
  AzureCall call;
  call.method = "PUT";
  call.account = loc.account;
  call.container = loc.container;
  call.query.emplace_back("restype", "container");
  ASSIGN_OR_RETURN(AzureOutcome out, client_.Execute(call));
  if (out.response.status == 201) return Status::OK();
  if (out.response.status == 409 &&
      out.response.Header("x-ms-error-code") == "ContainerAlreadyExists") {
    return Status::OK();
  }
  return client_.ErrorFor(uri, call, out);
}

Result<std::shared_ptr<AzureFileSystem>> DefaultAzureFileSystem() {
  static std::mutex mu;
  static std::shared_ptr<AzureFileSystem> instance;
  std::lock_guard<std::mutex> lock(mu);
  if (!instance) {
    ASSIGN_OR_RETURN(AzureOptions options, AzureOptionsFromEnvironment());
    instance = std::make_shared<AzureFileSystem>(std::move(options));
  }
  return instance;
}

}  // namespace lakestream::io
