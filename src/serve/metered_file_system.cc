#include "serve/metered_file_system.h"

#include <array>

namespace lakestream::serve {
namespace {

enum Op { kOpenRead, kRead, kOpenWrite, kAppend, kClose, kPut, kList, kStat, kDelete, kTier, kOps };
constexpr std::array<const char*, kOps> kOpNames = {
    "open_read",     "read", "open_write", "append", "close",
    "put_if_absent", "list", "stat",       "delete", "set_tier"};

struct Meters {
  std::array<metrics::Counter*, kOps> requests{};
  std::array<metrics::Counter*, kOps> errors{};
  void Count(Op op, const Status& st) {
    requests[op]->Inc();
    if (st.ok()) return;
    if (st.IsNotFound() && (op == kStat || op == kOpenRead || op == kDelete)) return;
    if (st.IsAlreadyExists() && op == kPut) return;
    errors[op]->Inc();
  }
};

class MeteredReadFile final : public io::RandomAccessFile {
 public:
  MeteredReadFile(std::unique_ptr<io::RandomAccessFile> f, std::shared_ptr<Meters> m)
      : f_(std::move(f)), m_(std::move(m)) {}
  Result<size_t> ReadAt(uint64_t offset, size_t n, char* scratch) const override {
    Result<size_t> r = f_->ReadAt(offset, n, scratch);
    m_->Count(kRead, r.status());
    return r;
  }
  Result<uint64_t> Size() const override { return f_->Size(); }
  const std::string& path() const override { return f_->path(); }

 private:
  std::unique_ptr<io::RandomAccessFile> f_;
  std::shared_ptr<Meters> m_;
};

class MeteredWriteFile final : public io::WritableFile {
 public:
  MeteredWriteFile(std::unique_ptr<io::WritableFile> f, std::shared_ptr<Meters> m)
      : f_(std::move(f)), m_(std::move(m)) {}
  Status Append(std::string_view data) override {
    Status st = f_->Append(data);
    if (!st.ok()) m_->Count(kAppend, st);  // appends are buffered: count failures only
    return st;
  }
  Status Close() override {
    Status st = f_->Close();
    m_->Count(kClose, st);
    return st;
  }
  uint64_t BytesWritten() const override { return f_->BytesWritten(); }

 private:
  std::unique_ptr<io::WritableFile> f_;
  std::shared_ptr<Meters> m_;
};

class MeteredFileSystem final : public io::FileSystem {
 public:
  MeteredFileSystem(std::shared_ptr<io::FileSystem> base, std::shared_ptr<Meters> m)
      : base_(std::move(base)), m_(std::move(m)) {}

  Result<std::unique_ptr<io::RandomAccessFile>> OpenForRead(const std::string& path) override {
    auto r = base_->OpenForRead(path);
    m_->Count(kOpenRead, r.status());
    if (!r.ok()) return r.status();
    return std::unique_ptr<io::RandomAccessFile>(
        std::make_unique<MeteredReadFile>(std::move(*r), m_));
  }
  Result<std::unique_ptr<io::WritableFile>> OpenForWrite(const std::string& path) override {
    auto r = base_->OpenForWrite(path);
    m_->Count(kOpenWrite, r.status());
    if (!r.ok()) return r.status();
    return std::unique_ptr<io::WritableFile>(std::make_unique<MeteredWriteFile>(std::move(*r), m_));
  }
  Status PutIfAbsent(const std::string& path, std::string_view data) override {
    Status st = base_->PutIfAbsent(path, data);
    m_->Count(kPut, st);
    return st;
  }
  Result<std::vector<io::FileInfo>> List(const std::string& prefix) override {
    auto r = base_->List(prefix);
    m_->Count(kList, r.status());
    return r;
  }
  Result<io::FileInfo> Stat(const std::string& path) override {
    auto r = base_->Stat(path);
    m_->Count(kStat, r.status());
    return r;
  }
  Status Delete(const std::string& path) override {
    Status st = base_->Delete(path);
    m_->Count(kDelete, st);
    return st;
  }
  bool SupportsTiers() const override { return base_->SupportsTiers(); }
  Status SetTier(const std::string& path, io::StorageTier tier) override {
    Status st = base_->SetTier(path, tier);
    m_->Count(kTier, st);
    return st;
  }

 private:
  std::shared_ptr<io::FileSystem> base_;
  std::shared_ptr<Meters> m_;
};

}  // namespace

Result<std::shared_ptr<io::FileSystem>> NewMeteredFileSystem(std::shared_ptr<io::FileSystem> base,
                                                             metrics::Registry* registry) {
  ASSIGN_OR_RETURN(auto* req, registry->AddCounter("lakestream_storage_requests_total",
                                                   "Storage requests by operation", {"op"}));
  ASSIGN_OR_RETURN(auto* err, registry->AddCounter("lakestream_storage_errors_total",
                                                   "Failed storage requests by operation (expected "
                                                   "NotFound/AlreadyExists outcomes excluded)",
                                                   {"op"}));
  auto m = std::make_shared<Meters>();
  for (int i = 0; i < kOps; ++i) {
    m->requests[i] = &req->WithLabels({kOpNames[i]});
    m->errors[i] = &err->WithLabels({kOpNames[i]});
  }
  return std::shared_ptr<io::FileSystem>(std::make_shared<MeteredFileSystem>(std::move(base), m));
}

}  // namespace lakestream::serve
