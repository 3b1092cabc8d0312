// Value and level encodings of Parquet data pages: the interfaces column
// readers and writers use, and the factories that pick an implementation.
// One implementation file per encoding lives beside this header.
//
// Decoders work on untrusted bytes: every length, bit width and count is
// checked against the input, and bad input yields Corruption with a message
// naming the encoding and what was wrong. They never read out of bounds and
// never allocate more than a small multiple of what the input can describe.
//
// Thread-safety: encoder and decoder objects are single-threaded.
// Ownership: decoders keep pointers into the caller's page buffer and, for
// dictionary decoders, to the dictionary; both must outlive the decoder.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "parquet/column_values.h"
#include "parquet/types.h"

namespace lakestream::parquet {

// ---- Levels (definition/repetition) ---------------------------------------

// Bits needed to store values 0..max_level.
int LevelBitWidth(int max_level);

// Appends `n` levels encoded with the RLE/bit-packed hybrid at
// LevelBitWidth(max_level), without any length prefix.
void EncodeLevelsRle(const int16_t* levels, size_t n, int max_level, std::string* out);

// Decodes exactly `n` levels of the RLE/bit-packed hybrid from data[0, len).
// Corruption if the data ends early or a level exceeds max_level.
Status DecodeLevelsRle(const uint8_t* data, size_t len, int max_level, size_t n, int16_t* out);

// Decodes `n` levels in the deprecated BIT_PACKED encoding (MSB-first).
// Returns the number of bytes consumed.
Result<size_t> DecodeLevelsBitPacked(const uint8_t* data, size_t len, int max_level, size_t n,
                                     int16_t* out);

// ---- Values ----------------------------------------------------------------

class ValueDecoder {
 public:
  virtual ~ValueDecoder() = default;
  // Appends the next `n` values to `out` (whose type matches the column).
  // Corruption if fewer than `n` values remain or the bytes are malformed.
  virtual Status Decode(size_t n, ColumnValues* out) = 0;
};

// Makes a decoder for the values section data[0, len) of one page.
// `dictionary` is required for PLAIN_DICTIONARY and RLE_DICTIONARY and holds
// the decoded dictionary page; indices past its end are Corruption.
// NotSupported for encodings not valid for the type.
Result<std::unique_ptr<ValueDecoder>> MakeValueDecoder(Encoding encoding, PhysicalType type,
                                                       int32_t type_length, const uint8_t* data,
                                                       size_t len,
                                                       const ColumnValues* dictionary = nullptr);

class ValueEncoder {
 public:
  virtual ~ValueEncoder() = default;
  // Adds values[begin, end) to the page being built.
  virtual void Put(const ColumnValues& values, size_t begin, size_t end) = 0;
  // Bytes the page's values section would take if finished now.
  virtual size_t EstimatedSize() const = 0;
  // Appends the encoded values section to `out` and resets for the next page.
  virtual void FinishPage(std::string* out) = 0;
  virtual Encoding encoding() const = 0;
};

// PLAIN, DELTA_BINARY_PACKED (INT32/INT64), DELTA_LENGTH_BYTE_ARRAY and
// DELTA_BYTE_ARRAY (BYTE_ARRAY), BYTE_STREAM_SPLIT (FLOAT/DOUBLE/INT32/INT64/FLBA).
// InvalidArgument for a combination the format does not allow.
Result<std::unique_ptr<ValueEncoder>> MakeValueEncoder(Encoding encoding, PhysicalType type,
                                                       int32_t type_length);

// Dictionary encoding for one column chunk: values are mapped to indices in
// an insertion-ordered dictionary shared by all pages of the chunk; each data
// page holds RLE_DICTIONARY indices (one byte of bit width, then the
// RLE/bit-packed hybrid); the dictionary page holds the distinct values PLAIN.
class DictionaryEncoder : public ValueEncoder {
 public:
  // Bytes the PLAIN dictionary page would take now; writers fall back to
  // PLAIN once this passes their limit.
  virtual size_t DictionaryByteSize() const = 0;
  virtual size_t NumEntries() const = 0;
  // Appends the PLAIN-encoded dictionary page payload to `out`.
  virtual void WriteDictionaryPage(std::string* out) const = 0;
  // The distinct values in index order.
  virtual const ColumnValues& dictionary() const = 0;
};

std::unique_ptr<DictionaryEncoder> MakeDictionaryEncoder(PhysicalType type, int32_t type_length);

}  // namespace lakestream::parquet
