// FakeSource: an in-memory partitioned log of topic "clicks" behind the
// Source interface, for unit tests ONLY (the product path is KafkaSource). On
// the first Poll after Subscribe it assigns every partition through the
// rebalance listener and seeks to the starts the listener returns; Poll
// overwrites out[0..n) as the Source contract says; Revoke() acts as a
// rebalance taking every partition away.
//
// Thread-safety: single-threaded, like the engine. Header-only so that it is
// compiled into tests alone.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "stream/source.h"

namespace lakestream::stream::testing {

class FakeSource : public Source {
 public:
  void Append(int32_t partition, std::string payload) {
    auto& log = logs_[{"clicks", partition}];
    SourceRecord r;
    r.topic = "clicks";
    r.partition = partition;
    r.offset = static_cast<int64_t>(log.size());
    r.timestamp_ms = 1000 + r.offset;
    r.payload = std::move(payload);
    log.push_back(std::move(r));
  }

  void SetRebalanceListener(RebalanceListener* l) override { listener_ = l; }
  Status Subscribe(const std::vector<std::string>& topics) override {
    subscribed_ = true;
    return Status::OK();
  }
  Result<size_t> Poll(size_t max_records, int timeout_ms,
                      std::vector<SourceRecord>* out) override {
    if (subscribed_ && !assigned_) {
      assigned_ = true;
      std::vector<TopicPartition> parts;
      for (const auto& [tp, log] : logs_) parts.push_back(tp);
      ASSIGN_OR_RETURN(auto starts, listener_->OnAssigned(parts));
      for (const auto& tp : parts) {
        int64_t s = starts.count(tp) ? starts[tp] : kOffsetStored;
        if (s == kOffsetStored) s = committed.count(tp) ? committed[tp] : kOffsetBeginning;
        if (s == kOffsetBeginning) s = 0;
        if (s == kOffsetEnd) s = static_cast<int64_t>(logs_[tp].size());
        positions[tp] = s;
      }
    }
    size_t n = 0;
    if (broker_down) {  // nothing arrives while the broker is down: waits the timeout
      if (clock != nullptr) clock->SleepForMicros(int64_t{timeout_ms} * 1000);
      return n;
    }
    for (auto& [tp, pos] : positions) {  // one partition after the other, in chunks
      const auto& log = logs_[tp];
      while (n < max_records && n < chunk && pos < static_cast<int64_t>(log.size())) {
        if (n < out->size()) {
          (*out)[n] = log[pos++];
        } else {
          out->push_back(log[pos++]);
        }
        ++n;
      }
    }
    return n;
  }
  Status Seek(const TopicPartition& tp, int64_t offset) override {
    if (!positions.count(tp)) return Status::InvalidArgument("not assigned");
    positions[tp] = offset;
    return Status::OK();
  }
  // Completes at once (the outcome is waiting for the next CommitOutcome), or,
  // with hold_commits, when CompleteCommit() is called.
  Status Commit(const std::map<TopicPartition, int64_t>& next) override {
    ++commit_calls;
    if (hold_commits) {
      held_ = next;
      return Status::OK();
    }
    if (fail_commits > 0) {
      --fail_commits;
      outcome_ = Status::Unavailable("fake source: commit offsets: coordinator not available");
      return Status::OK();
    }
    for (const auto& [tp, o] : next) committed[tp] = o;
    outcome_ = Status::OK();
    return Status::OK();
  }
  void CompleteCommit() {
    for (const auto& [tp, o] : held_) committed[tp] = o;
    held_.clear();
    outcome_ = Status::OK();
  }
  std::optional<Status> CommitOutcome(int) override {
    std::optional<Status> o = std::move(outcome_);
    outcome_.reset();
    return o;
  }
  Result<std::vector<TopicPartition>> Assignment() override {
    std::vector<TopicPartition> v;
    for (const auto& [tp, p] : positions) v.push_back(tp);
    return v;
  }
  Result<std::pair<int64_t, int64_t>> Watermarks(const TopicPartition& tp, int) override {
    if (broker_down) return Status::Unavailable("fake source: watermarks: all brokers are down");
    return std::make_pair<int64_t, int64_t>(0, static_cast<int64_t>(logs_[tp].size()));
  }
  Status Close() override {
    if (!assigned_) return Status::OK();
    assigned_ = false;
    std::vector<TopicPartition> parts;
    for (const auto& [tp, p] : positions) parts.push_back(tp);
    positions.clear();
    return listener_->OnRevoked(parts, /*lost=*/false);
  }
  // Revokes everything now, as a rebalance would (inside the next Poll).
  Status Revoke() { return Close(); }

  std::map<TopicPartition, int64_t> positions;
  std::map<TopicPartition, int64_t> committed;
  size_t chunk = 50;
  int commit_calls = 0;
  int fail_commits = 0;  // the next this many Commit() calls fail (as with the broker down)
  bool hold_commits = false;  // commits stay in flight until CompleteCommit()
  bool broker_down = false;   // Poll returns nothing, Watermarks fails
  Clock* clock = nullptr;     // a Poll that gets nothing while down waits on it

 private:
  std::map<TopicPartition, std::vector<SourceRecord>> logs_;
  std::optional<Status> outcome_;
  std::map<TopicPartition, int64_t> held_;
  RebalanceListener* listener_ = nullptr;
  bool subscribed_ = false;
  bool assigned_ = false;
};

}  // namespace lakestream::stream::testing
