// FlatKeyMap: an open-addressing hash map from 64-bit hashed keys to int64
// values, for the dedup window's millions of keys. One flat array of
// (key, value) slots with linear probing, grown at 50% load, deletion by
// backward shifting (no tombstones), so lookups touch one or two cache lines
// and inserts never allocate per key (std::unordered_map allocates a node
// per key, which dominated the ingest profile).
//
// Keys are hashes already (stream::HashDedupKey); key 0 marks an empty slot,
// so a caller's 0 is stored as 1 (harmless: the keys are hashes and a 2^-64
// collision is within the documented false-duplicate rate).
//
// Thread-safety: not thread-safe. Ownership: owns its slots.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace lakestream::stream {

class FlatKeyMap {
 public:
  FlatKeyMap() = default;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // The value of `key`, or nullptr.
  const int64_t* Find(uint64_t key) const {
    if (size_ == 0) return nullptr;
    key = Normalize(key);
    for (size_t i = Home(key);; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.key == key) return &s.value;
      if (s.key == 0) return nullptr;
    }
  }
  bool Contains(uint64_t key) const { return Find(key) != nullptr; }

  // Inserts key -> value if absent. Returns the slot's value and whether it
  // was inserted (false: the existing value, unchanged). The pointer is valid
  // until the next insertion or erase.
  std::pair<int64_t*, bool> Emplace(uint64_t key, int64_t value) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    key = Normalize(key);
    for (size_t i = Home(key);; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.key == key) return {&s.value, false};
      if (s.key == 0) {
        s.key = key;
        s.value = value;
        ++size_;
        return {&s.value, true};
      }
    }
  }

  // Removes `key`; false if it was absent.
  bool Erase(uint64_t key) {
    if (size_ == 0) return false;
    key = Normalize(key);
    size_t i = Home(key);
    while (slots_[i].key != key) {
      if (slots_[i].key == 0) return false;
      i = (i + 1) & mask_;
    }
    // Backward-shift: move later members of the probe run into the hole.
    size_t hole = i;
    for (size_t j = (hole + 1) & mask_; slots_[j].key != 0; j = (j + 1) & mask_) {
      const size_t home = Home(slots_[j].key);
      // Movable if its home is not cyclically within (hole, j].
      const bool in_range = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
      if (!in_range) {
        slots_[hole] = slots_[j];
        hole = j;
      }
    }
    slots_[hole] = Slot{};
    --size_;
    return true;
  }

  // Removes every entry, keeping the capacity (the staged keys of the next
  // batch reuse it).
  void Clear() {
    if (size_ == 0) return;
    std::fill(slots_.begin(), slots_.end(), Slot{});
    size_ = 0;
  }

  // Calls fn(key, value) for every entry, in slot order (sorted by the high
  // bits of the key: do not insert them in this order into another
  // FlatKeyMap, which would cluster them). Keys are as stored (0 reads as 1).
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (const Slot& s : slots_) {
      if (s.key != 0) fn(s.key, s.value);
    }
  }

 private:
  struct Slot {
    uint64_t key = 0;
    int64_t value = 0;
  };

  static uint64_t Normalize(uint64_t key) { return key == 0 ? 1 : key; }
  // The keys are well-mixed hashes: the high bits pick the home slot.
  size_t Home(uint64_t key) const { return static_cast<size_t>(key >> shift_) & mask_; }

  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    const size_t n = old.empty() ? 1024 : old.size() * 2;
    slots_.assign(n, Slot{});
    mask_ = n - 1;
    shift_ = 64 - static_cast<unsigned>(__builtin_ctzll(n));
    size_ = 0;
    for (const Slot& s : old) {
      if (s.key == 0) continue;
      for (size_t i = Home(s.key);; i = (i + 1) & mask_) {
        if (slots_[i].key == 0) {
          slots_[i] = s;
          ++size_;
          break;
        }
      }
    }
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  unsigned shift_ = 63;  // set by Grow; unused while empty
  size_t size_ = 0;
};

}  // namespace lakestream::stream
