// DELTA_LENGTH_BYTE_ARRAY (Encodings.md, "DELTA_LENGTH_BYTE_ARRAY = 6"): the
// lengths of all values as one DELTA_BINARY_PACKED stream, then the bytes of
// all values back to back. DELTA_BYTE_ARRAY stores its suffixes this way, so
// the reader and writer are shared.
//
// Thread-safety: single-threaded objects.
// Ownership: a DeltaLengthReader points into the caller's buffer, which must
// outlive it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "parquet/column_values.h"
#include "parquet/encoding/delta_binary_packed.h"

namespace lakestream::parquet {

class DeltaLengthReader {
 public:
  // Parses data[0, len). `encoding` names the outer encoding in messages.
  Status Init(const uint8_t* data, size_t len, Encoding encoding);

  uint64_t values_left() const { return lengths_.values_left(); }

  // Reads exactly n values as views into the caller's buffer. Corruption if
  // fewer remain, a length is negative or the bytes run out.
  Status Get(size_t n, std::string_view* out);

 private:
  Encoding encoding_ = Encoding::kDeltaLengthByteArray;
  DeltaBitPackReader lengths_;
  const uint8_t* bytes_ = nullptr;
  size_t bytes_len_ = 0;
  size_t bytes_pos_ = 0;
  std::vector<int32_t> scratch_;
};

class DeltaLengthWriter {
 public:
  void Put(std::string_view v) {
    lengths_buf_.push_back(static_cast<int32_t>(v.size()));
    if (lengths_buf_.size() == kFlushEvery) FlushLengths();
    bytes_.append(v);
  }
  size_t EstimatedSize() const {
    return lengths_.EstimatedSize() + lengths_buf_.size() * 4 + bytes_.size();
  }
  void Finish(std::string* out);

 private:
  static constexpr size_t kFlushEvery = 1024;
  void FlushLengths() {
    lengths_.Put(lengths_buf_.data(), lengths_buf_.size());
    lengths_buf_.clear();
  }

  DeltaBitPackWriter<int32_t> lengths_;
  std::vector<int32_t> lengths_buf_;
  std::string bytes_;
};

}  // namespace lakestream::parquet
