// PLAIN: values back to back. Fixed-width types are their little-endian
// bytes (decoding is one memcpy), BOOLEAN is bit-packed LSB-first, BYTE_ARRAY
// is a 4-byte little-endian length then the bytes, FIXED_LEN_BYTE_ARRAY is
// the bytes alone.
#include <algorithm>
#include <cstring>

#include "parquet/encoding/bit_util.h"
#include "parquet/encoding/encoding_internal.h"

namespace lakestream::parquet::internal {
namespace {

Status PlainError(const std::string& message) { return EncodingError(Encoding::kPlain, message); }

class PlainDecoder final : public ValueDecoder {
 public:
  PlainDecoder(PhysicalType type, int32_t type_length, const uint8_t* data, size_t len)
      : type_(type), type_length_(type_length), data_(data), len_(len) {}

  Status Decode(size_t n, ColumnValues* out) override {
    if (n == 0) return Status::OK();
    switch (type_) {
      case PhysicalType::kBoolean:
        return DecodeBooleans(n, out);
      case PhysicalType::kByteArray:
        return DecodeByteArrays(n, out);
      case PhysicalType::kFixedLenByteArray:
        return DecodeFixedLen(n, out);
      default:
        return DecodeFixed(n, out);
    }
  }

 private:
  Status NotEnough(size_t n, size_t width) const {
    return PlainError(std::to_string(n) + " " + std::string(PhysicalTypeName(type_)) +
                      " values need " + std::to_string(width) + " bytes each but only " +
                      std::to_string(len_ - pos_) + " remain");
  }

  Status DecodeFixed(size_t n, ColumnValues* out) {
    const size_t width = PlainValueSize(type_, type_length_);
    if (n > (len_ - pos_) / width) return NotEnough(n, width);
    std::memcpy(GrowFixed(out, type_, n), data_ + pos_, n * width);
    pos_ += n * width;
    return Status::OK();
  }

  Status DecodeFixedLen(size_t n, ColumnValues* out) {
    const size_t width = static_cast<size_t>(type_length_);
    if (n > (len_ - pos_) / width) return NotEnough(n, width);
    AppendFixedWidth(data_ + pos_, n, width, &out->bytes);
    pos_ += n * width;
    return Status::OK();
  }

  Status DecodeBooleans(size_t n, ColumnValues* out) {
    const uint64_t bits_left = (len_ - pos_) * 8 - bit_;
    if (n > bits_left) {
      return PlainError(std::to_string(n) + " BOOLEAN values requested but only " +
                        std::to_string(bits_left) + " bits remain");
    }
    auto& bools = out->bools;
    const size_t old = bools.size();
    bools.resize(old + n);
    uint8_t* dst = bools.data() + old;
    size_t i = 0;
    // Finish a partly used byte, then expand whole bytes, then the tail.
    for (; i < n && bit_ != 0; ++i) TakeBit(dst + i);
    for (; n - i >= 8; i += 8) {
      const uint8_t b = data_[pos_++];
      for (int k = 0; k < 8; ++k) dst[i + static_cast<size_t>(k)] = (b >> k) & 1;
    }
    for (; i < n; ++i) TakeBit(dst + i);
    return Status::OK();
  }

  void TakeBit(uint8_t* dst) {
    *dst = (data_[pos_] >> bit_) & 1;
    if (++bit_ == 8) {
      bit_ = 0;
      ++pos_;
    }
  }

