// Test helpers for the encoding tests: random column values of every
// physical type, equality, and copies of byte buffers in exactly-sized heap
// blocks so AddressSanitizer catches any read past the end.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "parquet/column_values.h"
#include "parquet/encoding/encoding.h"

namespace lakestream::parquet::testing {

inline constexpr size_t kSizes[] = {0, 1, 7, 8, 31, 32, 33, 127, 128, 129, 1000, 100000};

// An exactly-sized heap copy of `bytes`.
class ExactBuffer {
 public:
  explicit ExactBuffer(std::string_view bytes)
      : size_(bytes.size()), data_(new uint8_t[bytes.size() ? bytes.size() : 1]) {
    if (size_) std::memcpy(data_.get(), bytes.data(), size_);
  }
  const uint8_t* data() const { return data_.get(); }
  uint8_t* data() { return data_.get(); }
  size_t size() const { return size_; }

 private:
  size_t size_;
  std::unique_ptr<uint8_t[]> data_;
};

// Random values of `type`. `distinct` > 0 limits the number of distinct
// values (for dictionary and RLE friendliness).
inline ColumnValues RandomValues(PhysicalType type, int32_t type_length, size_t n,
                                 std::mt19937_64& rng, size_t distinct = 0) {
  ColumnValues v(type, type_length);
  std::vector<uint64_t> pool;
  auto next = [&]() -> uint64_t {
    if (distinct == 0) return rng();
    if (pool.empty()) {
      for (size_t i = 0; i < distinct; ++i) pool.push_back(rng());
    }
    return pool[rng() % pool.size()];
  };
  for (size_t i = 0; i < n; ++i) {
    const uint64_t r = next();
    switch (type) {
      case PhysicalType::kBoolean:
        v.bools.push_back(r & 1);
        break;
      case PhysicalType::kInt32:
        v.i32.push_back(static_cast<int32_t>(r));
        break;
      case PhysicalType::kInt64:
        v.i64.push_back(static_cast<int64_t>(r));
        break;
      case PhysicalType::kInt96:
        v.i96.push_back(Int96{{static_cast<uint32_t>(r), static_cast<uint32_t>(r >> 32),
                               static_cast<uint32_t>(r * 31)}});
        break;
      case PhysicalType::kFloat: {
        float f;
        const auto bits = static_cast<uint32_t>(r);
        std::memcpy(&f, &bits, 4);
        v.f32.push_back(f);
        break;
      }
      case PhysicalType::kDouble: {
        double d;
        std::memcpy(&d, &r, 8);
        v.f64.push_back(d);
        break;
      }
      case PhysicalType::kByteArray: {
        std::string s(r % 23, '\0');
        for (size_t k = 0; k < s.size(); ++k) s[k] = static_cast<char>('a' + (r >> (k % 8)) % 26);
        v.bytes.Append(s);
        break;
      }
      case PhysicalType::kFixedLenByteArray: {
        std::string s(static_cast<size_t>(type_length), '\0');
        for (size_t k = 0; k < s.size(); ++k) s[k] = static_cast<char>(r >> ((k * 7) % 64));
        v.bytes.Append(s);
        break;
      }
    }
  }
  return v;
}

// Bitwise equality of the vector that `type` selects.
inline ::testing::AssertionResult SameValues(const ColumnValues& a, const ColumnValues& b) {
  if (a.size() != b.size()) {
    return ::testing::AssertionFailure() << "sizes differ: " << a.size() << " vs " << b.size();
  }
  auto bytes_equal = [](const auto& x, const auto& y) {
    return x.size() == y.size() &&
           (x.empty() || std::memcmp(x.data(), y.data(), x.size() * sizeof(x[0])) == 0);
  };
  bool same = true;
  switch (a.type) {
    case PhysicalType::kBoolean:
      same = a.bools == b.bools;
      break;
    case PhysicalType::kInt32:
      same = a.i32 == b.i32;
      break;
    case PhysicalType::kInt64:
      same = a.i64 == b.i64;
      break;
    case PhysicalType::kInt96:
      same = bytes_equal(a.i96, b.i96);
      break;
    case PhysicalType::kFloat:
      same = bytes_equal(a.f32, b.f32);
      break;
    case PhysicalType::kDouble:
      same = bytes_equal(a.f64, b.f64);
      break;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      same = a.bytes.data() == b.bytes.data() && a.bytes.offsets() == b.bytes.offsets();
      break;
  }
  if (!same) return ::testing::AssertionFailure() << "values differ";
  return ::testing::AssertionSuccess();
}

// Encodes values in a few Put calls and finishes one page.
inline std::string EncodePage(ValueEncoder* encoder, const ColumnValues& values) {
  const size_t n = values.size();
  const size_t cut1 = n / 3, cut2 = n / 3 + n / 4;
  encoder->Put(values, 0, cut1);
  encoder->Put(values, cut1, cut2);
  encoder->Put(values, cut2, n);
  std::string page;
  encoder->FinishPage(&page);
  return page;
}

// Decodes `n` values in batches of varying size.
inline Status DecodeAll(ValueDecoder* decoder, size_t n, ColumnValues* out) {
  size_t done = 0;
  size_t batch = 1;
  while (done < n) {
    const size_t k = std::min(batch, n - done);
    RETURN_IF_ERROR(decoder->Decode(k, out));
    done += k;
    batch = batch * 3 + 1;
  }
  return Status::OK();
}

}  // namespace lakestream::parquet::testing
