// The key scan of a keyed merge into a table with deletion vectors
// (merge_internal.h ResolveByKeyScan): match the source's keys against the
// key columns alone, then fetch and resolve only the matched rows. With
// deletion vectors the rows of unchanged keys are never read whole nor
// copied, so a merge costs one key-column read of the candidate files plus
// the matched rows, and writes only the changed keys' rows.
//
// Thread-safety: a function; its state is local. Ownership: borrows the
// snapshot, source rows, files and writer for the call.
#include <algorithm>
#include <cstring>
#include <functional>
#include <string_view>

#include "delta/merge_internal.h"
#include "delta/row_reader.h"

namespace lakestream::delta::merge_internal {
namespace {

using parquet::Value;

// One source key and the target rows found for it.
struct KeyState {
  const std::string* key = nullptr;  // encoded (merge.cc EncodeKey)
  const std::vector<const SourceRow*>* source = nullptr;
  int64_t expected = 0;  // target rows pass 1 found
  struct Row {
    size_t file;
    uint64_t index;  // file row index
    Value value;
  };
  std::vector<Row> rows;
  bool resolved = false;
};

// A bit per hash bucket of the source's keys: most target rows, whose key
// the source lacks, are turned away without a probe of the key index.
class KeyFilter {
 public:
  explicit KeyFilter(size_t keys) {
    size_t bits = 1024;
    while (bits < keys * 16) bits <<= 1;
    bits_.assign(bits / 64, 0);
    mask_ = bits - 1;
  }
  void Add(uint64_t h) { bits_[(h & mask_) >> 6] |= uint64_t{1} << (h & 63); }
  bool MayHold(uint64_t h) const { return (bits_[(h & mask_) >> 6] >> (h & 63)) & 1; }

