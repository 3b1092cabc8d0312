// Private to src/parquet/encoding: the per-encoding factories behind
// MakeValueDecoder/MakeValueEncoder, and helpers shared by several encodings.
//
// Thread-safety: pure functions.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "parquet/column_values.h"
#include "parquet/encoding/encoding.h"
#include "parquet/types.h"

namespace lakestream::parquet::internal {

// Corruption "parquet: <ENCODING>: <message>".
inline Status EncodingError(Encoding encoding, const std::string& message) {
  return Status::Corruption("parquet: " + std::string(EncodingName(encoding)) + ": " + message);
}

// Bytes per value of a fixed-width type in PLAIN form; 0 for BOOLEAN and
// BYTE_ARRAY.
inline size_t PlainValueSize(PhysicalType type, int32_t type_length) {
  switch (type) {
    case PhysicalType::kInt32:
    case PhysicalType::kFloat:
      return 4;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble:
      return 8;
    case PhysicalType::kInt96:
      return 12;
    case PhysicalType::kFixedLenByteArray:
      return static_cast<size_t>(type_length);
    case PhysicalType::kBoolean:
    case PhysicalType::kByteArray:
      return 0;
  }
  return 0;
}

// Points at the first value of the fixed-width vector of `type` in `values`
// (INT32, INT64, INT96, FLOAT, DOUBLE, FIXED_LEN_BYTE_ARRAY). The type is the
// encoder's or decoder's own, never values.type, so a caller passing the
// wrong ColumnValues cannot make us index past a vector.
inline const uint8_t* FixedData(const ColumnValues& values, PhysicalType type) {
  switch (type) {
    case PhysicalType::kInt32:
      return reinterpret_cast<const uint8_t*>(values.i32.data());
    case PhysicalType::kInt64:
      return reinterpret_cast<const uint8_t*>(values.i64.data());
    case PhysicalType::kInt96:
      return reinterpret_cast<const uint8_t*>(values.i96.data());
    case PhysicalType::kFloat:
      return reinterpret_cast<const uint8_t*>(values.f32.data());
    case PhysicalType::kDouble:
      return reinterpret_cast<const uint8_t*>(values.f64.data());
    case PhysicalType::kFixedLenByteArray:
      return reinterpret_cast<const uint8_t*>(values.bytes.data().data());
    default:
      return nullptr;
  }
}

// Grows the fixed-width vector of `type` in `out` by n values and returns a
// pointer to the first new one (INT32, INT64, INT96, FLOAT, DOUBLE).
inline uint8_t* GrowFixed(ColumnValues* out, PhysicalType type, size_t n) {
  auto grow = [n](auto& v) {
    const size_t old = v.size();
    v.resize(old + n);
    return reinterpret_cast<uint8_t*>(v.data() + old);
  };
  switch (type) {
    case PhysicalType::kInt32:
      return grow(out->i32);
    case PhysicalType::kInt64:
      return grow(out->i64);
    case PhysicalType::kInt96:
      return grow(out->i96);
    case PhysicalType::kFloat:
      return grow(out->f32);
    case PhysicalType::kDouble:
      return grow(out->f64);
    default:
      return nullptr;
  }
}

// Makes room for `extra` more elements, growing geometrically: reserve()
// with an exact size on every batch would reallocate every time.
template <typename Vec>
inline void ReserveMore(Vec& v, size_t extra) {
  if (v.capacity() - v.size() < extra) v.reserve(std::max(v.size() + extra, 2 * v.capacity()));
}

// Appends n values of `width` bytes each, stored back to back at `data`, to
// a ByteArrayBuffer.
inline void AppendFixedWidth(const uint8_t* data, size_t n, size_t width, ByteArrayBuffer* out) {
  auto& offsets = out->mutable_offsets();
  auto& bytes = out->mutable_data();
  uint64_t off = bytes.size();
  bytes.append(reinterpret_cast<const char*>(data), n * width);
  ReserveMore(offsets, n);
  for (size_t i = 0; i < n; ++i) {
    off += width;
    offsets.push_back(off);
  }
}

using DecoderResult = Result<std::unique_ptr<ValueDecoder>>;

DecoderResult MakePlainDecoder(PhysicalType type, int32_t type_length, const uint8_t* data,
                               size_t len);
DecoderResult MakeDictionaryDecoder(Encoding encoding, PhysicalType type, int32_t type_length,
                                    const uint8_t* data, size_t len,
                                    const ColumnValues* dictionary);
DecoderResult MakeRleBooleanDecoder(const uint8_t* data, size_t len);
DecoderResult MakeDeltaBinaryPackedDecoder(PhysicalType type, const uint8_t* data, size_t len);
DecoderResult MakeDeltaLengthByteArrayDecoder(const uint8_t* data, size_t len);
DecoderResult MakeDeltaByteArrayDecoder(PhysicalType type, int32_t type_length, const uint8_t* data,
                                        size_t len);
DecoderResult MakeByteStreamSplitDecoder(PhysicalType type, int32_t type_length,
                                         const uint8_t* data, size_t len);

std::unique_ptr<ValueEncoder> MakePlainEncoder(PhysicalType type, int32_t type_length);
std::unique_ptr<ValueEncoder> MakeRleBooleanEncoder();
std::unique_ptr<ValueEncoder> MakeDeltaBinaryPackedEncoder(PhysicalType type);
std::unique_ptr<ValueEncoder> MakeDeltaLengthByteArrayEncoder();
std::unique_ptr<ValueEncoder> MakeDeltaByteArrayEncoder(PhysicalType type, int32_t type_length);
std::unique_ptr<ValueEncoder> MakeByteStreamSplitEncoder(PhysicalType type, int32_t type_length);

}  // namespace lakestream::parquet::internal
