// DELTA_BINARY_PACKED (Encodings.md, "DELTA_BINARY_PACKED = 5"): a header
// (block size, miniblocks per block, value count, first value), then blocks
// of deltas, each with a zigzag min delta, one bit width per miniblock and
// the bit-packed (delta - min delta) values. Also the building block of
// DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY, which store lengths with it.
//
// All arithmetic is in uint64 and wraps, so any int32/int64 sequence,
// including deltas that overflow, round-trips.
//
// Thread-safety: single-threaded objects.
// Ownership: a DeltaBitPackReader points into the caller's buffer, which
// must outlive it. It is a small value type and may be copied.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>

#include "common/status.h"
#include "parquet/types.h"

namespace lakestream::parquet {

class DeltaBitPackReader {
 public:
  // Parses the header of the stream at data[0, len). `encoding` names the
  // outer encoding in error messages. Corruption on a malformed header or a
  // value count the remaining bytes cannot hold.
  Status Init(const uint8_t* data, size_t len, Encoding encoding);

  uint64_t total_values() const { return total_; }
  uint64_t values_left() const { return left_; }

  // Reads exactly n values (truncated to T). Corruption if fewer remain or
  // the data is malformed. T is int32_t or int64_t.
  template <typename T>
  Status Get(T* out, size_t n);

  // Skips every value left and returns the offset just past the stream, where
  // any data that follows it (DELTA_LENGTH_BYTE_ARRAY bytes) begins.
  Result<size_t> SkipToEnd();

 private:
  Status Error(const std::string& message) const;
  Status StartMiniblock();
  Status FillChunk();

  const uint8_t* data_ = nullptr;
  size_t len_ = 0;
  size_t pos_ = 0;
  Encoding encoding_ = Encoding::kDeltaBinaryPacked;
  uint64_t values_per_miniblock_ = 0;
  uint64_t miniblocks_ = 0;
  uint64_t total_ = 0;
  uint64_t left_ = 0;  // values not yet returned, first value included
  bool first_pending_ = false;
  uint64_t last_ = 0;  // the last value returned (or the first value)
  uint64_t min_delta_ = 0;
  const uint8_t* widths_ = nullptr;  // bit widths of the current block's miniblocks
  uint64_t miniblock_index_ = 0;     // next miniblock of the block; == miniblocks_: new block
  uint64_t miniblock_left_ = 0;      // values of the current miniblock not yet unpacked
  int width_ = 0;                    // bit width of the current miniblock
  size_t miniblock_end_ = 0;         // offset just past the current miniblock
  uint64_t buf_[32];                 // unpacked deltas (min delta not yet added)
  int buf_pos_ = 0;
  int buf_len_ = 0;
};

// Encodes int32 or int64 values: blocks of 128 values, 4 miniblocks of 32.
template <typename T>
class DeltaBitPackWriter {
 public:
  void Put(const T* values, size_t n);
  size_t count() const { return count_; }
  // Bytes Finish would append now (an upper bound for the pending block).
  size_t EstimatedSize() const;
  // Appends the stream to `out` and resets.
  void Finish(std::string* out);

 private:
  using U = std::make_unsigned_t<T>;
  static constexpr size_t kBlockSize = 128;
  static constexpr size_t kMiniblocks = 4;
  static constexpr size_t kMiniblockSize = kBlockSize / kMiniblocks;

  void FlushBlock();

  uint64_t count_ = 0;
  T first_ = 0;
  U last_ = 0;
  U deltas_[kBlockSize];
  size_t num_deltas_ = 0;
  std::string blocks_;
};

}  // namespace lakestream::parquet
