// LocalFileSystem: FileSystem over POSIX calls.
//
// Writers go to "<path>.tmp-<random>" and are renamed into place on Close(),
// after fsync, so a crash never leaves a half-written file under its name.
// PutIfAbsent writes a temp file and link()s it to the final name: link()
// fails with EEXIST atomically if the name is taken.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <random>

#include "io/file_system.h"

namespace lakestream::io {
namespace {

// "file:///x" and "file://localhost/x" are /x. "file://host/x" names a host, not a local
// path: it is left as is (and so not found), never read as the relative path host/x.
std::string StripScheme(const std::string& path) {
  if (path.rfind("file:///", 0) == 0) return path.substr(7);
  if (path.rfind("file://localhost/", 0) == 0) return path.substr(16);
  return path;
}

Status ErrnoStatus(const std::string& context, int err) {
  std::string msg = "io: " + context + ": " + std::strerror(err);
  if (err == ENOENT) return Status::NotFound(msg);
  if (err == EEXIST) return Status::AlreadyExists(msg);
  if (err == EAGAIN || err == EINTR) return Status::Unavailable(msg);
  return Status::IOError(msg);
}

Status MakeParents(const std::string& path) {
  for (size_t pos = path.find('/', 1); pos != std::string::npos; pos = path.find('/', pos + 1)) {
    std::string dir = path.substr(0, pos);
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return ErrnoStatus(dir, errno);
  }
  return Status::OK();
}

std::string TempName(const std::string& path) {
  static std::atomic<uint64_t> counter{0};
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
         std::to_string(rng() % 1000000);
}

Status WriteAll(int fd, const std::string& path, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(path, errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::OK();
}

class LocalRandomAccessFile final : public RandomAccessFile {
 public:
  LocalRandomAccessFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~LocalRandomAccessFile() override { ::close(fd_); }

  Result<size_t> ReadAt(uint64_t offset, size_t n, char* scratch) const override {
    size_t done = 0;
    while (done < n) {
      ssize_t r = ::pread(fd_, scratch + done, n - done, static_cast<off_t>(offset + done));
      if (r < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus(path_, errno);
      }
      if (r == 0) break;
      done += static_cast<size_t>(r);
    }
    return done;
  }

  Result<uint64_t> Size() const override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return ErrnoStatus(path_, errno);
    return static_cast<uint64_t>(st.st_size);
  }

  const std::string& path() const override { return path_; }

 private:
  std::string path_;
  int fd_;
};

class LocalWritableFile final : public WritableFile {
 public:
  LocalWritableFile(std::string path, std::string tmp, int fd)
      : path_(std::move(path)), tmp_(std::move(tmp)), fd_(fd) {}
  ~LocalWritableFile() override {
    if (fd_ >= 0) {
      ::close(fd_);
      ::unlink(tmp_.c_str());
    }
  }

  Status Append(std::string_view data) override {
    if (fd_ < 0) return Status::InvalidArgument("io: " + path_ + ": append after close");
    // Small appends are gathered so the encoder can write field by field.
    if (buffer_.size() + data.size() > kBufferSize) RETURN_IF_ERROR(FlushBuffer());
    if (data.size() >= kBufferSize) {
      RETURN_IF_ERROR(WriteAll(fd_, path_, data));
    } else {
      buffer_.append(data);
    }
    written_ += data.size();
    return Status::OK();
  }

  Status Close() override {
    if (fd_ < 0) return Status::InvalidArgument("io: " + path_ + ": closed twice");
    Status s = FlushBuffer();
    if (s.ok() && ::fsync(fd_) != 0) s = ErrnoStatus(path_, errno);
    ::close(fd_);
    fd_ = -1;
    if (s.ok() && ::rename(tmp_.c_str(), path_.c_str()) != 0) s = ErrnoStatus(path_, errno);
    if (!s.ok()) ::unlink(tmp_.c_str());
    return s;
  }

  uint64_t BytesWritten() const override { return written_; }

