// MemoryFileSystem: a map from path to bytes, for tests.
#include <algorithm>
#include <map>
#include <mutex>

#include "io/file_system.h"

namespace lakestream::io {
namespace {

struct Entry {
  std::shared_ptr<const std::string> data;
  int64_t mtime_ms;
};

class MemoryFileSystem;

class MemoryRandomAccessFile final : public RandomAccessFile {
 public:
  MemoryRandomAccessFile(std::string path, std::shared_ptr<const std::string> data)
      : path_(std::move(path)), data_(std::move(data)) {}
  Result<size_t> ReadAt(uint64_t offset, size_t n, char* scratch) const override {
    if (offset >= data_->size()) return size_t{0};
    size_t got = std::min<uint64_t>(n, data_->size() - offset);
    std::copy_n(data_->data() + offset, got, scratch);
    return got;
  }
  Result<uint64_t> Size() const override { return static_cast<uint64_t>(data_->size()); }
  const std::string& path() const override { return path_; }

 private:
  std::string path_;
  std::shared_ptr<const std::string> data_;
};

class MemoryFileSystem final : public FileSystem,
                               public std::enable_shared_from_this<MemoryFileSystem> {
 public:
  Result<std::unique_ptr<RandomAccessFile>> OpenForRead(const std::string& path) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = files_.find(path);
    if (it == files_.end()) return Status::NotFound("io: " + path + ": no such file");
    return std::unique_ptr<RandomAccessFile>(new MemoryRandomAccessFile(path, it->second.data));
  }

  Result<std::unique_ptr<WritableFile>> OpenForWrite(const std::string& path) override;

  Status PutIfAbsent(const std::string& path, std::string_view data) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (files_.count(path)) return Status::AlreadyExists("io: " + path + ": already exists");
    files_[path] = Entry{std::make_shared<const std::string>(data), ++clock_};
    return Status::OK();
  }

  void Publish(const std::string& path, std::string data) {
    std::lock_guard<std::mutex> lock(mu_);
    files_[path] = Entry{std::make_shared<const std::string>(std::move(data)), ++clock_};
  }

  Result<std::vector<FileInfo>> List(const std::string& prefix) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<FileInfo> out;
    for (auto it = files_.lower_bound(prefix);
         it != files_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
      out.push_back(FileInfo{it->first, it->second.data->size(), it->second.mtime_ms});
    }
    return out;
  }

  Result<FileInfo> Stat(const std::string& path) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = files_.find(path);
    if (it == files_.end()) return Status::NotFound("io: " + path + ": no such file");
    return FileInfo{path, it->second.data->size(), it->second.mtime_ms};
  }

  Status Delete(const std::string& path) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (files_.erase(path) == 0) return Status::NotFound("io: " + path + ": no such file");
    return Status::OK();
  }

 private:
  std::mutex mu_;
  std::map<std::string, Entry> files_;
  int64_t clock_ = 0;  // a logical clock: mtimes are ordered, not wall time
};

class MemoryWritableFile final : public WritableFile {
 public:
  MemoryWritableFile(std::shared_ptr<MemoryFileSystem> fs, std::string path)
      : fs_(std::move(fs)), path_(std::move(path)) {}
  Status Append(std::string_view data) override {
    if (closed_) return Status::InvalidArgument("io: " + path_ + ": append after close");
    buffer_.append(data);
    return Status::OK();
  }
  Status Close() override {
    if (closed_) return Status::InvalidArgument("io: " + path_ + ": closed twice");
    closed_ = true;
    written_ = buffer_.size();
    fs_->Publish(path_, std::move(buffer_));
    return Status::OK();
  }
  uint64_t BytesWritten() const override { return closed_ ? written_ : buffer_.size(); }

 private:
  std::shared_ptr<MemoryFileSystem> fs_;
  std::string path_;
  std::string buffer_;
  uint64_t written_ = 0;
  bool closed_ = false;
};

Result<std::unique_ptr<WritableFile>> MemoryFileSystem::OpenForWrite(const std::string& path) {
  return std::unique_ptr<WritableFile>(new MemoryWritableFile(shared_from_this(), path));
}

}  // namespace

std::shared_ptr<FileSystem> NewMemoryFileSystem() { return std::make_shared<MemoryFileSystem>(); }

}  // namespace lakestream::io
