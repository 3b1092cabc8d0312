#include "io/fault_injection_file_system.h"

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
    FaultInjectionFileSystem::Call call = fs_->Enter(FsOp::kAppend, path_);
    if (call.fails()) {
      if (call.failure || *call.fault != FaultInjectionFileSystem::Fault::kAfterEffect) {
        return call.status(FsOp::kAppend, path_);
      }
      RETURN_IF_ERROR(base_->Append(data));
      return call.status(FsOp::kAppend, path_);
    }
    Status s = base_->Append(data);
    FaultInjectionFileSystem::Leave(call, s);
    return s;
  }

  Status Close() override {
    if (!base_) return Status::IOError("io: " + path_ + ": close after a failed close");
    FaultInjectionFileSystem::Call call = fs_->Enter(FsOp::kClose, path_);
    if (call.fails()) {
      if (!call.failure && *call.fault == FaultInjectionFileSystem::Fault::kAfterEffect) {
        RETURN_IF_ERROR(base_->Close());
      }
      base_.reset();  // unclosed: the backend discards the temporary
      return call.status(FsOp::kClose, path_);
    }
    Status s = base_->Close();
    FaultInjectionFileSystem::Leave(call, s);
    return s;
  }

  uint64_t BytesWritten() const override { return base_ ? base_->BytesWritten() : 0; }

 private:
  FaultInjectionFileSystem* fs_;
  std::string path_;
  std::unique_ptr<WritableFile> base_;
};

}  // namespace

FaultInjectionFileSystem::FaultInjectionFileSystem(std::shared_ptr<FileSystem> base, Clock* clock)
    : base_(std::move(base)), clock_(ClockOrReal(clock)) {}

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

void FaultInjectionFileSystem::AfterNth(FsOp op, int64_t nth, std::function<void()> action,
                                        std::string path_filter, int64_t count) {
  std::lock_guard<std::mutex> lock(mu_);
  Rule r;
  r.start = nth;
  r.count = count;
  r.path_filter = std::move(path_filter);
  r.after = std::move(action);
  rules_.emplace(op, std::move(r));
}

void FaultInjectionFileSystem::FailPaths(std::string path_filter, Status status, int64_t count) {
  std::lock_guard<std::mutex> lock(mu_);
  path_rules_.push_back({std::move(path_filter), std::move(status), count});
}

void FaultInjectionFileSystem::ClearFaults() {
  std::lock_guard<std::mutex> lock(mu_);
  rules_.clear();
  path_rules_.clear();
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

Status FaultInjectionFileSystem::Call::status(FsOp op, const std::string& path) const {
  if (failure) return *failure;
  return FaultStatus(op, path, fault.value_or(Fault::kIOError));
}

FaultInjectionFileSystem::Call FaultInjectionFileSystem::Enter(FsOp op, const std::string& path) {
  int64_t latency = 0;
  Call call;
  std::vector<std::function<void()>> before;
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
        before.push_back(std::move(r.action));
        r.action = nullptr;
        r.count = 0;  // once
      } else if (r.after) {
        call.after.push_back(r.after);
      } else if (!call.fault) {
        call.fault = r.fault;
      }
    }
    for (PathRule& r : path_rules_) {
      if (r.left == 0 || path.find(r.path_filter) == std::string::npos) continue;
      if (r.left > 0) --r.left;
      if (!call.failure) call.failure = r.status;
    }
    if (call.fails()) ++injected_;
  }
  for (auto& a : before) a();
  if (latency > 0) clock_->SleepForMicros(latency);
  return call;
}

void FaultInjectionFileSystem::Leave(const Call& call, const Status& result) {
  if (!result.ok()) return;
  for (const auto& a : call.after) a();
}

Status FaultInjectionFileSystem::FaultStatus(FsOp op, const std::string& path, Fault fault) {
  std::string msg = "io: " + path + ": injected fault in " + FsOpName(op);
  if (fault == Fault::kUnavailable) return Status::Unavailable(msg);
  if (fault == Fault::kAfterEffect) return Status::IOError(msg + " (after it took effect)");
  return Status::IOError(msg);
}

Result<std::unique_ptr<RandomAccessFile>> FaultInjectionFileSystem::OpenForRead(
    const std::string& path) {
  Call call = Enter(FsOp::kOpenForRead, path);
  if (call.fails()) return call.status(FsOp::kOpenForRead, path);
  Result<std::unique_ptr<RandomAccessFile>> r = base_->OpenForRead(path);
  Leave(call, r.status());
  return r;
}

Result<std::unique_ptr<WritableFile>> FaultInjectionFileSystem::OpenForWrite(
    const std::string& path) {
  Call call = Enter(FsOp::kOpenForWrite, path);
  if (call.fails()) return call.status(FsOp::kOpenForWrite, path);
  ASSIGN_OR_RETURN(auto file, base_->OpenForWrite(path));
  Leave(call, Status::OK());
  return std::unique_ptr<WritableFile>(new FaultInjectionWritableFile(this, path, std::move(file)));
}

Status FaultInjectionFileSystem::PutIfAbsent(const std::string& path, std::string_view data) {
  Call call = Enter(FsOp::kPutIfAbsent, path);
  if (call.fails()) {
    if (!call.failure && *call.fault == Fault::kAfterEffect) {
      RETURN_IF_ERROR(base_->PutIfAbsent(path, data));
    }
    return call.status(FsOp::kPutIfAbsent, path);
  }
  Status s = base_->PutIfAbsent(path, data);
  Leave(call, s);
  return s;
}

Result<std::vector<FileInfo>> FaultInjectionFileSystem::List(const std::string& prefix) {
  Call call = Enter(FsOp::kList, prefix);
  if (call.fails()) return call.status(FsOp::kList, prefix);
  Result<std::vector<FileInfo>> r = base_->List(prefix);
  Leave(call, r.status());
  return r;
}

Result<FileInfo> FaultInjectionFileSystem::Stat(const std::string& path) {
  Call call = Enter(FsOp::kStat, path);
  if (call.fails()) return call.status(FsOp::kStat, path);
  Result<FileInfo> r = base_->Stat(path);
  Leave(call, r.status());
  return r;
}

Status FaultInjectionFileSystem::Delete(const std::string& path) {
  Call call = Enter(FsOp::kDelete, path);
  if (call.fails()) return call.status(FsOp::kDelete, path);
  Status s = base_->Delete(path);
  Leave(call, s);
  return s;
}

}  // namespace lakestream::io