 private:
  static constexpr size_t kBufferSize = 1 << 20;
  Status FlushBuffer() {
    Status s = WriteAll(fd_, path_, buffer_);
    buffer_.clear();
    return s;
  }
  std::string path_, tmp_;
  int fd_;
  std::string buffer_;
  uint64_t written_ = 0;
};

class LocalFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<RandomAccessFile>> OpenForRead(const std::string& p) override {
    std::string path = StripScheme(p);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus(path, errno);
    struct stat st;
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
      ::close(fd);
      return Status::InvalidArgument("io: " + path + ": is a directory");
    }
    return std::unique_ptr<RandomAccessFile>(new LocalRandomAccessFile(path, fd));
  }

  Result<std::unique_ptr<WritableFile>> OpenForWrite(const std::string& p) override {
    std::string path = StripScheme(p);
    RETURN_IF_ERROR(MakeParents(path));
    std::string tmp = TempName(path);
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoStatus(tmp, errno);
    return std::unique_ptr<WritableFile>(new LocalWritableFile(path, tmp, fd));
  }

  Status PutIfAbsent(const std::string& p, std::string_view data) override {
    std::string path = StripScheme(p);
    RETURN_IF_ERROR(MakeParents(path));
    std::string tmp = TempName(path);
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoStatus(tmp, errno);
    Status s = WriteAll(fd, tmp, data);
    if (s.ok() && ::fsync(fd) != 0) s = ErrnoStatus(tmp, errno);
    ::close(fd);
    if (s.ok() && ::link(tmp.c_str(), path.c_str()) != 0) {
      s = errno == EEXIST ? Status::AlreadyExists("io: " + path + ": already exists")
                          : ErrnoStatus(path, errno);
    }
    ::unlink(tmp.c_str());
    return s;
  }

  Result<std::vector<FileInfo>> List(const std::string& p) override {
    std::string prefix = StripScheme(p);
    // Walk from the deepest existing directory that the prefix names.
    std::string root = prefix;
    while (root.size() > 1 && root.back() == '/') root.pop_back();
    struct stat st;
    if (::stat(root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      size_t slash = root.rfind('/');
      root = slash == std::string::npos ? "." : (slash == 0 ? "/" : root.substr(0, slash));
    }
    std::vector<FileInfo> out;
    RETURN_IF_ERROR(Walk(root, prefix, &out));
    std::sort(out.begin(), out.end(),
              [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
    return out;
  }

  Result<FileInfo> Stat(const std::string& p) override {
    std::string path = StripScheme(p);
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return ErrnoStatus(path, errno);
    if (S_ISDIR(st.st_mode)) return Status::NotFound("io: " + path + ": is a directory");
    return FileInfo{p, static_cast<uint64_t>(st.st_size),
                    st.st_mtim.tv_sec * 1000LL + st.st_mtim.tv_nsec / 1000000};
  }

  Status Delete(const std::string& p) override {
    std::string path = StripScheme(p);
    if (::unlink(path.c_str()) != 0) return ErrnoStatus(path, errno);
    return Status::OK();
  }

 private:
  Status Walk(const std::string& dir, const std::string& prefix, std::vector<FileInfo>* out) {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) {
      if (errno == ENOENT || errno == ENOTDIR) return Status::OK();
      return ErrnoStatus(dir, errno);
    }
    Status s;
    while (struct dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      std::string full = dir == "." && prefix.rfind("./", 0) != 0 ? name
                         : dir == "/"                             ? "/" + name
                                                                  : dir + "/" + name;
      struct stat st;
      if (::stat(full.c_str(), &st) != 0) continue;  // raced with a delete
      if (S_ISDIR(st.st_mode)) {
        // Descend only where the prefix can still match.
        std::string as_dir = full + "/";
        bool may_match = as_dir.compare(0, std::min(as_dir.size(), prefix.size()), prefix, 0,
                                        std::min(as_dir.size(), prefix.size())) == 0;
        if (may_match) {
          s = Walk(full, prefix, out);
          if (!s.ok()) break;
        }
      } else if (full.rfind(prefix, 0) == 0) {
        out->push_back(FileInfo{full, static_cast<uint64_t>(st.st_size),
                                st.st_mtim.tv_sec * 1000LL + st.st_mtim.tv_nsec / 1000000});
      }
    }
    ::closedir(d);
    return s;
  }
};

}  // namespace

std::shared_ptr<FileSystem> NewLocalFileSystem() { return std::make_shared<LocalFileSystem>(); }

}  // namespace lakestream::io
