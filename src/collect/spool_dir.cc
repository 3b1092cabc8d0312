#include "collect/spool_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace lakestream::collect {
namespace {

Status Errno(const std::string& what, const std::string& path, int err) {
  return Status::IOError("spool: " + what + " " + path + ": " + std::strerror(err));
}

Status SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return Errno("open directory", dir, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  return rc == 0 ? Status::OK() : Errno("fsync directory", dir, err);
}

class LocalAppendFile final : public AppendFile {
 public:
  LocalAppendFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~LocalAppendFile() override { ::close(fd_); }
  Status Append(std::string_view data) override {
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return Errno("write", path_, errno);
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return Status::OK();
  }
  Status Sync() override {
    if (::fdatasync(fd_) != 0) return Errno("fdatasync", path_, errno);
    return Status::OK();
  }

 private:
  int fd_;
  std::string path_;
};

class LocalSpoolDir final : public SpoolDir {
 public:
  explicit LocalSpoolDir(std::string dir) : dir_(std::move(dir)) {}

  Result<std::unique_ptr<AppendFile>> OpenAppend(const std::string& name) override {
    std::string p = Path(name);
    int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return Errno("open", p, errno);
    RETURN_IF_ERROR(SyncDir(dir_));
    return std::unique_ptr<AppendFile>(new LocalAppendFile(fd, p));
  }

  Result<std::string> ReadAt(const std::string& name, uint64_t offset, size_t n) override {
    std::string p = Path(name);
    int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT ? Status::NotFound("spool: " + p) : Errno("open", p, errno);
    std::string out(n, '\0');
    size_t got = 0;
    while (got < n) {
      ssize_t r = ::pread(fd, out.data() + got, n - got, static_cast<off_t>(offset + got));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) {
        int err = errno;
        ::close(fd);
        return Errno("read", p, err);
      }
      if (r == 0) break;
      got += static_cast<size_t>(r);
    }
    ::close(fd);
    out.resize(got);
    return out;
  }

  Result<uint64_t> Size(const std::string& name) override {
    struct stat st;
    std::string p = Path(name);
    if (::stat(p.c_str(), &st) != 0) {
      return errno == ENOENT ? Status::NotFound("spool: " + p) : Errno("stat", p, errno);
    }
    return static_cast<uint64_t>(st.st_size);
  }

  Result<std::vector<std::string>> List() override {
    DIR* d = ::opendir(dir_.c_str());
    if (d == nullptr) return Errno("list", dir_, errno);
    std::vector<std::string> names;
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(n);
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    return names;
  }

  Status Remove(const std::string& name) override {
    std::string p = Path(name);
    if (::unlink(p.c_str()) != 0 && errno != ENOENT) return Errno("remove", p, errno);
    return SyncDir(dir_);
  }

  Status WriteAtomic(const std::string& name, std::string_view data) override {
    std::string tmp = Path(name + ".tmp");
    {
      int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fd < 0) return Errno("open", tmp, errno);
      LocalAppendFile f(fd, tmp);
      RETURN_IF_ERROR(f.Append(data));
      RETURN_IF_ERROR(f.Sync());
    }
    if (::rename(tmp.c_str(), Path(name).c_str()) != 0) return Errno("rename", tmp, errno);
    return SyncDir(dir_);
  }

  Result<std::string> ReadWhole(const std::string& name) override {
    ASSIGN_OR_RETURN(uint64_t size, Size(name));
    return ReadAt(name, 0, size);
  }

 private:
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  std::string dir_;
};

}  // namespace

Result<std::shared_ptr<SpoolDir>> NewLocalSpoolDir(const std::string& path) {
  if (path.empty()) return Status::InvalidArgument("spool: the spool directory is not set");
  std::string partial;
  for (size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || (path[i] == '/' && i > 0)) {
      partial = path.substr(0, i);
      if (::mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST) {
        return Errno("create directory", partial, errno);
      }
    }
  }
  return std::shared_ptr<SpoolDir>(new LocalSpoolDir(path));
}

}  // namespace lakestream::collect