  Status DecodeByteArrays(size_t n, ColumnValues* out) {
    // Pass 1 validates every length and sums the bytes; pass 2 copies.
    size_t p = pos_;
    size_t total = 0;
    for (size_t i = 0; i < n; ++i) {
      if (len_ - p < 4) {
        return PlainError("BYTE_ARRAY data ends at value " + std::to_string(i) + " of " +
                          std::to_string(n) + " (no length prefix)");
      }
      const uint32_t l = bit_util::LoadLE32(data_ + p);
      p += 4;
      if (l > len_ - p) {
        return PlainError("BYTE_ARRAY value " + std::to_string(i) + " has length " +
                          std::to_string(l) + " but only " + std::to_string(len_ - p) +
                          " bytes remain");
      }
      p += l;
      total += l;
    }
    auto& offsets = out->bytes.mutable_offsets();
    auto& bytes = out->bytes.mutable_data();
    size_t dst_pos = bytes.size();
    bytes.resize(dst_pos + total);
    ReserveMore(offsets, n);
    char* dst = bytes.data();
    for (size_t i = 0; i < n; ++i) {
      const uint32_t l = bit_util::LoadLE32(data_ + pos_);
      std::memcpy(dst + dst_pos, data_ + pos_ + 4, l);
      pos_ += 4 + l;
      dst_pos += l;
      offsets.push_back(dst_pos);
    }
    return Status::OK();
  }

  PhysicalType type_;
  int32_t type_length_;
  const uint8_t* data_;
  size_t len_;
  size_t pos_ = 0;
  int bit_ = 0;  // BOOLEAN: next bit within data_[pos_]
};

class PlainEncoder final : public ValueEncoder {
 public:
  PlainEncoder(PhysicalType type, int32_t type_length) : type_(type), type_length_(type_length) {}

  void Put(const ColumnValues& values, size_t begin, size_t end) override {
    if (begin == end) return;
    switch (type_) {
      case PhysicalType::kBoolean: {
        const uint8_t* src = values.bools.data();
        size_t i = begin;
        for (; i < end && bit_ != 0; ++i) PutBit(src[i]);
        for (; end - i >= 8; i += 8) {
          unsigned b = 0;
          for (int k = 0; k < 8; ++k) b |= (src[i + static_cast<size_t>(k)] & 1u) << k;
          buf_.push_back(static_cast<char>(b));
        }
        for (; i < end; ++i) PutBit(src[i]);
        break;
      }
      case PhysicalType::kByteArray: {
        const auto& offsets = values.bytes.offsets();
        const char* src = values.bytes.data().data();
        const size_t total = (offsets[end] - offsets[begin]) + 4 * (end - begin);
        size_t pos = buf_.size();
        buf_.resize(pos + total);
        char* dst = buf_.data();
        for (size_t i = begin; i < end; ++i) {
          const size_t l = offsets[i + 1] - offsets[i];
          bit_util::StoreLE32(dst + pos, static_cast<uint32_t>(l));
          std::memcpy(dst + pos + 4, src + offsets[i], l);
          pos += 4 + l;
        }
        break;
      }
      case PhysicalType::kFixedLenByteArray: {
        // Values are type_length bytes each, so they are contiguous.
        const auto& offsets = values.bytes.offsets();
        buf_.append(values.bytes.data(), offsets[begin], offsets[end] - offsets[begin]);
        break;
      }
      default: {
        const size_t width = PlainValueSize(type_, type_length_);
        buf_.append(reinterpret_cast<const char*>(FixedData(values, type_)) + begin * width,
                    (end - begin) * width);
        break;
      }
    }
  }

  size_t EstimatedSize() const override { return buf_.size(); }

  void FinishPage(std::string* out) override {
    out->append(buf_);
    buf_.clear();
    bit_ = 0;
  }

  Encoding encoding() const override { return Encoding::kPlain; }

 private:
  void PutBit(uint8_t v) {
    if (bit_ == 0) buf_.push_back(0);
    buf_.back() = static_cast<char>(buf_.back() | ((v & 1) << bit_));
    bit_ = (bit_ + 1) & 7;
  }

  PhysicalType type_;
  int32_t type_length_;
  std::string buf_;
  int bit_ = 0;  // BOOLEAN: bits used in buf_.back(), 0 = start a new byte
};

}  // namespace

DecoderResult MakePlainDecoder(PhysicalType type, int32_t type_length, const uint8_t* data,
                               size_t len) {
  return std::unique_ptr<ValueDecoder>(new PlainDecoder(type, type_length, data, len));
}

std::unique_ptr<ValueEncoder> MakePlainEncoder(PhysicalType type, int32_t type_length) {
  return std::make_unique<PlainEncoder>(type, type_length);
}

}  // namespace lakestream::parquet::internal