 private:
  std::vector<uint64_t> bits_;
  uint64_t mask_ = 0;
};

// Encoded key -> index of its KeyState: open addressing on the key's 64-bit
// hash, so a probe touches one slot (the key text is compared only when the
// hashes agree).
class KeyIndex {
 public:
  KeyIndex(const std::vector<KeyState>* states, size_t keys) : states_(states) {
    size_t n = 16;
    while (n < keys * 2) n <<= 1;
    slots_.assign(n, Slot{});
    mask_ = n - 1;
  }
  static uint64_t Hash(std::string_view k) { return std::hash<std::string_view>{}(k); }
  void Insert(uint64_t h, uint32_t i) {
    size_t p = h & mask_;
    while (slots_[p].index != kEmpty) p = (p + 1) & mask_;
    slots_[p] = {h, i};
  }
  // The index of key `k` (hash `h`), or -1.
  int64_t Find(std::string_view k, uint64_t h) const {
    for (size_t p = h & mask_; slots_[p].index != kEmpty; p = (p + 1) & mask_) {
      if (slots_[p].hash == h && *(*states_)[slots_[p].index].key == k) return slots_[p].index;
    }
    return -1;
  }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  struct Slot {
    uint64_t hash = 0;
    uint32_t index = kEmpty;
  };
  const std::vector<KeyState>* states_;
  std::vector<Slot> slots_;
  uint64_t mask_ = 0;
};

// A 64-bit integer's hash for the filter (splitmix64's finalizer).
uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// The integer of an encoded integer key component ('i' and 8 bytes, merge.cc
// AppendValue), or false for other kinds.
bool EncodedInteger(std::string_view enc, int64_t* x) {
  if (enc.size() != 1 + sizeof(int64_t) || enc[0] != 'i') return false;
  std::memcpy(x, enc.data() + 1, sizeof(int64_t));
  return true;
}

// A matched target row: its file row index and its key's KeyState.
struct Hit {
  uint64_t row;
  uint32_t key;
};

}  // namespace

Result<bool> ResolveByKeyScan(const Snapshot& snapshot, const std::vector<int>& key_idx,
                              const SourceByKey& by_key,
                              const std::vector<const SourceRow*>& null_keyed,
                              const Resolver& resolve, int64_t bound,
                              std::vector<ScanFile>* files, TableWriter* writer,
                              MergeResult* result) {
  const DeltaType& schema = snapshot.schema();
  // What a key's name for messages is made from; small, so KeyName holds it without allocating.
  const struct {
    const DeltaType* schema;
    const std::vector<int>* idx;
  } naming{&schema, &key_idx};
  std::vector<KeyState> keys;
  keys.reserve(by_key.size());
  KeyIndex index(&keys, by_key.size());
  KeyFilter filter(by_key.size());
  const bool one_key = key_idx.size() == 1;
  KeyFilter int_filter(one_key ? by_key.size() : 0);
  for (const auto& [k, src] : by_key) {
    const uint64_t h = KeyIndex::Hash(k);
    index.Insert(h, static_cast<uint32_t>(keys.size()));
    filter.Add(h);
    int64_t x;
    if (one_key && EncodedInteger(k, &x)) int_filter.Add(Mix(static_cast<uint64_t>(x)));
    KeyState st;
    st.key = &k;
    st.source = &src;
    keys.push_back(std::move(st));
  }

  // Pass 1: key columns only; per file the matched rows and their keys. A single integer
  // key is read as plain integers (ReadIntegerColumn), filtered by their own hash, and
  // encoded only when the filter lets them through.
  std::vector<std::vector<Hit>> hits(files->size());
  int64_t matched = 0;
  std::string enc;
  auto match = [&](size_t fi, uint64_t row, uint64_t h) {
    const int64_t k = index.Find(enc, h);
    if (k < 0) return;
    ++keys[static_cast<size_t>(k)].expected;
    hits[fi].push_back({row, static_cast<uint32_t>(k)});
    ++matched;
  };
  std::vector<uint64_t> int_rows;
  std::vector<int64_t> int_values;
  for (size_t fi = 0; fi < files->size(); ++fi) {
    ScanFile& f = (*files)[fi];
    f.live = 0;
    if (one_key) {
      int_rows.clear();
      int_values.clear();
      Status st = ReadIntegerColumn(snapshot, *f.add, key_idx[0], &int_rows, &int_values);
      if (st.ok()) {
        f.live = f.add->LiveRecords().value_or(static_cast<int64_t>(int_rows.size()));
        for (size_t i = 0; i < int_values.size(); ++i) {
          if (!int_filter.MayHold(Mix(static_cast<uint64_t>(int_values[i])))) continue;
          enc.clear();
          AppendKeyPart(Value::Int64(int_values[i]), &enc);
          match(fi, int_rows[i], KeyIndex::Hash(enc));
        }
        if (matched > bound) return false;
        continue;
      }
      if (!st.IsNotSupported()) return st;
    }
    RETURN_IF_ERROR(ScanFileFields(snapshot, *f.add, key_idx, nullptr,
                                   [&](uint64_t row, std::vector<Value>& values) -> Status {
                                     ++f.live;
                                     enc.clear();
                                     for (const Value& v : values) {
                                       if (!AppendKeyPart(v, &enc)) return Status::OK();
                                     }
                                     const uint64_t h = KeyIndex::Hash(enc);
                                     if (filter.MayHold(h)) match(fi, row, h);
                                     return Status::OK();
                                   }));
    if (matched > bound) return false;
  }

  // Pass 2: the matched rows of each file, every column; a key is resolved once all its
  // rows are in.
  int64_t held = 0;
  std::vector<Value> out;
  auto flush = [&](size_t at_least) -> Status {
    if (out.size() < at_least) return Status::OK();
    RETURN_IF_ERROR(writer->Write(out));
    out.clear();
    return Status::OK();
  };
  auto apply = [&](KeyState& k) -> Status {
    // A key with several rows (an SCD2 history) keeps a copy to find the rows its outcome
    // leaves as they are: those stay in their files, unmarked and not written again.
    std::vector<Value> before;
    if (k.rows.size() > 1) {
      for (const auto& r : k.rows) before.push_back(r.value);
    }
    std::vector<Value> target;
    target.reserve(k.rows.size());
    for (auto& r : k.rows) target.push_back(std::move(r.value));
    const SourceRow* first = k.source->front();
    ASSIGN_OR_RETURN(KeyOutcome o,
                     resolve([&naming, first] { return KeyText(*naming.schema, first->row,
                                                               *naming.idx); },
                             std::move(target), *k.source));
    k.resolved = true;
    held -= static_cast<int64_t>(k.rows.size());
    if (o.changed) {
      std::vector<bool> unchanged(o.rows.size(), false);
      for (size_t i = 0; i < k.rows.size(); ++i) {
        bool same = false;
        for (size_t j = 0; j < o.rows.size() && !before.empty() && !same; ++j) {
          if (!unchanged[j] && o.rows[j] == before[i]) unchanged[j] = same = true;
        }
        if (!same) (*files)[k.rows[i].file].replaced.push_back(k.rows[i].index);
      }
      result->rows_inserted += o.inserted;
      result->rows_updated += o.updated;
      result->rows_deleted += o.deleted;
      for (size_t j = 0; j < o.rows.size(); ++j) {
        if (!unchanged[j]) out.push_back(std::move(o.rows[j]));
      }
    }
    std::vector<KeyState::Row>().swap(k.rows);
    return flush(65536);
  };
  std::vector<int> all(schema.fields.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
  std::vector<uint64_t> at;
  for (size_t fi = 0; fi < files->size(); ++fi) {
    std::vector<Hit>& fh = hits[fi];
    if (fh.empty()) continue;
    const AddFile& add = *(*files)[fi].add;
    at.clear();
    for (const Hit& h : fh) at.push_back(h.row);  // ascending: the scan's order
    size_t next = 0;
    RETURN_IF_ERROR(ScanFileFields(
        snapshot, add, all, &at, [&](uint64_t row, std::vector<Value>& values) -> Status {
          KeyState& k = keys[fh[next++].key];
          Value v = Value::Struct(std::move(values));
          if (!EncodeKey(v, key_idx, &enc) || enc != *k.key) {
            return Status::Corruption("merge: " + add.path + ": row " + std::to_string(row) +
                                      " changed key between two reads");
          }
          k.rows.push_back({fi, row, std::move(v)});
          result->peak_buffered_rows = std::max(result->peak_buffered_rows, ++held);
          if (static_cast<int64_t>(k.rows.size()) < k.expected) return Status::OK();
          return apply(k);
        }));
    std::vector<Hit>().swap(fh);
  }
  // Keys the table does not hold, in the source's key order as the passes do.
  for (KeyState& k : keys) {
    if (k.resolved) continue;
    if (k.expected > 0) {
      return Status::Corruption("merge: key " +
                                KeyText(schema, k.source->front()->row, key_idx) + ": " +
                                std::to_string(k.expected) + " target rows found, " +
                                std::to_string(k.rows.size()) + " read back");
    }
    RETURN_IF_ERROR(apply(k));
  }
  for (const SourceRow* r : null_keyed) {
    std::vector<const SourceRow*> one = {r};
    KeyState k;
    k.source = &one;
    RETURN_IF_ERROR(apply(k));
  }
  RETURN_IF_ERROR(flush(1));
  for (ScanFile& f : *files) {
    std::sort(f.replaced.begin(), f.replaced.end());
    f.replaced.erase(std::unique(f.replaced.begin(), f.replaced.end()), f.replaced.end());
  }
  result->passes = 1;
  return true;
}

}  // namespace lakestream::delta::merge_internal
