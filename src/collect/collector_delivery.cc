// Collector: the durable path after a request is parsed: direct production,
// the spool writer (group commit: one fsync for every request queued while
// the previous one ran) and the replayer.
#include <condition_variable>

#include "collect/collector.h"
#include "common/logger.h"

namespace lakestream::collect {
namespace {

std::string Accepted(int64_t n, const char* durable) {
  return "{\"accepted\":" + std::to_string(n) + ",\"durable\":\"" + durable + "\"}";
}

}  // namespace

void Collector::Deliver(const std::shared_ptr<const Source>& source, std::vector<EventRecord> records,
                        int64_t started, Respond respond,
                        std::vector<std::pair<std::string, std::string>> cors) {
  auto item = std::make_shared<SpoolItem>();
  item->request.topic = source->topic;
  item->request.records = std::move(records);
  item->events = static_cast<int64_t>(item->request.records.size());
  item->started_micros = started;
  item->respond = [this, respond = std::move(respond), cors = std::move(cors)](HttpResponse r) {
    r.headers.insert(r.headers.begin(), cors.begin(), cors.end());
    Answer(respond, std::move(r));
  };
  bool to_spool;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!producer_->reachable()) spooling_ = true;
    to_spool = spooling_;
  }
  if (to_spool) return EnqueueSpool(std::move(*item));
  producer_->Produce(item->request.topic, item->request.records, [this, item](const Status& s) {
    if (s.ok()) {
      m_->events->WithLabels({"acked"}).Inc(static_cast<double>(item->events));
      m_->ack_seconds->Observe((clock_->MonotonicMicros() - item->started_micros) / 1e6);
      item->respond(Reply(200, Accepted(item->events, "broker")));
      return;
    }
    DefaultLogger().Warn("collect", "broker did not acknowledge a request; spooling it",
                         {{"error", s.message()}, {"events", std::to_string(item->events)}});
    {
      std::lock_guard<std::mutex> lock(mu_);
      spooling_ = true;
    }
    EnqueueSpool(std::move(*item));
  });
}

void Collector::EnqueueSpool(SpoolItem item) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) {
      spool_queue_.push_back(std::move(item));
      ++spool_pending_;
      cv_.notify_all();
      return;
    }
  }
  HttpResponse r = Error(503, "collector is shutting down");
  r.headers.push_back({"Retry-After", "5"});
  item.respond(std::move(r));
}

void Collector::SpoolWriterLoop() {
  while (true) {
    std::deque<SpoolItem> items;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return !spool_queue_.empty() || stopping_; });
      if (spool_queue_.empty()) break;
      items.swap(spool_queue_);
    }
    std::vector<Status> appended;
    bool any = false;
    for (const auto& it : items) {
      appended.push_back(spool_->Append(it.request));
      any = any || appended.back().ok();
    }
    Status synced = any ? spool_->Sync() : Status::OK();
    if (!synced.ok()) DefaultLogger().Error("collect", "spool fsync failed", {{"error", synced.message()}});
    for (size_t i = 0; i < items.size(); ++i) {
      Status st = appended[i].ok() ? synced : appended[i];
      if (st.ok()) {
        m_->events->WithLabels({"spooled"}).Inc(static_cast<double>(items[i].events));
        m_->ack_seconds->Observe((clock_->MonotonicMicros() - items[i].started_micros) / 1e6);
        items[i].respond(Reply(202, Accepted(items[i].events, "spool")));
      } else {
        if (!st.IsUnavailable()) {
          DefaultLogger().Error("collect", "spool write failed", {{"error", st.message()}});
        }
        HttpResponse r = Error(503, st.IsUnavailable() ? "broker unavailable and spool full"
                                                       : "broker unavailable and spool write failed");
        r.headers.push_back({"Retry-After", "10"});
        items[i].respond(std::move(r));
      }
    }
    std::lock_guard<std::mutex> lock(mu_);
    spool_pending_ -= static_cast<int64_t>(items.size());
    cv_.notify_all();
  }
}

void Collector::ReplayLoop() {
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_ || !replaying_) return;
    }
    if (ReplayOnce()) continue;
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(500), [&] { return stopping_ || !replaying_; });
  }
}

// One round: true when it made progress (call again at once).
bool Collector::ReplayOnce() {
  bool spooling;
  {
    std::lock_guard<std::mutex> lock(mu_);
    spooling = spooling_;
  }
  if (!producer_->reachable() && !producer_->Probe(1000)) return false;
  if (!spooling) return false;
  auto batch = spool_->Peek(256);
  if (!batch.ok()) {
    DefaultLogger().Error("collect", "spool read failed", {{"error", batch.status().message()}});
    return false;
  }
  if (batch->empty()) {
    std::lock_guard<std::mutex> lock(mu_);
    if (spool_pending_ == 0 && spool_->empty() && spooling_) {
      spooling_ = false;
      cv_.notify_all();
      DefaultLogger().Info("collect", "spool drained; producing directly again");
    }
    return false;
  }
  struct Latch {
    std::mutex mu;
    std::condition_variable cv;
    size_t left;
    std::vector<Status> results;
  };
  auto latch = std::make_shared<Latch>();
  latch->left = batch->size();
  latch->results.resize(batch->size());
  for (size_t i = 0; i < batch->size(); ++i) {
    producer_->Produce((*batch)[i].request.topic, (*batch)[i].request.records, [latch, i](const Status& s) {
      std::lock_guard<std::mutex> lock(latch->mu);
      latch->results[i] = s;
      if (--latch->left == 0) latch->cv.notify_all();
    });
  }
  std::unique_lock<std::mutex> lock(latch->mu);
  latch->cv.wait(lock, [&] { return latch->left == 0; });
  size_t ok = 0;
  int64_t events = 0;
  while (ok < batch->size() && latch->results[ok].ok()) events += (*batch)[ok++].request.records.size();
  if (ok > 0) {
    Status st = spool_->Commit((*batch)[ok - 1]);
    if (!st.ok()) DefaultLogger().Error("collect", "spool cursor write failed", {{"error", st.message()}});
    m_->events->WithLabels({"replayed"}).Inc(static_cast<double>(events));
  }
  if (ok < batch->size()) {
    DefaultLogger().Warn("collect", "spool replay paused: the broker did not acknowledge",
                         {{"error", latch->results[ok].message()}});
    return false;
  }
  return true;
}

bool Collector::WaitDrained(int64_t timeout_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                      [&] { return !spooling_ && spool_pending_ == 0; });
}

void Collector::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!replaying_ && stopping_) return;
    replaying_ = false;
    cv_.notify_all();
  }
  if (replayer_.joinable()) replayer_.join();
  // Answers what is in flight (delivered, or spooled by its failure callback).
  producer_.reset();
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  if (writer_.joinable()) writer_.join();
}

}  // namespace lakestream::collect
