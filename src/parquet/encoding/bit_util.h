// Small bit and byte helpers shared by the encodings: little-endian loads and
// stores, ULEB128 and zigzag varints, bit widths, and a bit writer that packs
// values LSB-first (the order of the RLE/bit-packed hybrid, PLAIN BOOLEAN and
// DELTA_BINARY_PACKED miniblocks).
//
// Thread-safety: free functions are pure; a BitWriter is single-threaded.
// Ownership: a BitWriter appends to a string the caller owns.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>

namespace lakestream::parquet::bit_util {

static_assert(std::endian::native == std::endian::little,
              "lakestream's encodings assume a little-endian host");

inline uint32_t LoadLE32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

inline uint64_t LoadLE64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// Loads `nbytes` (0..8) little-endian bytes, zero-extended.
inline uint64_t LoadLEBytes(const uint8_t* p, int nbytes) {
  uint64_t v = 0;
  std::memcpy(&v, p, static_cast<size_t>(nbytes));
  return v;
}

inline void AppendLE32(std::string* out, uint32_t v) {
  out->append(reinterpret_cast<const char*>(&v), 4);
}

inline void StoreLE32(char* p, uint32_t v) { std::memcpy(p, &v, 4); }

// Bits needed to represent `max_value` (0 for 0).
inline int BitWidth(uint64_t max_value) { return 64 - std::countl_zero(max_value); }

inline uint64_t ZigZagEncode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

inline int64_t ZigZagDecode(uint64_t v) { return static_cast<int64_t>((v >> 1) ^ (0 - (v & 1))); }

inline void AppendUleb128(std::string* out, uint64_t v) {
  char buf[10];
  int n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out->append(buf, static_cast<size_t>(n));
}

// Reads a ULEB128 value at data[*pos, len) and advances *pos past it.
// Returns false, leaving *pos unchanged, if the bytes end first or the value
// does not fit in 64 bits.
inline bool ReadUleb128(const uint8_t* data, size_t len, size_t* pos, uint64_t* out) {
  uint64_t result = 0;
  size_t p = *pos;
  for (int shift = 0; shift < 64 && p < len; shift += 7) {
    const uint8_t b = data[p++];
    if (shift == 63 && (b & 0x7e) != 0) return false;  // 10th byte holds one bit
    result |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      *pos = p;
      *out = result;
      return true;
    }
  }
  return false;
}

// Packs values of `width` bits (0..64) LSB-first onto the end of a string.
// Values must already fit in `width` bits.
class BitWriter {
 public:
  explicit BitWriter(std::string* out) : out_(out) {}

  void Put(uint64_t v, int width) {
    if (width == 0) return;
    acc_ |= v << bits_;
    const int total = bits_ + width;
    if (total >= 64) {
      out_->append(reinterpret_cast<const char*>(&acc_), 8);
      acc_ = bits_ == 0 ? 0 : v >> (64 - bits_);
      bits_ = total - 64;
    } else {
      bits_ = total;
    }
  }

  // Writes the partial last byte (zero-padded) and resets.
  void Flush() {
    out_->append(reinterpret_cast<const char*>(&acc_), static_cast<size_t>((bits_ + 7) / 8));
    acc_ = 0;
    bits_ = 0;
  }

 private:
  std::string* out_;
  uint64_t acc_ = 0;
  int bits_ = 0;  // bits pending in acc_, 0..63
};

}  // namespace lakestream::parquet::bit_util
