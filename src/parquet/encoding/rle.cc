#include "parquet/encoding/rle.h"

#include <algorithm>
#include <cstring>

#include "parquet/encoding/bit_pack.h"
#include "parquet/encoding/bit_util.h"

namespace lakestream::parquet {
namespace {

// Runs may hold at most 2^31 - 1 values (Encodings.md, note 3).
constexpr uint64_t kMaxRunValues = (uint64_t{1} << 31) - 1;
constexpr uint64_t kMaxPackedGroups = kMaxRunValues / 8;

void EmitRleRun(uint32_t value, uint64_t count, int bit_width, std::string* out) {
  const int value_bytes = (bit_width + 7) / 8;
  while (count > 0) {
    const uint64_t run = std::min(count, kMaxRunValues);
    bit_util::AppendUleb128(out, run << 1);
    out->append(reinterpret_cast<const char*>(&value), static_cast<size_t>(value_bytes));
    count -= run;
  }
}

// Bit-packs values[0, n), padding the last group with zeros.
template <typename T>
void EmitPacked(const T* values, size_t n, int bit_width, std::string* out) {
  constexpr size_t kChunk = 512;  // values converted to uint32 at a time
  uint32_t tmp[kChunk];
  while (n > 0) {
    const size_t groups = std::min<uint64_t>((n + 7) / 8, kMaxPackedGroups);
    const size_t run_values = std::min(n, groups * 8);
    bit_util::AppendUleb128(out, (uint64_t{groups} << 1) | 1);
    size_t base = out->size();
    out->resize(base + groups * static_cast<size_t>(bit_width));
    auto* dst = reinterpret_cast<uint8_t*>(out->data()) + base;
    for (size_t done = 0; done < run_values;) {
      const size_t k = std::min(kChunk, run_values - done);
      for (size_t i = 0; i < k; ++i) tmp[i] = static_cast<uint32_t>(values[done + i]);
      const size_t padded = (k + 7) & ~size_t{7};
      for (size_t i = k; i < padded; ++i) tmp[i] = 0;
      bit_pack::Pack32(tmp, bit_width, padded / 8, dst);
      dst += padded / 8 * static_cast<size_t>(bit_width);
      done += k;
    }
    values += run_values;
    n -= run_values;
  }
}

}  // namespace

template <typename T>
void RleEncode(const T* values, size_t n, int bit_width, std::string* out) {
  size_t packed_start = 0;  // values[packed_start, i) wait to be bit-packed
  size_t i = 0;
  while (i < n) {
    const T v = values[i];
    size_t j = i + 1;
    while (j < n && values[j] == v) ++j;
    if (j - i >= 8) {
      // Borrow values from the run to complete the pending group, so every
      // bit-packed run but the last holds a multiple of 8 values.
      const size_t pad = (8 - (i - packed_start) % 8) % 8;
      if (j - i - pad >= 8) {
        EmitPacked(values + packed_start, i + pad - packed_start, bit_width, out);
        EmitRleRun(static_cast<uint32_t>(v), j - i - pad, bit_width, out);
        packed_start = j;
      }
    }
    i = j;
  }
  EmitPacked(values + packed_start, n - packed_start, bit_width, out);
}

template void RleEncode<uint8_t>(const uint8_t*, size_t, int, std::string*);
template void RleEncode<int16_t>(const int16_t*, size_t, int, std::string*);
template void RleEncode<uint32_t>(const uint32_t*, size_t, int, std::string*);

RleDecoder::RleDecoder(const uint8_t* data, size_t len, int bit_width, const char* what)
    : data_(data), len_(len), bit_width_(bit_width), what_(what) {}

Status RleDecoder::Error(const std::string& what) const {
  return Status::Corruption("parquet: " + std::string(what_) + ": " + what);
}

Status RleDecoder::NextRun() {
  if (pos_ >= len_) {
    return Error("data ends after " + std::to_string(decoded_) + " values");
  }
  uint64_t header;
  if (!bit_util::ReadUleb128(data_, len_, &pos_, &header)) {
    return Error("truncated or oversized run header at byte " + std::to_string(pos_));
  }
  const size_t width = static_cast<size_t>(bit_width_);
  if (header & 1) {
    const uint64_t groups = header >> 1;
    if (width == 0) {
      // No bytes to check; the count is never used to size an allocation.
      if (groups > kMaxPackedGroups) return Error("bit-packed run too long");
      packed_left_ = groups * 8;
      return Status::OK();
    }
    const size_t avail = len_ - pos_;
    if (groups <= avail / width) {
      packed_left_ = groups * 8;
    } else {
      // Tolerate a last run cut short: only values whose bits are present
      // can be read, and nothing follows them.
      packed_left_ = avail * 8 / width;
      len_ = pos_ + (packed_left_ * width + 7) / 8;
    }
  } else {
    const uint64_t count = header >> 1;
    const int value_bytes = (bit_width_ + 7) / 8;
    if (len_ - pos_ < static_cast<size_t>(value_bytes)) {
      return Error("truncated RLE run value at byte " + std::to_string(pos_));
    }
    const uint64_t value = bit_util::LoadLEBytes(data_ + pos_, value_bytes);
    if (bit_width_ < 32 && (value >> bit_width_) != 0) {
      return Error("RLE run value " + std::to_string(value) + " does not fit in bit width " +
                   std::to_string(bit_width_));
    }
    pos_ += static_cast<size_t>(value_bytes);
    rle_left_ = count;
    rle_value_ = static_cast<uint32_t>(value);
  }
  return Status::OK();
}

Status RleDecoder::Get(uint32_t* out, size_t n) {
  size_t done = 0;
  const size_t width = static_cast<size_t>(bit_width_);
  while (done < n) {
    if (buf_pos_ < buf_len_) {
      const size_t k = std::min<size_t>(n - done, static_cast<size_t>(buf_len_ - buf_pos_));
      std::memcpy(out + done, buf_ + buf_pos_, k * sizeof(uint32_t));
      buf_pos_ += static_cast<int>(k);
      done += k;
    } else if (rle_left_ > 0) {
      const size_t k = static_cast<size_t>(std::min<uint64_t>(rle_left_, n - done));
      std::fill_n(out + done, k, rle_value_);
      rle_left_ -= k;
      done += k;
    } else if (packed_left_ >= 8 && n - done >= 8) {
      const size_t groups = static_cast<size_t>(std::min<uint64_t>(packed_left_, n - done) / 8);
      bit_pack::Unpack32(data_ + pos_, bit_width_, groups, out + done);
      pos_ += groups * width;
      packed_left_ -= groups * 8;
      done += groups * 8;
    } else if (packed_left_ > 0) {
      if (packed_left_ >= 8) {
        bit_pack::Unpack32(data_ + pos_, bit_width_, 1, buf_);
        pos_ += width;
        buf_len_ = 8;
        packed_left_ -= 8;
      } else {
        // The tail of a run cut short by the end of the data.
        uint8_t tmp[32] = {};
        const size_t bytes = std::min(width, len_ - pos_);
        std::memcpy(tmp, data_ + pos_, bytes);
        bit_pack::Unpack32(tmp, bit_width_, 1, buf_);
        pos_ += bytes;
        buf_len_ = static_cast<int>(packed_left_);
        packed_left_ = 0;
      }
      buf_pos_ = 0;
    } else {
      decoded_ += done;
      Status st = NextRun();
      decoded_ -= done;
      RETURN_IF_ERROR(st);
    }
  }
  decoded_ += n;
  return Status::OK();
}

}  // namespace lakestream::parquet
