// DedupWindow: the set of dedup keys (64-bit hashes of e.g. event_id) seen
// within a time window, used to drop records whose key was already ingested.
//
// Keys live in hourly buckets by event time. The watermark is the largest
// event time committed so far; buckets ending at or before
// watermark - window are evicted whole, so memory is bounded by the keys of
// one window (about 16 bytes per key plus hash-table overhead: ~40 MB for a
// million keys). A key is a duplicate while its bucket is retained; a record
// arriving later than the window is checked against what is left and its key
// is dropped at the next eviction.
//
// Two phases, so that the state matches what is durable: keys of the batch
// being built are staged (Stage), visible to Contains at once (duplicates
// within a batch are caught), and become committed only when the batch's
// Delta commit succeeded (CommitStaged); a failed batch discards them. After a
// restart the state is rebuilt from the events table (stream/dedup_rebuild.h).
//
// Hash collisions: with 64-bit hashes, a window of n keys wrongly drops a
// record with probability about n^2 / 2^65 (3e-4 for 10^8 keys per window).
//
// Thread-safety: not thread-safe; owned by the engine thread.
#pragma once

#include <cstdint>
#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include "stream/flat_key_map.h"

namespace lakestream::stream {

// A stable 64-bit hash of a key (FNV-1a with a final avalanche).
uint64_t HashDedupKey(std::string_view key);

class DedupWindow {
 public:
  explicit DedupWindow(int64_t window_us, int64_t bucket_us = 3600LL * 1000000);

  // True if `hash` is committed and retained, or staged.
  bool Contains(uint64_t hash) const;
  // Stages a key seen at `event_time_us` for the batch being built.
  void Stage(uint64_t hash, int64_t event_time_us);
  // Makes the staged keys committed, advances the watermark, evicts.
  void CommitStaged();
  // Discards every staged key (sealed ones too).
  void DiscardStaged();
  // Pipelined commits: marks the keys staged so far as the batch being
  // committed; keys staged after this belong to the next batch. Both stay
  // visible to Contains. CommitSealed makes only the sealed ones committed.
  // At most one sealed batch at a time.
  void SealStaged() { sealed_ = staged_order_.size(); }
  void CommitSealed();
  // Adds a committed key directly (rebuild from the table). Call Evict()
  // once after the last one.
  void InsertCommitted(uint64_t hash, int64_t event_time_us);
  void Evict();

  int64_t window_us() const { return window_us_; }
  // INT64_MIN before any key.
  int64_t watermark_us() const { return watermark_us_; }
  size_t size() const { return keys_.size(); }
  size_t staged() const { return staged_.size(); }
  size_t num_buckets() const { return buckets_.size(); }

 private:
  int64_t BucketOf(int64_t t) const;

  int64_t window_us_;
  int64_t bucket_us_;
  int64_t watermark_us_ = INT64_MIN;
  // hash -> the newest bucket holding it.
  FlatKeyMap keys_;
  // bucket start -> hashes inserted into it (for eviction).
  std::map<int64_t, std::vector<uint64_t>> buckets_;
  FlatKeyMap staged_;  // hash -> event time, for Contains
  // The staged keys in arrival order, for CommitStaged: inserting another
  // table's keys in its slot order would pack them into long probe runs.
  std::vector<std::pair<uint64_t, int64_t>> staged_order_;
  size_t sealed_ = 0;  // staged_order_[0, sealed_) is the sealed batch
};

}  // namespace lakestream::stream
