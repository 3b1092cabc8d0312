#include "stream/dedup_window.h"

#include <algorithm>

namespace lakestream::stream {

uint64_t HashDedupKey(std::string_view key) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : key) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  // splitmix64 finalizer: spreads FNV's weak low bits.
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

DedupWindow::DedupWindow(int64_t window_us, int64_t bucket_us)
    : window_us_(window_us), bucket_us_(std::max<int64_t>(1, bucket_us)) {}

int64_t DedupWindow::BucketOf(int64_t t) const {
  int64_t q = t / bucket_us_;
  if (t % bucket_us_ < 0) --q;  // floor for times before 1970
  return q * bucket_us_;
}

bool DedupWindow::Contains(uint64_t hash) const {
  return keys_.Contains(hash) || staged_.Contains(hash);
}

void DedupWindow::Stage(uint64_t hash, int64_t event_time_us) {
  if (staged_.Emplace(hash, event_time_us).second) staged_order_.emplace_back(hash, event_time_us);
}

void DedupWindow::InsertCommitted(uint64_t hash, int64_t event_time_us) {
  const int64_t b = BucketOf(event_time_us);
  auto [value, inserted] = keys_.Emplace(hash, b);
  if (!inserted) {
    if (*value >= b) return;  // already held by a newer bucket
    *value = b;
  }
  buckets_[b].push_back(hash);
  watermark_us_ = std::max(watermark_us_, event_time_us);
}

void DedupWindow::CommitStaged() {
  for (const auto& [hash, t] : staged_order_) InsertCommitted(hash, t);
  staged_.Clear();
  staged_order_.clear();
  sealed_ = 0;
  Evict();
}

void DedupWindow::CommitSealed() {
  if (sealed_ == staged_order_.size()) return CommitStaged();
  for (size_t i = 0; i < sealed_; ++i) {
    const auto& [hash, t] = staged_order_[i];
    InsertCommitted(hash, t);
    staged_.Erase(hash);
  }
  staged_order_.erase(staged_order_.begin(),
                      staged_order_.begin() + static_cast<ptrdiff_t>(sealed_));
  sealed_ = 0;
  Evict();
}

void DedupWindow::DiscardStaged() {
  staged_.Clear();
  staged_order_.clear();
  sealed_ = 0;
}

void DedupWindow::Evict() {
  if (watermark_us_ == INT64_MIN) return;
  const int64_t horizon = watermark_us_ - window_us_;
  while (!buckets_.empty() && buckets_.begin()->first + bucket_us_ <= horizon) {
    const int64_t b = buckets_.begin()->first;
    for (uint64_t h : buckets_.begin()->second) {
      const int64_t* held = keys_.Find(h);
      if (held != nullptr && *held == b) keys_.Erase(h);
    }
    buckets_.erase(buckets_.begin());
  }
}

}  // namespace lakestream::stream
