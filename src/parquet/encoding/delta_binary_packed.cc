#include "parquet/encoding/delta_binary_packed.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "parquet/encoding/bit_pack.h"
#include "parquet/encoding/bit_util.h"
#include "parquet/encoding/encoding_internal.h"

namespace lakestream::parquet {
namespace {

// Real writers use 128 to 2048; the cap bounds how many values a few bytes
// can claim (a block of all-equal deltas costs 1 + miniblocks bytes).
constexpr uint64_t kMaxBlockSize = uint64_t{1} << 16;

}  // namespace

Status DeltaBitPackReader::Error(const std::string& message) const {
  return internal::EncodingError(encoding_, message);
}

Status DeltaBitPackReader::Init(const uint8_t* data, size_t len, Encoding encoding) {
  *this = DeltaBitPackReader();
  data_ = data;
  len_ = len;
  encoding_ = encoding;
  uint64_t block_size, miniblocks, total, first;
  if (!bit_util::ReadUleb128(data_, len_, &pos_, &block_size) ||
      !bit_util::ReadUleb128(data_, len_, &pos_, &miniblocks) ||
      !bit_util::ReadUleb128(data_, len_, &pos_, &total) ||
      !bit_util::ReadUleb128(data_, len_, &pos_, &first)) {
    return Error("truncated or malformed header (" + std::to_string(len) + " bytes)");
  }
  if (block_size == 0 || block_size % 128 != 0 || block_size > kMaxBlockSize) {
    return Error("block size " + std::to_string(block_size) +
                 " is not a multiple of 128 in [128, " + std::to_string(kMaxBlockSize) + "]");
  }
  if (miniblocks == 0 || block_size % miniblocks != 0 || (block_size / miniblocks) % 32 != 0) {
    return Error(std::to_string(miniblocks) + " miniblocks per block of " +
                 std::to_string(block_size) + " values do not hold a multiple of 32 values each");
  }
  if (total > 1) {
    // Every block needs at least its min delta and bit width bytes.
    const uint64_t blocks = (total - 2) / block_size + 1;
    if (blocks > (len_ - pos_) / (1 + miniblocks)) {
      return Error("value count " + std::to_string(total) + " needs more than the " +
                   std::to_string(len_ - pos_) + " bytes present");
    }
  }
  values_per_miniblock_ = block_size / miniblocks;
  miniblocks_ = miniblocks;
  miniblock_index_ = miniblocks;  // the first delta starts a block
  total_ = left_ = total;
  first_pending_ = total > 0;
  last_ = static_cast<uint64_t>(bit_util::ZigZagDecode(first));
  return Status::OK();
}

Status DeltaBitPackReader::StartMiniblock() {
  if (miniblock_index_ == miniblocks_) {
    uint64_t zigzag;
    if (!bit_util::ReadUleb128(data_, len_, &pos_, &zigzag)) {
      return Error("truncated min delta at byte " + std::to_string(pos_));
    }
    min_delta_ = static_cast<uint64_t>(bit_util::ZigZagDecode(zigzag));
    if (len_ - pos_ < miniblocks_) {
      return Error("truncated miniblock bit widths at byte " + std::to_string(pos_));
    }
    widths_ = data_ + pos_;
    pos_ += miniblocks_;
    miniblock_index_ = 0;
  }
  const int width = widths_[miniblock_index_++];
  if (width > 64) return Error("miniblock bit width " + std::to_string(width) + " > 64");
  width_ = width;
  miniblock_left_ = values_per_miniblock_;
  miniblock_end_ = pos_ + values_per_miniblock_ * static_cast<uint64_t>(width) / 8;
  return Status::OK();
}

Status DeltaBitPackReader::FillChunk() {
  if (miniblock_left_ == 0) RETURN_IF_ERROR(StartMiniblock());
  const size_t need = static_cast<size_t>(std::min<uint64_t>(32, left_));
  const size_t chunk_bytes = 4 * static_cast<size_t>(width_);
  if (len_ - pos_ >= chunk_bytes) {
    bit_pack::Unpack64(data_ + pos_, width_, 4, buf_);
    pos_ += chunk_bytes;
  } else {
    // Writers pad the last miniblock; tolerate one that is not, as long as
    // the values still to be read are all there.
    if (len_ - pos_ < (need * static_cast<size_t>(width_) + 7) / 8) {
      return Error("data ends inside a miniblock at byte " + std::to_string(pos_) + " with " +
                   std::to_string(left_) + " values left");
    }
    uint8_t tmp[4 * 64] = {};
    std::memcpy(tmp, data_ + pos_, len_ - pos_);
    bit_pack::Unpack64(tmp, width_, 4, buf_);
    pos_ = len_;
  }
  miniblock_left_ -= 32;
  buf_pos_ = 0;
  buf_len_ = static_cast<int>(need);
  return Status::OK();
}

template <typename T>
Status DeltaBitPackReader::Get(T* out, size_t n) {
  if (n > left_) {
    return Error(std::to_string(n) + " values requested but only " + std::to_string(left_) +
                 " remain");
  }
  size_t i = 0;
  if (n > 0 && first_pending_) {
    out[0] = static_cast<T>(last_);
    first_pending_ = false;
    --left_;
    i = 1;
  }
  while (i < n) {
    if (buf_pos_ == buf_len_) RETURN_IF_ERROR(FillChunk());
    const size_t k = std::min(n - i, static_cast<size_t>(buf_len_ - buf_pos_));
    uint64_t last = last_;
    const uint64_t min_delta = min_delta_;
    const uint64_t* src = buf_ + buf_pos_;
    T* dst = out + i;
    for (size_t j = 0; j < k; ++j) {
      last += min_delta + src[j];
      dst[j] = static_cast<T>(last);
    }
    last_ = last;
    buf_pos_ += static_cast<int>(k);
    left_ -= k;
    i += k;
  }
  return Status::OK();
}

template Status DeltaBitPackReader::Get<int32_t>(int32_t*, size_t);
template Status DeltaBitPackReader::Get<int64_t>(int64_t*, size_t);

Result<size_t> DeltaBitPackReader::SkipToEnd() {
  left_ -= static_cast<uint64_t>(buf_len_ - buf_pos_);
  buf_pos_ = buf_len_;
  if (first_pending_ && left_ > 0) {
    first_pending_ = false;
    --left_;
  }
  while (left_ > 0) {
    if (miniblock_left_ == 0) RETURN_IF_ERROR(StartMiniblock());
    const uint64_t k = std::min(miniblock_left_, left_);
    left_ -= k;
    miniblock_left_ -= k;
    if (miniblock_left_ == 0) {
      if (miniblock_end_ > len_) return Error("data ends inside a miniblock");
      pos_ = miniblock_end_;
    }
  }
  const size_t end = miniblock_left_ > 0 ? miniblock_end_ : pos_;
  if (end > len_) return Error("data ends inside a miniblock");
  return end;
}

template <typename T>
void DeltaBitPackWriter<T>::Put(const T* values, size_t n) {
  size_t i = 0;
  if (n > 0 && count_ == 0) {
    first_ = values[0];
    last_ = static_cast<U>(values[0]);
    count_ = 1;
    i = 1;
  }
  while (i < n) {
    const size_t k = std::min(n - i, kBlockSize - num_deltas_);
    U last = last_;
    U* dst = deltas_ + num_deltas_;
    for (size_t j = 0; j < k; ++j) {
      const U v = static_cast<U>(values[i + j]);
      dst[j] = v - last;
      last = v;
    }
    last_ = last;
    num_deltas_ += k;
    count_ += k;
    i += k;
    if (num_deltas_ == kBlockSize) FlushBlock();
  }
}

template <typename T>
void DeltaBitPackWriter<T>::FlushBlock() {
  if (num_deltas_ == 0) return;
  T min_delta = static_cast<T>(deltas_[0]);
  for (size_t j = 1; j < num_deltas_; ++j)
    min_delta = std::min(min_delta, static_cast<T>(deltas_[j]));
  bit_util::AppendUleb128(&blocks_, bit_util::ZigZagEncode(static_cast<int64_t>(min_delta)));
  U rel[kBlockSize];
  for (size_t j = 0; j < num_deltas_; ++j) rel[j] = deltas_[j] - static_cast<U>(min_delta);
  std::fill(rel + num_deltas_, rel + kBlockSize, U{0});
  int widths[kMiniblocks];
  size_t body = 0;
  for (size_t m = 0; m < kMiniblocks; ++m) {
    U bits = 0;
    for (size_t j = m * kMiniblockSize; j < (m + 1) * kMiniblockSize; ++j) bits |= rel[j];
    widths[m] = m * kMiniblockSize < num_deltas_ ? bit_util::BitWidth(bits) : 0;
    blocks_.push_back(static_cast<char>(widths[m]));
    if (m * kMiniblockSize < num_deltas_)
      body += kMiniblockSize / 8 * static_cast<size_t>(widths[m]);
  }
  size_t pos = blocks_.size();
  blocks_.resize(pos + body);
  for (size_t m = 0; m < kMiniblocks && m * kMiniblockSize < num_deltas_; ++m) {
    auto* dst = reinterpret_cast<uint8_t*>(blocks_.data()) + pos;
    if constexpr (sizeof(U) == 4) {
      bit_pack::Pack32(rel + m * kMiniblockSize, widths[m], kMiniblockSize / 8, dst);
    } else {
      bit_pack::Pack64(rel + m * kMiniblockSize, widths[m], kMiniblockSize / 8, dst);
    }
    pos += kMiniblockSize / 8 * static_cast<size_t>(widths[m]);
  }
  num_deltas_ = 0;
}

template <typename T>
size_t DeltaBitPackWriter<T>::EstimatedSize() const {
  return 32 + blocks_.size() + (num_deltas_ > 0 ? 15 + num_deltas_ * sizeof(T) : 0);
}

template <typename T>
void DeltaBitPackWriter<T>::Finish(std::string* out) {
  FlushBlock();
  bit_util::AppendUleb128(out, kBlockSize);
  bit_util::AppendUleb128(out, kMiniblocks);
  bit_util::AppendUleb128(out, count_);
  bit_util::AppendUleb128(out, bit_util::ZigZagEncode(static_cast<int64_t>(first_)));
  out->append(blocks_);
  blocks_.clear();
  count_ = 0;
  first_ = 0;
  last_ = 0;
}

template class DeltaBitPackWriter<int32_t>;
template class DeltaBitPackWriter<int64_t>;

namespace internal {
namespace {

class DeltaBinaryPackedDecoder final : public ValueDecoder {
 public:
  explicit DeltaBinaryPackedDecoder(PhysicalType type) : type_(type) {}
  Status Init(const uint8_t* data, size_t len) {
    return reader_.Init(data, len, Encoding::kDeltaBinaryPacked);
  }

