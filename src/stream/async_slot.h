// AsyncSlot: a background thread that runs one job at a time, for the
// micro-batch engine's pipelined commits (the committer closes batch N's
// files and commits it while the engine parses batch N+1).
//
// Start() hands over a job; Done() says whether it finished; Wait() waits
// for it and returns its Status, leaving the slot idle. The job's captures
// must stay valid until Wait() returns.
//
// Thread-safety: Start/Done/Wait are called from one owner thread; the job
// runs on the slot's own thread. Ownership: the destructor waits for a
// running job and joins the thread.
#pragma once

#include <pthread.h>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "common/status.h"

namespace lakestream::stream {

class AsyncSlot {
 public:
  AsyncSlot() = default;
  AsyncSlot(const AsyncSlot&) = delete;
  AsyncSlot& operator=(const AsyncSlot&) = delete;
  ~AsyncSlot() {
    if (!thread_.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  // True from Start() until Wait() collected the result.
  bool busy() const { return busy_; }

  // Runs `job` on the slot's thread. The slot must be idle (!busy()).
  void Start(std::function<Status()> job) {
    if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
    std::lock_guard<std::mutex> lock(mu_);
    job_ = std::move(job);
    done_ = false;
    busy_ = true;
    cv_.notify_all();
  }

  // True when the started job has finished (Wait() will not block).
  bool Done() {
    std::lock_guard<std::mutex> lock(mu_);
    return busy_ && done_;
  }

  // Waits for the started job and returns its result; OK when idle.
  Status Wait() {
    if (!busy_) return Status::OK();
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return done_; });
    busy_ = false;
    Status s = std::move(result_);
    result_ = Status::OK();
    return s;
  }

 private:
  void Run() {
    pthread_setname_np(pthread_self(), "ls-commit");  // for top and perf
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      cv_.wait(lock, [&] { return stop_ || job_ != nullptr; });
      if (job_ == nullptr) return;  // stop_ with nothing left to run
      std::function<Status()> job = std::move(job_);
      job_ = nullptr;
      lock.unlock();
      Status s = job();
      lock.lock();
      result_ = std::move(s);
      done_ = true;
      cv_.notify_all();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::function<Status()> job_;  // the job not yet picked up
  Status result_;
  bool done_ = false;
  bool busy_ = false;  // owner thread only
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace lakestream::stream
