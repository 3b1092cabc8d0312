// Definition and repetition levels: the RLE/bit-packed hybrid used by every
// current writer, and the deprecated MSB-first BIT_PACKED encoding.
#include <algorithm>
#include <bit>
#include <cassert>

#include "parquet/encoding/encoding.h"
#include "parquet/encoding/rle.h"

namespace lakestream::parquet {

int LevelBitWidth(int max_level) {
  assert(max_level >= 0);
  return max_level <= 0 ? 0 : 32 - std::countl_zero(static_cast<uint32_t>(max_level));
}

void EncodeLevelsRle(const int16_t* levels, size_t n, int max_level, std::string* out) {
  RleEncode(levels, n, LevelBitWidth(max_level), out);
}

Status DecodeLevelsRle(const uint8_t* data, size_t len, int max_level, size_t n, int16_t* out) {
  if (max_level < 0 || max_level > 0x7fff) {
    return Status::InvalidArgument("parquet: RLE levels: max level " + std::to_string(max_level) +
                                   " out of range");
  }
  const int width = LevelBitWidth(max_level);
  if (width == 0) {  // every level is 0, whatever the runs say
    std::fill_n(out, n, int16_t{0});
    return Status::OK();
  }
  RleDecoder decoder(data, len, width, "RLE levels");
  constexpr size_t kBatch = 1024;
  uint32_t buf[kBatch];
  for (size_t done = 0; done < n;) {
    const size_t k = std::min(kBatch, n - done);
    RETURN_IF_ERROR(decoder.Get(buf, k));
    uint32_t max_seen = 0;
    for (size_t i = 0; i < k; ++i) {
      max_seen = std::max(max_seen, buf[i]);
      out[done + i] = static_cast<int16_t>(buf[i]);
    }
    if (max_seen > static_cast<uint32_t>(max_level)) {
      return Status::Corruption("parquet: RLE levels: level " + std::to_string(max_seen) +
                                " exceeds max level " + std::to_string(max_level));
    }
    done += k;
  }
  return Status::OK();
}

Result<size_t> DecodeLevelsBitPacked(const uint8_t* data, size_t len, int max_level, size_t n,
                                     int16_t* out) {
  if (max_level < 0 || max_level > 0x7fff) {
    return Status::InvalidArgument("parquet: BIT_PACKED levels: max level " +
                                   std::to_string(max_level) + " out of range");
  }
  const size_t width = static_cast<size_t>(LevelBitWidth(max_level));
  if (width != 0 && n > len * 8 / width) {
    return Status::Corruption("parquet: BIT_PACKED levels: " + std::to_string(n) +
                              " levels need more than the " + std::to_string(len) +
                              " bytes present");
  }
  const size_t bytes = (n * width + 7) / 8;
  size_t bit = 0;
  for (size_t i = 0; i < n; ++i) {
    uint32_t v = 0;
    for (size_t b = 0; b < width; ++b, ++bit) {  // MSB-first within each byte
      v = (v << 1) | ((data[bit >> 3] >> (7 - (bit & 7))) & 1u);
    }
    if (v > static_cast<uint32_t>(max_level)) {
      return Status::Corruption("parquet: BIT_PACKED levels: level " + std::to_string(v) +
                                " exceeds max level " + std::to_string(max_level));
    }
    out[i] = static_cast<int16_t>(v);
  }
  return bytes;
}

}  // namespace lakestream::parquet