  Status Decode(size_t n, ColumnValues* out) override {
    if (n > reader_.values_left()) {
      return EncodingError(Encoding::kDeltaBinaryPacked,
                           std::to_string(n) + " values requested but only " +
                               std::to_string(reader_.values_left()) + " remain");
    }
    return type_ == PhysicalType::kInt32 ? Append(&out->i32, n) : Append(&out->i64, n);
  }

 private:
  template <typename T>
  Status Append(std::vector<T>* out, size_t n) {
    const size_t old = out->size();
    out->resize(old + n);
    Status st = reader_.Get(out->data() + old, n);
    if (!st.ok()) out->resize(old);
    return st;
  }

  PhysicalType type_;
  DeltaBitPackReader reader_;
};

template <typename T>
class DeltaBinaryPackedEncoder final : public ValueEncoder {
 public:
  void Put(const ColumnValues& values, size_t begin, size_t end) override {
    if constexpr (sizeof(T) == 4) {
      writer_.Put(values.i32.data() + begin, end - begin);
    } else {
      writer_.Put(values.i64.data() + begin, end - begin);
    }
  }
  size_t EstimatedSize() const override { return writer_.EstimatedSize(); }
  void FinishPage(std::string* out) override { writer_.Finish(out); }
  Encoding encoding() const override { return Encoding::kDeltaBinaryPacked; }

 private:
  DeltaBitPackWriter<T> writer_;
};

}  // namespace

DecoderResult MakeDeltaBinaryPackedDecoder(PhysicalType type, const uint8_t* data, size_t len) {
  auto decoder = std::make_unique<DeltaBinaryPackedDecoder>(type);
  RETURN_IF_ERROR(decoder->Init(data, len));
  return std::unique_ptr<ValueDecoder>(std::move(decoder));
}

std::unique_ptr<ValueEncoder> MakeDeltaBinaryPackedEncoder(PhysicalType type) {
  if (type == PhysicalType::kInt32) return std::make_unique<DeltaBinaryPackedEncoder<int32_t>>();
  return std::make_unique<DeltaBinaryPackedEncoder<int64_t>>();
}

}  // namespace internal
}  // namespace lakestream::parquet
