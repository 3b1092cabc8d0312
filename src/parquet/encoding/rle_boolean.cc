// RLE for BOOLEAN values (data page v2 and some v1 writers): a 4-byte
// little-endian length, then that many bytes of the RLE/bit-packed hybrid at
// bit width 1.
#include <algorithm>
#include <vector>

#include "parquet/encoding/bit_util.h"
#include "parquet/encoding/encoding_internal.h"
#include "parquet/encoding/rle.h"

namespace lakestream::parquet::internal {
namespace {

class RleBooleanDecoder final : public ValueDecoder {
 public:
  RleBooleanDecoder(const uint8_t* data, size_t len) : decoder_(data, len, 1, "RLE") {}

  Status Decode(size_t n, ColumnValues* out) override {
    auto& bools = out->bools;
    for (size_t done = 0; done < n;) {
      const size_t k = std::min(kBatch, n - done);
      RETURN_IF_ERROR(decoder_.Get(buf_, k));
      const size_t old = bools.size();
      bools.resize(old + k);
      uint8_t* dst = bools.data() + old;
      // Bit width 1: the decoder already rejects values other than 0 and 1.
      for (size_t i = 0; i < k; ++i) dst[i] = static_cast<uint8_t>(buf_[i]);
      done += k;
    }
    return Status::OK();
  }

 private:
  static constexpr size_t kBatch = 1024;
  RleDecoder decoder_;
  uint32_t buf_[kBatch];
};

class RleBooleanEncoder final : public ValueEncoder {
 public:
  void Put(const ColumnValues& values, size_t begin, size_t end) override {
    values_.insert(values_.end(), values.bools.begin() + static_cast<ptrdiff_t>(begin),
                   values.bools.begin() + static_cast<ptrdiff_t>(end));
  }

  size_t EstimatedSize() const override { return 4 + values_.size() / 8 + 2; }

  void FinishPage(std::string* out) override {
    const size_t start = out->size();
    out->append(4, '\0');
    for (auto& v : values_) v &= 1;
    RleEncode(values_.data(), values_.size(), 1, out);
    bit_util::StoreLE32(out->data() + start, static_cast<uint32_t>(out->size() - start - 4));
    values_.clear();
  }

  Encoding encoding() const override { return Encoding::kRle; }

 private:
  std::vector<uint8_t> values_;
};

}  // namespace

DecoderResult MakeRleBooleanDecoder(const uint8_t* data, size_t len) {
  if (len < 4) return EncodingError(Encoding::kRle, "BOOLEAN data has no 4-byte length");
  const uint32_t body = bit_util::LoadLE32(data);
  if (body > len - 4) {
    return EncodingError(Encoding::kRle, "BOOLEAN length " + std::to_string(body) +
                                             " exceeds the " + std::to_string(len - 4) +
                                             " bytes present");
  }
  return std::unique_ptr<ValueDecoder>(new RleBooleanDecoder(data + 4, body));
}

std::unique_ptr<ValueEncoder> MakeRleBooleanEncoder() {
  return std::make_unique<RleBooleanEncoder>();
}

}  // namespace lakestream::parquet::internal
