// The RLE/bit-packed hybrid (Encodings.md, "RLE = 3"): runs of one repeated
// value and bit-packed groups of 8 values, at one fixed bit width 0..32. It
// carries definition/repetition levels, dictionary indices and RLE BOOLEAN
// values. Neither the encoder nor the decoder handles the optional 4-byte
// length prefix; callers that need it add or strip it.
//
// Thread-safety: RleDecoder is single-threaded; RleEncode is a pure function.
// Ownership: an RleDecoder points into the caller's buffer, which must
// outlive it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/status.h"

namespace lakestream::parquet {

// Appends values[0, n) encoded at `bit_width` (0..32) to `out`. Values must
// fit in bit_width bits. A run of 8 or more equal values becomes an RLE run;
// everything else is bit-packed, the last group padded with zeros.
// Instantiated for uint8_t, int16_t and uint32_t.
template <typename T>
void RleEncode(const T* values, size_t n, int bit_width, std::string* out);

class RleDecoder {
 public:
  // Decodes data[0, len) at `bit_width` (0..32, checked by the caller).
  // `what` names the data in error messages, e.g. "RLE_DICTIONARY"; it must
  // be a string literal or otherwise outlive the decoder.
  RleDecoder(const uint8_t* data, size_t len, int bit_width, const char* what);

  // Reads exactly `n` values into out[0, n). Corruption if the data ends
  // first or a run is malformed.
  Status Get(uint32_t* out, size_t n);

  // Bytes consumed so far.
  size_t position() const { return pos_; }

 private:
  Status NextRun();
  Status Error(const std::string& what) const;

  const uint8_t* data_;
  size_t len_;
  size_t pos_ = 0;
  int bit_width_;
  const char* what_;
  uint64_t decoded_ = 0;   // values returned so far, for messages
  uint64_t rle_left_ = 0;  // values left in the current RLE run
  uint32_t rle_value_ = 0;
  uint64_t packed_left_ = 0;  // values left in the current bit-packed run whose bits are present
  uint32_t buf_[8];           // one unpacked group being handed out
  int buf_pos_ = 0;
  int buf_len_ = 0;
};

}  // namespace lakestream::parquet
