// Dictionary encoding: the column chunk's distinct values in a PLAIN
// dictionary page, and data pages of indices (RLE_DICTIONARY: one byte of bit
// width, then the RLE/bit-packed hybrid). PLAIN_DICTIONARY data pages have
// the same layout.
#include <algorithm>
#include <cstring>
#include <functional>
#include <vector>

#include "parquet/encoding/bit_util.h"
#include "parquet/encoding/encoding_internal.h"
#include "parquet/encoding/rle.h"

namespace lakestream::parquet::internal {
namespace {

// An open-addressing (linear probing) table from a value's hash to its
// dictionary index. Keys live in the dictionary itself, so the table holds
// only 8-byte slots and the caller supplies equality against an index.
class IndexTable {
 public:
  IndexTable() : slots_(kInitialCapacity), mask_(kInitialCapacity - 1) {}

  // Returns the index of the entry with `hash` for which eq(index) is true,
  // or inserts `next_index` and returns it.
  template <typename Eq>
  uint32_t FindOrInsert(uint64_t hash, uint32_t next_index, Eq&& eq) {
    const uint32_t h = static_cast<uint32_t>(hash ^ (hash >> 32));
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.index_plus1 == 0) {
        s = Slot{h, next_index + 1};
        if (++size_ * 2 > slots_.size()) Grow();
        return next_index;
      }
      if (s.hash == h && eq(s.index_plus1 - 1)) return s.index_plus1 - 1;
    }
  }

 private:
  struct Slot {
    uint32_t hash;
    uint32_t index_plus1;  // 0 = empty
  };
  static constexpr size_t kInitialCapacity = 1024;

  void Grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    mask_ = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.index_plus1 == 0) continue;
      size_t i = s.hash & mask_;
      while (slots_[i].index_plus1 != 0) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  size_t mask_;
  size_t size_ = 0;
};

inline uint64_t HashBits(uint64_t x) {
  x *= 0x9E3779B97F4A7C15ull;
  return x ^ (x >> 29);
}

// Bit patterns, so that -0.0 and 0.0, and NaNs with different payloads,
// stay distinct and round-trip exactly.
template <typename T>
inline uint64_t Bits(T v) {
  static_assert(sizeof(T) <= 8);
  uint64_t b = 0;
  std::memcpy(&b, &v, sizeof(T));
  return b;
}

class DictEncoder final : public DictionaryEncoder {
 public:
  DictEncoder(PhysicalType type, int32_t type_length) : dict_(type, type_length) {}

  void Put(const ColumnValues& values, size_t begin, size_t end) override {
    ReserveMore(indices_, end - begin);
    switch (dict_.type) {
      case PhysicalType::kBoolean:
        PutFixed(values.bools, dict_.bools, begin, end);
        break;
      case PhysicalType::kInt32:
        PutFixed(values.i32, dict_.i32, begin, end);
        break;
      case PhysicalType::kInt64:
        PutFixed(values.i64, dict_.i64, begin, end);
        break;
      case PhysicalType::kFloat:
        PutFixed(values.f32, dict_.f32, begin, end);
        break;
      case PhysicalType::kDouble:
        PutFixed(values.f64, dict_.f64, begin, end);
        break;
      case PhysicalType::kInt96:
        PutInt96(values, begin, end);
        break;
      case PhysicalType::kByteArray:
      case PhysicalType::kFixedLenByteArray:
        PutBytes(values, begin, end);
        break;
    }
  }

  size_t EstimatedSize() const override {
    return 1 + (indices_.size() * static_cast<size_t>(IndexBitWidth()) + 7) / 8 + 8;
  }

  void FinishPage(std::string* out) override {
    const int width = IndexBitWidth();
    out->push_back(static_cast<char>(width));
    RleEncode(indices_.data(), indices_.size(), width, out);
    indices_.clear();
  }

  Encoding encoding() const override { return Encoding::kRleDictionary; }

  size_t DictionaryByteSize() const override {
    if (dict_.type == PhysicalType::kBoolean) return (dict_.bools.size() + 7) / 8;
    if (dict_.type == PhysicalType::kByteArray) {
      return dict_.bytes.total_bytes() + 4 * dict_.bytes.size();
    }
    if (dict_.type == PhysicalType::kFixedLenByteArray) return dict_.bytes.total_bytes();
    return dict_.size() * PlainValueSize(dict_.type, dict_.type_length);
  }

  size_t NumEntries() const override { return dict_.size(); }

  void WriteDictionaryPage(std::string* out) const override {
    auto plain = MakePlainEncoder(dict_.type, dict_.type_length);
    plain->Put(dict_, 0, dict_.size());
    plain->FinishPage(out);
  }

  const ColumnValues& dictionary() const override { return dict_; }

 private:
  // At least 1, so that readers never meet a zero bit width.
  int IndexBitWidth() const {
    const size_t n = dict_.size();
    return n <= 2 ? 1 : bit_util::BitWidth(n - 1);
  }

