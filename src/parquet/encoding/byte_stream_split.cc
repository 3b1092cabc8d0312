// BYTE_STREAM_SPLIT (Encodings.md, "BYTE_STREAM_SPLIT = 9"): for values of K
// bytes, K streams of N bytes each; stream k holds byte k of every value. The
// page length must be exactly K * N.
#include <algorithm>
#include <cstring>
#include <vector>

#include "parquet/encoding/encoding_internal.h"

namespace lakestream::parquet::internal {
namespace {

// Gathers values [first, first + n) of `count` values split over `width`
// streams into dst (value-major).
template <size_t kWidth>
void Join(const uint8_t* src, size_t count, size_t first, size_t n, size_t width, uint8_t* dst) {
  if constexpr (kWidth != 0) {
    // Value-major with the byte loop unrolled: K sequential reads, one
    // sequential write.
    const uint8_t* streams[kWidth];
    for (size_t k = 0; k < kWidth; ++k) streams[k] = src + k * count + first;
    for (size_t i = 0; i < n; ++i) {
      for (size_t k = 0; k < kWidth; ++k) dst[i * kWidth + k] = streams[k][i];
    }
  } else {
    for (size_t k = 0; k < width; ++k) {
      const uint8_t* stream = src + k * count + first;
      uint8_t* d = dst + k;
      for (size_t i = 0; i < n; ++i) d[i * width] = stream[i];
    }
  }
}

// Scatters n values of `width` bytes (value-major) into `width` streams of
// n bytes each.
template <size_t kWidth>
void Split(const uint8_t* src, size_t n, size_t width, uint8_t* dst) {
  const size_t w = kWidth ? kWidth : width;
  for (size_t k = 0; k < w; ++k) {
    uint8_t* stream = dst + k * n;
    const uint8_t* s = src + k;
    for (size_t i = 0; i < n; ++i) stream[i] = s[i * w];
  }
}

void JoinAny(const uint8_t* src, size_t count, size_t first, size_t n, size_t width, uint8_t* dst) {
  if (width == 4) return Join<4>(src, count, first, n, width, dst);
  if (width == 8) return Join<8>(src, count, first, n, width, dst);
  Join<0>(src, count, first, n, width, dst);
}

void SplitAny(const uint8_t* src, size_t n, size_t width, uint8_t* dst) {
  if (width == 4) return Split<4>(src, n, width, dst);
  if (width == 8) return Split<8>(src, n, width, dst);
  Split<0>(src, n, width, dst);
}

class ByteStreamSplitDecoder final : public ValueDecoder {
 public:
  ByteStreamSplitDecoder(PhysicalType type, size_t width, const uint8_t* data, size_t len)
      : type_(type), width_(width), data_(data), count_(len / width) {}

  Status Decode(size_t n, ColumnValues* out) override {
    if (n == 0) return Status::OK();
    if (n > count_ - next_) {
      return EncodingError(Encoding::kByteStreamSplit,
                           std::to_string(n) + " values requested but only " +
                               std::to_string(count_ - next_) + " remain");
    }
    if (type_ == PhysicalType::kFixedLenByteArray) {
      scratch_.resize(n * width_);
      JoinAny(data_, count_, next_, n, width_, scratch_.data());
      AppendFixedWidth(scratch_.data(), n, width_, &out->bytes);
    } else {
      JoinAny(data_, count_, next_, n, width_, GrowFixed(out, type_, n));
    }
    next_ += n;
    return Status::OK();
  }

 private:
  PhysicalType type_;
  size_t width_;
  const uint8_t* data_;
  size_t count_;
  size_t next_ = 0;
  std::vector<uint8_t> scratch_;
};

class ByteStreamSplitEncoder final : public ValueEncoder {
 public:
  ByteStreamSplitEncoder(PhysicalType type, size_t width) : type_(type), width_(width) {}

  void Put(const ColumnValues& values, size_t begin, size_t end) override {
    if (begin == end) return;
    if (type_ == PhysicalType::kFixedLenByteArray) {
      const auto& offsets = values.bytes.offsets();
      values_.append(values.bytes.data(), offsets[begin], offsets[end] - offsets[begin]);
    } else {
      values_.append(reinterpret_cast<const char*>(FixedData(values, type_)) + begin * width_,
                     (end - begin) * width_);
    }
  }

  size_t EstimatedSize() const override { return values_.size(); }

  void FinishPage(std::string* out) override {
    const size_t n = values_.size() / width_;
    const size_t pos = out->size();
    out->resize(pos + n * width_);
    SplitAny(reinterpret_cast<const uint8_t*>(values_.data()), n, width_,
             reinterpret_cast<uint8_t*>(out->data()) + pos);
    values_.clear();
  }

  Encoding encoding() const override { return Encoding::kByteStreamSplit; }

 private:
  PhysicalType type_;
  size_t width_;
  std::string values_;  // value-major, as PLAIN
};

}  // namespace

DecoderResult MakeByteStreamSplitDecoder(PhysicalType type, int32_t type_length,
                                         const uint8_t* data, size_t len) {
  const size_t width = PlainValueSize(type, type_length);
  if (len % width != 0) {
    return EncodingError(Encoding::kByteStreamSplit, "page of " + std::to_string(len) +
                                                         " bytes is not a whole number of " +
                                                         std::to_string(width) + "-byte values");
  }
  return std::unique_ptr<ValueDecoder>(new ByteStreamSplitDecoder(type, width, data, len));
}

std::unique_ptr<ValueEncoder> MakeByteStreamSplitEncoder(PhysicalType type, int32_t type_length) {
  return std::make_unique<ByteStreamSplitEncoder>(type, PlainValueSize(type, type_length));
}

}  // namespace lakestream::parquet::internal
