#include "io/fault_injection_file_system.h"

#include <chrono>
#include <thread>
#include <vector>

namespace lakestream::io {

const char* FsOpName(FsOp op) {
  switch (op) {
    case FsOp::kOpenForRead:
      return "OpenForRead";
    case FsOp::kOpenForWrite:
      return "OpenForWrite";
    case FsOp::kAppend:
      return "Append";
    case FsOp::kClose:
      return "Close";
    case FsOp::kPutIfAbsent:
      return "PutIfAbsent";
    case FsOp::kList:
      return "List";
    case FsOp::kStat:
      return "Stat";
    case FsOp::kDelete:
      return "Delete";
  }
  return "?";
}

namespace {

// Forwards to the real writer, consulting the filesystem's rules on Append
// and Close. A failed Close drops the real writer unclosed, so nothing is
// published; kAfterEffect publishes and then reports failure.
class FaultInjectionWritableFile final : public WritableFile {
 public:
  FaultInjectionWritableFile(FaultInjectionFileSystem* fs, std::string path,
                             std::unique_ptr<WritableFile> base)
      : fs_(fs), path_(std::move(path)), base_(std::move(base)) {}

  Status Append(std::string_view data) override {
    if (!base_) return Status::IOError("io: " + path_ + ": write after a failed close");
    if (auto fault = fs_->Enter(FsOp::kAppend, path_)) {
      if (*fault != FaultInjectionFileSystem::Fault::kAfterEffect) {
        return FaultInjectionFileSystem::FaultStatus(FsOp::kAppend, path_, *fault);
      }
      RETURN_IF_ERROR(base_->Append(data));
      return FaultInjectionFileSystem::FaultStatus(FsOp::kAppend, path_, *fault);
    }
    return base_->Append(data);
  }

  Status Close() override {
    if (!base_) return Status::IOError("io: " + path_ + ": close after a failed close");
    if (auto fault = fs_->Enter(FsOp::kClose, path_)) {
      if (*fault == FaultInjectionFileSystem::Fault::kAfterEffect) {
        RETURN_IF_ERROR(base_->Close());
      }
      base_.reset();  // unclosed: the backend discards the temporary
      return FaultInjectionFileSystem::FaultStatus(FsOp::kClose, path_, *fault);
    }
    return base_->Close();
  }

  uint64_t BytesWritten() const override { return base_ ? base_->BytesWritten() : 0; }

 private:
  FaultInjectionFileSystem* fs_;
  std::string path_;
  std::unique_ptr<WritableFile> base_;
};

}  // namespace

FaultInjectionFileSystem::FaultInjectionFileSystem(std::shared_ptr<FileSystem> base)
    : base_(std::move(base)) {}

void FaultInjectionFileSystem::FailNth(FsOp op, int64_t nth, Fault fault, int64_t count,
                                       std::string path_filter) {
  std::lock_guard<std::mutex> lock(mu_);
  Rule r;
  r.start = nth;
  r.count = count;
  r.fault = fault;
  r.path_filter = std::move(path_filter);
  rules_.emplace(op, std::move(r));
}

void FaultInjectionFileSystem::BeforeNth(FsOp op, int64_t nth, std::function<void()> action,
                                         std::string path_filter) {
  std::lock_guard<std::mutex> lock(mu_);
  Rule r;
  r.start = nth;
  r.count = 1;
  r.path_filter = std::move(path_filter);
  r.action = std::move(action);
  rules_.emplace(op, std::move(r));
}

void FaultInjectionFileSystem::ClearFaults() {
  std::lock_guard<std::mutex> lock(mu_);
  rules_.clear();
}

void FaultInjectionFileSystem::SetLatencyMicros(int64_t micros) {
  std::lock_guard<std::mutex> lock(mu_);
  latency_us_ = micros;
}

int64_t FaultInjectionFileSystem::Count(FsOp op) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = counts_.find(op);
  return it == counts_.end() ? 0 : it->second;
}

int64_t FaultInjectionFileSystem::InjectedFailures() const {
  std::lock_guard<std::mutex> lock(mu_);
  return injected_;
}

void FaultInjectionFileSystem::ResetCounts() {
  std::lock_guard<std::mutex> lock(mu_);
  counts_.clear();
  injected_ = 0;
}

std::optional<FaultInjectionFileSystem::Fault> FaultInjectionFileSystem::Enter(
    FsOp op, const std::string& path) {
  int64_t latency = 0;
  std::optional<Fault> result;
  std::vector<std::function<void()>> actions;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++counts_[op];
    latency = latency_us_;
    auto [lo, hi] = rules_.equal_range(op);
    for (auto it = lo; it != hi; ++it) {
      Rule& r = it->second;
      if (!r.path_filter.empty() && path.find(r.path_filter) == std::string::npos) continue;
      int64_t n = ++r.seen;
      bool hit = n >= r.start && (r.count < 0 || n < r.start + r.count);
      if (!hit) continue;
      if (r.action) {
        actions.push_back(std::move(r.action));
        r.action = nullptr;
        r.count = 0;  // once
      } else if (!result) {
        result = r.fault;
      }
    }
    if (result) ++injected_;
  }
  for (auto& a : actions) a();
  if (latency > 0) std::this_thread::sleep_for(std::chrono::microseconds(latency));
  return result;
}

Status FaultInjectionFileSystem::FaultStatus(FsOp op, const std::string& path, Fault fault) {
  std::string msg = "io: " + path + ": injected fault in " + FsOpName(op);
  if (fault == Fault::kUnavailable) return Status::Unavailable(msg);
  if (fault == Fault::kAfterEffect) return Status::IOError(msg + " (after it took effect)");
  return Status::IOError(msg);
}

Result<std::unique_ptr<RandomAccessFile>> FaultInjectionFileSystem::OpenForRead(
    const std::string& path) {
  if (auto f = Enter(FsOp::kOpenForRead, path)) return FaultStatus(FsOp::kOpenForRead, path, *f);
  return base_->OpenForRead(path);
}

Result<std::unique_ptr<WritableFile>> FaultInjectionFileSystem::OpenForWrite(
    const std::string& path) {
  if (auto f = Enter(FsOp::kOpenForWrite, path)) {
    return FaultStatus(FsOp::kOpenForWrite, path, *f);
  }
  ASSIGN_OR_RETURN(auto file, base_->OpenForWrite(path));
  return std::unique_ptr<WritableFile>(new FaultInjectionWritableFile(this, path, std::move(file)));
}

Status FaultInjectionFileSystem::PutIfAbsent(const std::string& path, std::string_view data) {
  if (auto f = Enter(FsOp::kPutIfAbsent, path)) {
    if (*f == Fault::kAfterEffect) RETURN_IF_ERROR(base_->PutIfAbsent(path, data));
    return FaultStatus(FsOp::kPutIfAbsent, path, *f);
  }
  return base_->PutIfAbsent(path, data);
}

Result<std::vector<FileInfo>> FaultInjectionFileSystem::List(const std::string& prefix) {
  if (auto f = Enter(FsOp::kList, prefix)) return FaultStatus(FsOp::kList, prefix, *f);
  return base_->List(prefix);
}

Result<FileInfo> FaultInjectionFileSystem::Stat(const std::string& path) {
  if (auto f = Enter(FsOp::kStat, path)) return FaultStatus(FsOp::kStat, path, *f);
  return base_->Stat(path);
}

Status FaultInjectionFileSystem::Delete(const std::string& path) {
  if (auto f = Enter(FsOp::kDelete, path)) return FaultStatus(FsOp::kDelete, path, *f);
  return base_->Delete(path);
}

}  // namespace lakestream::io