  template <typename T>
  void PutFixed(const std::vector<T>& src, std::vector<T>& dict, size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      const T v = src[i];
      const uint64_t bits = Bits(v);
      const auto next = static_cast<uint32_t>(dict.size());
      const uint32_t idx = table_.FindOrInsert(HashBits(bits), next,
                                               [&](uint32_t j) { return Bits(dict[j]) == bits; });
      if (idx == next) dict.push_back(v);
      indices_.push_back(idx);
    }
  }

  void PutInt96(const ColumnValues& values, size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      const Int96 v = values.i96[i];
      const uint64_t lo = uint64_t{v.words[0]} | (uint64_t{v.words[1]} << 32);
      const auto next = static_cast<uint32_t>(dict_.i96.size());
      const uint32_t idx =
          table_.FindOrInsert(HashBits(lo ^ HashBits(v.words[2])), next,
                              [&](uint32_t j) { return std::memcmp(&dict_.i96[j], &v, 12) == 0; });
      if (idx == next) dict_.i96.push_back(v);
      indices_.push_back(idx);
    }
  }

  void PutBytes(const ColumnValues& values, size_t begin, size_t end) {
    // Keys are views into dict_.bytes; no per-value allocation.
    const std::hash<std::string_view> hasher;
    for (size_t i = begin; i < end; ++i) {
      const std::string_view v = values.bytes.Get(i);
      const auto next = static_cast<uint32_t>(dict_.bytes.size());
      const uint32_t idx =
          table_.FindOrInsert(hasher(v), next, [&](uint32_t j) { return dict_.bytes.Get(j) == v; });
      if (idx == next) dict_.bytes.Append(v);
      indices_.push_back(idx);
    }
  }

  ColumnValues dict_;
  IndexTable table_;
  std::vector<uint32_t> indices_;  // this page's values
};

class DictDecoder final : public ValueDecoder {
 public:
  DictDecoder(Encoding encoding, const ColumnValues* dict, const uint8_t* data, size_t len,
              int width)
      : encoding_(encoding),
        dict_(dict),
        indices_(data, len, width, EncodingName(encoding).data()) {}

  Status Decode(size_t n, ColumnValues* out) override {
    const size_t dict_size = dict_->size();
    for (size_t done = 0; done < n;) {
      const size_t k = std::min(kBatch, n - done);
      RETURN_IF_ERROR(indices_.Get(idx_, k));
      uint32_t max_idx = 0;
      for (size_t i = 0; i < k; ++i) max_idx = std::max(max_idx, idx_[i]);
      if (k > 0 && max_idx >= dict_size) {
        return EncodingError(encoding_, "index " + std::to_string(max_idx) +
                                            " out of range for a dictionary of " +
                                            std::to_string(dict_size) + " entries");
      }
      switch (dict_->type) {
        case PhysicalType::kBoolean:
          Gather(dict_->bools, k, &out->bools);
          break;
        case PhysicalType::kInt32:
          Gather(dict_->i32, k, &out->i32);
          break;
        case PhysicalType::kInt64:
          Gather(dict_->i64, k, &out->i64);
          break;
        case PhysicalType::kInt96:
          Gather(dict_->i96, k, &out->i96);
          break;
        case PhysicalType::kFloat:
          Gather(dict_->f32, k, &out->f32);
          break;
        case PhysicalType::kDouble:
          Gather(dict_->f64, k, &out->f64);
          break;
        case PhysicalType::kByteArray:
        case PhysicalType::kFixedLenByteArray:
          GatherBytes(k, &out->bytes);
          break;
      }
      done += k;
    }
    return Status::OK();
  }

 private:
  static constexpr size_t kBatch = 1024;

  template <typename T>
  void Gather(const std::vector<T>& dict, size_t k, std::vector<T>* out) {
    const size_t old = out->size();
    out->resize(old + k);
    T* dst = out->data() + old;
    const T* src = dict.data();
    for (size_t i = 0; i < k; ++i) dst[i] = src[idx_[i]];
  }

  void GatherBytes(size_t k, ByteArrayBuffer* out) {
    const auto& doff = dict_->bytes.offsets();
    const char* dsrc = dict_->bytes.data().data();
    size_t total = 0;
    for (size_t i = 0; i < k; ++i) total += doff[idx_[i] + 1] - doff[idx_[i]];
    auto& bytes = out->mutable_data();
    auto& offsets = out->mutable_offsets();
    size_t pos = bytes.size();
    bytes.resize(pos + total);
    ReserveMore(offsets, k);
    char* dst = bytes.data();
    for (size_t i = 0; i < k; ++i) {
      const uint64_t b = doff[idx_[i]];
      const size_t l = doff[idx_[i] + 1] - b;
      std::memcpy(dst + pos, dsrc + b, l);
      pos += l;
      offsets.push_back(pos);
    }
  }

  Encoding encoding_;
  const ColumnValues* dict_;
  RleDecoder indices_;
  uint32_t idx_[kBatch];
};

}  // namespace

DecoderResult MakeDictionaryDecoder(Encoding encoding, PhysicalType type, int32_t type_length,
                                    const uint8_t* data, size_t len,
                                    const ColumnValues* dictionary) {
  const std::string name(EncodingName(encoding));
  if (dictionary == nullptr) {
    return Status::InvalidArgument("parquet: " + name + ": no dictionary page was read");
  }
  if (dictionary->type != type) {
    return Status::InvalidArgument("parquet: " + name + ": dictionary holds " +
                                   std::string(PhysicalTypeName(dictionary->type)) +
                                   " values but the column is " +
                                   std::string(PhysicalTypeName(type)));
  }
  if (len == 0) return EncodingError(encoding, "data page has no bit width byte");
  const int width = data[0];
  if (width > 32) {
    return EncodingError(encoding, "index bit width " + std::to_string(width) + " > 32");
  }
  return std::unique_ptr<ValueDecoder>(
      new DictDecoder(encoding, dictionary, data + 1, len - 1, width));
}

}  // namespace lakestream::parquet::internal

namespace lakestream::parquet {

std::unique_ptr<DictionaryEncoder> MakeDictionaryEncoder(PhysicalType type, int32_t type_length) {
  return std::make_unique<internal::DictEncoder>(type, type_length);
}

}  // namespace lakestream::parquet
