// ColumnValues: a growable, typed vector of the non-null values of one leaf
// column, in Parquet's physical representation. Encoders read from it,
// decoders append to it, and column readers/writers pass it around.
//
// Only the vector matching `type` is used. BYTE_ARRAY and
// FIXED_LEN_BYTE_ARRAY values live in `bytes` (offsets into one buffer).
// BOOLEAN values are stored one per byte (0 or 1).
//
// Thread-safety: a plain value type; not synchronized.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parquet/types.h"

namespace lakestream::parquet {

// A 96-bit legacy timestamp: 8 bytes of nanoseconds within the day, then a
// 4-byte Julian day number, little-endian, exactly as stored.
struct Int96 {
  uint32_t words[3];
};

// Variable-length byte strings packed into one buffer.
class ByteArrayBuffer {
 public:
  ByteArrayBuffer() : offsets_{0} {}
  size_t size() const { return offsets_.size() - 1; }
  bool empty() const { return size() == 0; }
  std::string_view Get(size_t i) const {
    return std::string_view(data_.data() + offsets_[i], offsets_[i + 1] - offsets_[i]);
  }
  void Append(std::string_view v) {
    data_.append(v);
    offsets_.push_back(static_cast<uint64_t>(data_.size()));
  }
  void Reserve(size_t n, size_t bytes) {
    offsets_.reserve(n + 1);
    data_.reserve(bytes);
  }
  void Clear() {
    offsets_.assign(1, 0);
    data_.clear();
  }
  // Keeps the first n values (n <= size()).
  void Truncate(size_t n) {
    data_.resize(offsets_[n]);
    offsets_.resize(n + 1);
  }
  size_t total_bytes() const { return data_.size(); }
  // Raw access for fast encoders and decoders.
  const std::string& data() const { return data_; }
  const std::vector<uint64_t>& offsets() const { return offsets_; }
  std::string& mutable_data() { return data_; }
  std::vector<uint64_t>& mutable_offsets() { return offsets_; }

 private:
  std::vector<uint64_t> offsets_;  // size() + 1 entries; offsets_[0] == 0
  std::string data_;
};

struct ColumnValues {
  explicit ColumnValues(PhysicalType t = PhysicalType::kInt32, int32_t len = 0)
      : type(t), type_length(len) {}

  PhysicalType type;
  int32_t type_length;  // bytes per value for FIXED_LEN_BYTE_ARRAY

  std::vector<uint8_t> bools;
  std::vector<int32_t> i32;
  std::vector<int64_t> i64;
  std::vector<Int96> i96;
  std::vector<float> f32;
  std::vector<double> f64;
  ByteArrayBuffer bytes;

  size_t size() const {
    switch (type) {
      case PhysicalType::kBoolean: return bools.size();
      case PhysicalType::kInt32: return i32.size();
      case PhysicalType::kInt64: return i64.size();
      case PhysicalType::kInt96: return i96.size();
      case PhysicalType::kFloat: return f32.size();
      case PhysicalType::kDouble: return f64.size();
      case PhysicalType::kByteArray:
      case PhysicalType::kFixedLenByteArray: return bytes.size();
    }
    return 0;
  }
  void Clear() {
    bools.clear();
    i32.clear();
    i64.clear();
    i96.clear();
    f32.clear();
    f64.clear();
    bytes.Clear();
  }
  // Keeps the first n values (n <= size()).
  void Truncate(size_t n) {
    switch (type) {
      case PhysicalType::kBoolean: bools.resize(n); break;
      case PhysicalType::kInt32: i32.resize(n); break;
      case PhysicalType::kInt64: i64.resize(n); break;
      case PhysicalType::kInt96: i96.resize(n); break;
      case PhysicalType::kFloat: f32.resize(n); break;
      case PhysicalType::kDouble: f64.resize(n); break;
      case PhysicalType::kByteArray:
      case PhysicalType::kFixedLenByteArray: bytes.Truncate(n); break;
    }
  }
  // Appends value i of `other` (same type) to this.
  void AppendFrom(const ColumnValues& other, size_t i) {
    switch (type) {
      case PhysicalType::kBoolean: bools.push_back(other.bools[i]); break;
      case PhysicalType::kInt32: i32.push_back(other.i32[i]); break;
      case PhysicalType::kInt64: i64.push_back(other.i64[i]); break;
      case PhysicalType::kInt96: i96.push_back(other.i96[i]); break;
      case PhysicalType::kFloat: f32.push_back(other.f32[i]); break;
      case PhysicalType::kDouble: f64.push_back(other.f64[i]); break;
      case PhysicalType::kByteArray:
      case PhysicalType::kFixedLenByteArray: bytes.Append(other.bytes.Get(i)); break;
    }
  }
};

}  // namespace lakestream::parquet
