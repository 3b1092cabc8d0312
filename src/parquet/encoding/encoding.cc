// MakeValueDecoder and MakeValueEncoder: which encodings are valid for which
// physical types, and the dispatch to each encoding's file.
#include "parquet/encoding/encoding.h"

#include "parquet/encoding/encoding_internal.h"

namespace lakestream::parquet {
namespace {

bool IsInteger(PhysicalType t) { return t == PhysicalType::kInt32 || t == PhysicalType::kInt64; }

bool IsByteArray(PhysicalType t) {
  return t == PhysicalType::kByteArray || t == PhysicalType::kFixedLenByteArray;
}

bool ByteStreamSplitType(PhysicalType t) {
  return IsInteger(t) || t == PhysicalType::kFloat || t == PhysicalType::kDouble ||
         t == PhysicalType::kFixedLenByteArray;
}

std::string Combination(Encoding e, PhysicalType t) {
  return "parquet: encoding " + std::string(EncodingName(e)) + " is not valid for " +
         std::string(PhysicalTypeName(t)) + " columns";
}

}  // namespace

Result<std::unique_ptr<ValueDecoder>> MakeValueDecoder(Encoding encoding, PhysicalType type,
                                                       int32_t type_length, const uint8_t* data,
                                                       size_t len, const ColumnValues* dictionary) {
  if (type == PhysicalType::kFixedLenByteArray && type_length <= 0) {
    return Status::InvalidArgument("parquet: FIXED_LEN_BYTE_ARRAY column with type_length " +
                                   std::to_string(type_length));
  }
  if (data == nullptr && len != 0) {
    return Status::InvalidArgument("parquet: null page data with nonzero length");
  }
  static const uint8_t kEmpty = 0;
  if (data == nullptr) data = &kEmpty;
  switch (encoding) {
    case Encoding::kPlain:
      return internal::MakePlainDecoder(type, type_length, data, len);
    case Encoding::kPlainDictionary:
    case Encoding::kRleDictionary:
      return internal::MakeDictionaryDecoder(encoding, type, type_length, data, len, dictionary);
    case Encoding::kRle:
      if (type != PhysicalType::kBoolean) break;
      return internal::MakeRleBooleanDecoder(data, len);
    case Encoding::kDeltaBinaryPacked:
      if (!IsInteger(type)) break;
      return internal::MakeDeltaBinaryPackedDecoder(type, data, len);
    case Encoding::kDeltaLengthByteArray:
      if (type != PhysicalType::kByteArray) break;
      return internal::MakeDeltaLengthByteArrayDecoder(data, len);
    case Encoding::kDeltaByteArray:
      if (!IsByteArray(type)) break;
      return internal::MakeDeltaByteArrayDecoder(type, type_length, data, len);
    case Encoding::kByteStreamSplit:
      if (!ByteStreamSplitType(type)) break;
      return internal::MakeByteStreamSplitDecoder(type, type_length, data, len);
    case Encoding::kBitPacked:
      break;
  }
  return Status::NotSupported(Combination(encoding, type));
}

Result<std::unique_ptr<ValueEncoder>> MakeValueEncoder(Encoding encoding, PhysicalType type,
                                                       int32_t type_length) {
  if (type == PhysicalType::kFixedLenByteArray && type_length <= 0) {
    return Status::InvalidArgument("parquet: FIXED_LEN_BYTE_ARRAY column with type_length " +
                                   std::to_string(type_length));
  }
  switch (encoding) {
    case Encoding::kPlain:
      return internal::MakePlainEncoder(type, type_length);
    case Encoding::kRle:
      if (type != PhysicalType::kBoolean) break;
      return internal::MakeRleBooleanEncoder();
    case Encoding::kDeltaBinaryPacked:
      if (!IsInteger(type)) break;
      return internal::MakeDeltaBinaryPackedEncoder(type);
    case Encoding::kDeltaLengthByteArray:
      if (type != PhysicalType::kByteArray) break;
      return internal::MakeDeltaLengthByteArrayEncoder();
    case Encoding::kDeltaByteArray:
      if (!IsByteArray(type)) break;
      return internal::MakeDeltaByteArrayEncoder(type, type_length);
    case Encoding::kByteStreamSplit:
      if (!ByteStreamSplitType(type)) break;
      return internal::MakeByteStreamSplitEncoder(type, type_length);
    case Encoding::kPlainDictionary:
    case Encoding::kRleDictionary:
      return Status::InvalidArgument(
          "parquet: dictionary encoding is made with MakeDictionaryEncoder");
    case Encoding::kBitPacked:
      break;
  }
  return Status::InvalidArgument(Combination(encoding, type));
}

}  // namespace lakestream::parquet
