// DELTA_BYTE_ARRAY (Encodings.md, "DELTA_BYTE_ARRAY = 7"): front coding. The
// lengths of the prefixes each value shares with the previous one, as a
// DELTA_BINARY_PACKED stream, then the remaining suffixes as
// DELTA_LENGTH_BYTE_ARRAY. Valid for BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY.
#include <algorithm>
#include <bit>
#include <cstring>

#include "parquet/encoding/delta_length_byte_array.h"
#include "parquet/encoding/encoding_internal.h"

namespace lakestream::parquet::internal {
namespace {

Status DbaError(const std::string& message) {
  return EncodingError(Encoding::kDeltaByteArray, message);
}

class DeltaByteArrayDecoder final : public ValueDecoder {
 public:
  DeltaByteArrayDecoder(PhysicalType type, int32_t type_length)
      : type_(type), type_length_(type_length) {}

  Status Init(const uint8_t* data, size_t len) {
    RETURN_IF_ERROR(prefixes_.Init(data, len, Encoding::kDeltaByteArray));
    DeltaBitPackReader probe = prefixes_;
    ASSIGN_OR_RETURN(const size_t end, probe.SkipToEnd());
    RETURN_IF_ERROR(suffixes_.Init(data + end, len - end, Encoding::kDeltaByteArray));
    if (prefixes_.values_left() != suffixes_.values_left()) {
      return DbaError(std::to_string(prefixes_.values_left()) + " prefix lengths but " +
                      std::to_string(suffixes_.values_left()) + " suffixes");
    }
    return Status::OK();
  }

  Status Decode(size_t n, ColumnValues* out) override {
    if (n > prefixes_.values_left()) {
      return DbaError(std::to_string(n) + " values requested but only " +
                      std::to_string(prefixes_.values_left()) + " remain");
    }
    auto& bytes = out->bytes.mutable_data();
    auto& offsets = out->bytes.mutable_offsets();
    ReserveMore(offsets, std::min(n, kBatch));
    for (size_t done = 0; done < n;) {
      const size_t k = std::min(kBatch, n - done);
      RETURN_IF_ERROR(prefixes_.Get(prefix_, k));
      RETURN_IF_ERROR(suffixes_.Get(k, suffix_));
      for (size_t i = 0; i < k; ++i) {
        const int32_t p = prefix_[i];
        if (p < 0 || static_cast<size_t>(p) > last_.size()) {
          return DbaError("prefix length " + std::to_string(p) + " invalid after a value of " +
                          std::to_string(last_.size()) + " bytes");
        }
        last_.resize(static_cast<size_t>(p));
        last_.append(suffix_[i]);
        if (type_ == PhysicalType::kFixedLenByteArray &&
            last_.size() != static_cast<size_t>(type_length_)) {
          return DbaError("value of " + std::to_string(last_.size()) +
                          " bytes in a FIXED_LEN_BYTE_ARRAY(" + std::to_string(type_length_) +
                          ") column");
        }
        bytes.append(last_);
        offsets.push_back(bytes.size());
      }
      done += k;
    }
    return Status::OK();
  }

 private:
  static constexpr size_t kBatch = 512;
  PhysicalType type_;
  int32_t type_length_;
  DeltaBitPackReader prefixes_;
  DeltaLengthReader suffixes_;
  std::string last_;
  int32_t prefix_[kBatch];
  std::string_view suffix_[kBatch];
};

size_t CommonPrefix(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x, y;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    if (x != y) return i + static_cast<size_t>(std::countr_zero(x ^ y) / 8);
  }
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

class DeltaByteArrayEncoder final : public ValueEncoder {
 public:
  void Put(const ColumnValues& values, size_t begin, size_t end) override {
    for (size_t i = begin; i < end; ++i) {
      const std::string_view v = values.bytes.Get(i);
      const size_t p = CommonPrefix(last_, v);
      prefix_buf_.push_back(static_cast<int32_t>(p));
      if (prefix_buf_.size() == kFlushEvery) FlushPrefixes();
      suffixes_.Put(v.substr(p));
      last_.assign(v);
    }
  }

  size_t EstimatedSize() const override {
    return prefixes_.EstimatedSize() + prefix_buf_.size() * 4 + suffixes_.EstimatedSize();
  }

  void FinishPage(std::string* out) override {
    FlushPrefixes();
    prefixes_.Finish(out);
    suffixes_.Finish(out);
    last_.clear();  // each page starts from an empty previous value
  }

  Encoding encoding() const override { return Encoding::kDeltaByteArray; }

 private:
  static constexpr size_t kFlushEvery = 1024;
  void FlushPrefixes() {
    prefixes_.Put(prefix_buf_.data(), prefix_buf_.size());
    prefix_buf_.clear();
  }

  DeltaBitPackWriter<int32_t> prefixes_;
  std::vector<int32_t> prefix_buf_;
  DeltaLengthWriter suffixes_;
  std::string last_;
};

}  // namespace

DecoderResult MakeDeltaByteArrayDecoder(PhysicalType type, int32_t type_length, const uint8_t* data,
                                        size_t len) {
  auto decoder = std::make_unique<DeltaByteArrayDecoder>(type, type_length);
  RETURN_IF_ERROR(decoder->Init(data, len));
  return std::unique_ptr<ValueDecoder>(std::move(decoder));
}

std::unique_ptr<ValueEncoder> MakeDeltaByteArrayEncoder(PhysicalType type, int32_t type_length) {
  return std::make_unique<DeltaByteArrayEncoder>();
}

}  // namespace lakestream::parquet::internal
