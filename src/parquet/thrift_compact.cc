#include "parquet/thrift_compact.h"

#include <cassert>
#include <cstring>
#include <limits>

namespace lakestream::parquet::thrift {
namespace {

constexpr int kMaxVarintBytes = 10;

// The fewest bytes one encoded value of `t` can take; used to reject element
// counts the remaining input cannot hold.
size_t MinEncodedSize(Type t) {
  switch (t) {
    case Type::kDouble:
      return 8;
    case Type::kUuid:
      return 16;
    default:
      return 1;  // every other value takes at least one byte
  }
}

}  // namespace

std::string_view TypeName(Type t) {
  switch (t) {
    case Type::kStop:
      return "stop";
    case Type::kBool:
      return "bool";
    case Type::kBoolFalse:
      return "bool";
    case Type::kByte:
      return "byte";
    case Type::kI16:
      return "i16";
    case Type::kI32:
      return "i32";
    case Type::kI64:
      return "i64";
    case Type::kDouble:
      return "double";
    case Type::kBinary:
      return "binary";
    case Type::kList:
      return "list";
    case Type::kSet:
      return "set";
    case Type::kMap:
      return "map";
    case Type::kStruct:
      return "struct";
    case Type::kUuid:
      return "uuid";
  }
  return "unknown";
}

// ---------------------------------------------------------------- reader

Status CompactReader::Corrupt(std::string_view what) const { return Corrupt(what, pos_); }

Status CompactReader::Corrupt(std::string_view what, size_t offset) const {
  std::string msg = "thrift: ";
  msg.append(what);
  msg.append(" at offset ");
  msg.append(std::to_string(offset));
  return Status::Corruption(std::move(msg));
}

Status CompactReader::ReadVarintSlow(uint64_t* v) {
  const size_t start = pos_;
  uint64_t result = 0;
  for (int i = 0; i < kMaxVarintBytes; ++i) {
    if (pos_ >= len_) return Corrupt("truncated varint", start);
    const uint8_t b = data_[pos_++];
    if (i == kMaxVarintBytes - 1 && b > 1) {
      // The tenth byte holds bit 63 only; anything else overflows 64 bits or
      // continues past ten bytes.
      return Corrupt(b & 0x80 ? "varint longer than 10 bytes" : "varint overflows 64 bits", start);
    }
    result |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      *v = result;
      return Status::OK();
    }
  }
  return Corrupt("varint longer than 10 bytes", start);  // not reached
}

Status CompactReader::ReadVarint32(uint32_t* v, std::string_view what) {
  const size_t start = pos_;
  uint64_t u;
  RETURN_IF_ERROR(ReadVarint(&u));
  if (u > std::numeric_limits<uint32_t>::max()) {
    return Corrupt(std::string(what) + " does not fit in 32 bits", start);
  }
  *v = static_cast<uint32_t>(u);
  return Status::OK();
}

Status CompactReader::BeginStruct() {
  if (depth_ >= kMaxDepth) return Corrupt("nesting deeper than 64");
  ++depth_;
  saved_field_ids_[depth_] = last_field_id_;
  last_field_id_ = 0;
  return Status::OK();
}

void CompactReader::EndStruct() {
  assert(depth_ > 0);
  last_field_id_ = saved_field_ids_[depth_];
  --depth_;
}

Status CompactReader::EnterContainer() {
  if (depth_ >= kMaxDepth) return Corrupt("nesting deeper than 64");
  ++depth_;
  return Status::OK();
}

Status CompactReader::ReadFieldHeaderSlow(FieldHeader* header) {
  if (pos_ >= len_) return Corrupt("truncated field header");
  const size_t start = pos_;
  const uint8_t b = data_[pos_++];
  const uint8_t type = b & 0x0f;
  if (type == 0) {
    if (b != 0) return Corrupt("stop field with nonzero id delta", start);
    header->type = Type::kStop;
    header->id = 0;
    return Status::OK();
  }
  if (type > static_cast<uint8_t>(Type::kUuid)) {
    return Corrupt("invalid field type " + std::to_string(type), start);
  }
  const uint8_t delta = b >> 4;
  int64_t id;
  if (delta != 0) {
    id = last_field_id_ + delta;
  } else {
    uint64_t u;
    RETURN_IF_ERROR(ReadVarint(&u));
    id = ZigzagDecode(u);
  }
  if (id <= 0 || id > kMaxFieldId) {
    // Negative ids are legal Thrift but never used by Parquet; reject them
    // along with ids that overflow i16.
    return Corrupt("invalid field id " + std::to_string(id), start);
  }
  last_field_id_ = static_cast<int16_t>(id);
  header->id = static_cast<int16_t>(id);
  if (type == static_cast<uint8_t>(Type::kBool) || type == static_cast<uint8_t>(Type::kBoolFalse)) {
    header->type = Type::kBool;
    has_pending_bool_ = true;
    pending_bool_ = type == static_cast<uint8_t>(Type::kBool);
  } else {
    header->type = static_cast<Type>(type);
  }
  return Status::OK();
}

Status CompactReader::ReadBool(bool* v) {
  if (has_pending_bool_) {
    has_pending_bool_ = false;
    *v = pending_bool_;
    return Status::OK();
  }
  if (pos_ >= len_) return Corrupt("truncated bool");
  const uint8_t b = data_[pos_];
  // Element bools are 1 (true) and 0 (false); some writers used 2 for false.
  if (b > 2) return Corrupt("invalid bool value " + std::to_string(b));
  ++pos_;
  *v = b == 1;
  return Status::OK();
}

Status CompactReader::ReadByte(int8_t* v) {
  if (pos_ >= len_) return Corrupt("truncated byte");
  *v = static_cast<int8_t>(data_[pos_++]);
  return Status::OK();
}

Status CompactReader::ReadI16(int16_t* v) {
  const size_t start = pos_;
  uint64_t u;
  RETURN_IF_ERROR(ReadVarint(&u));
  const int64_t s = ZigzagDecode(u);
  if (s < std::numeric_limits<int16_t>::min() || s > std::numeric_limits<int16_t>::max()) {
    return Corrupt("i16 out of range", start);
  }
  *v = static_cast<int16_t>(s);
  return Status::OK();
}

Status CompactReader::ReadI32Slow(int32_t* v) {
  const size_t start = pos_;
  uint64_t u;
  RETURN_IF_ERROR(ReadVarint(&u));
  const int64_t s = ZigzagDecode(u);
  if (s < std::numeric_limits<int32_t>::min() || s > std::numeric_limits<int32_t>::max()) {
    return Corrupt("i32 out of range", start);
  }
  *v = static_cast<int32_t>(s);
  return Status::OK();
}

Status CompactReader::ReadDouble(double* v) {
  if (remaining() < 8) return Corrupt("truncated double");
  uint64_t bits = 0;
  for (int i = 7; i >= 0; --i) bits = (bits << 8) | data_[pos_ + i];  // little-endian
  std::memcpy(v, &bits, sizeof(bits));
  pos_ += 8;
  return Status::OK();
}

Status CompactReader::ReadBinary(std::string_view* v) {
  const size_t start = pos_;
  uint32_t n;
  RETURN_IF_ERROR(ReadVarint32(&n, "binary length"));
  if (n > remaining()) {
    return Corrupt("binary length " + std::to_string(n) + " exceeds the " +
                       std::to_string(remaining()) + " bytes left",
                   start);
  }
  *v = std::string_view(reinterpret_cast<const char*>(data_ + pos_), n);
  pos_ += n;
  return Status::OK();
}

Status CompactReader::ReadBinary(std::string* v) {
  std::string_view view;
  RETURN_IF_ERROR(ReadBinary(&view));
  v->assign(view.data(), view.size());
  return Status::OK();
}

Status CompactReader::ReadElemType(uint8_t nibble, Type* type) {
  if (nibble == static_cast<uint8_t>(Type::kBool) ||
      nibble == static_cast<uint8_t>(Type::kBoolFalse)) {
    *type = Type::kBool;
    return Status::OK();
  }
  if (nibble < static_cast<uint8_t>(Type::kByte) || nibble > static_cast<uint8_t>(Type::kUuid)) {
    return Corrupt("invalid element type " + std::to_string(nibble), pos_ - 1);
  }
  *type = static_cast<Type>(nibble);
  return Status::OK();
}

Status CompactReader::ReadListHeader(ListHeader* header) {
  if (pos_ >= len_) return Corrupt("truncated list header");
  const size_t start = pos_;
  const uint8_t b = data_[pos_++];
  RETURN_IF_ERROR(ReadElemType(b & 0x0f, &header->elem_type));
  uint32_t size = b >> 4;
  if (size == 15) {
    RETURN_IF_ERROR(ReadVarint32(&size, "list size"));
    if (size > static_cast<uint32_t>(std::numeric_limits<int32_t>::max())) {
      return Corrupt("negative list size", start);
    }
  }
  const size_t min_bytes = MinEncodedSize(header->elem_type);
  if (size > remaining() / min_bytes) {
    return Corrupt("list of " + std::to_string(size) + " " +
                       std::string(TypeName(header->elem_type)) + " cannot fit in the " +
                       std::to_string(remaining()) + " bytes left",
                   start);
  }
  header->size = size;
  return Status::OK();
}

Status CompactReader::ReadMapHeader(MapHeader* header) {
  const size_t start = pos_;
  uint32_t size;
  RETURN_IF_ERROR(ReadVarint32(&size, "map size"));
  if (size == 0) {
    header->key_type = header->value_type = Type::kStop;
    header->size = 0;
    return Status::OK();
  }
  if (size > static_cast<uint32_t>(std::numeric_limits<int32_t>::max())) {
    return Corrupt("negative map size", start);
  }
  if (pos_ >= len_) return Corrupt("truncated map header");
  const uint8_t b = data_[pos_++];
  RETURN_IF_ERROR(ReadElemType(b >> 4, &header->key_type));
  RETURN_IF_ERROR(ReadElemType(b & 0x0f, &header->value_type));
  const size_t min_bytes = MinEncodedSize(header->key_type) + MinEncodedSize(header->value_type);
  if (size > remaining() / min_bytes) {
    return Corrupt("map of " + std::to_string(size) + " entries cannot fit in the " +
                       std::to_string(remaining()) + " bytes left",
                   start);
  }
  header->size = size;
  return Status::OK();
}

Status CompactReader::Skip(Type type) {
  switch (type) {
    case Type::kBool:
    case Type::kBoolFalse: {
      bool b;
      return ReadBool(&b);
    }
    case Type::kByte: {
      int8_t b;
      return ReadByte(&b);
    }
    case Type::kI16:
    case Type::kI32:
    case Type::kI64: {
      uint64_t u;
      return ReadVarint(&u);
    }
    case Type::kDouble:
      if (remaining() < 8) return Corrupt("truncated double");
      pos_ += 8;
      return Status::OK();
    case Type::kUuid:
      if (remaining() < 16) return Corrupt("truncated uuid");
      pos_ += 16;
      return Status::OK();
    case Type::kBinary: {
      std::string_view v;
      return ReadBinary(&v);
    }
    case Type::kStruct: {
      RETURN_IF_ERROR(BeginStruct());
      for (;;) {
        FieldHeader h;
        RETURN_IF_ERROR(ReadFieldHeader(&h));
        if (h.type == Type::kStop) break;
        RETURN_IF_ERROR(Skip(h.type));
      }
      EndStruct();
      return Status::OK();
    }
    case Type::kList:
    case Type::kSet: {
      ListHeader h;
      RETURN_IF_ERROR(ReadListHeader(&h));
      RETURN_IF_ERROR(EnterContainer());
      for (uint32_t i = 0; i < h.size; ++i) RETURN_IF_ERROR(Skip(h.elem_type));
      LeaveContainer();
      return Status::OK();
    }
    case Type::kMap: {
      MapHeader h;
      RETURN_IF_ERROR(ReadMapHeader(&h));
      RETURN_IF_ERROR(EnterContainer());
      for (uint32_t i = 0; i < h.size; ++i) {
        RETURN_IF_ERROR(Skip(h.key_type));
        RETURN_IF_ERROR(Skip(h.value_type));
      }
      LeaveContainer();
      return Status::OK();
    }
    case Type::kStop:
      break;
  }
  return Corrupt("cannot skip a value of type " + std::string(TypeName(type)));
}

// ---------------------------------------------------------------- writer

void CompactWriter::BeginStruct() {
  assert(depth_ < kMaxDepth);
  ++depth_;
  saved_field_ids_[depth_] = last_field_id_;
  last_field_id_ = 0;
}

void CompactWriter::EndStruct() {
  assert(depth_ > 0);
  WriteFieldStop();
  last_field_id_ = saved_field_ids_[depth_];
  --depth_;
}

void CompactWriter::WriteFieldHeader(Type type, int16_t id) {
  const int delta = static_cast<int>(id) - last_field_id_;
  const auto t = static_cast<uint8_t>(type);
  if (delta > 0 && delta <= 15) {
    out_->push_back(static_cast<char>((delta << 4) | t));
  } else {
    out_->push_back(static_cast<char>(t));
    WriteI16(id);
  }
  last_field_id_ = id;
}

void CompactWriter::WriteBoolField(int16_t id, bool v) {
  WriteFieldHeader(v ? Type::kBool : Type::kBoolFalse, id);
}

void CompactWriter::WriteByteField(int16_t id, int8_t v) {
  WriteFieldHeader(Type::kByte, id);
  WriteByte(v);
}

void CompactWriter::WriteI16Field(int16_t id, int16_t v) {
  WriteFieldHeader(Type::kI16, id);
  WriteI16(v);
}

void CompactWriter::WriteI32Field(int16_t id, int32_t v) {
  WriteFieldHeader(Type::kI32, id);
  WriteI32(v);
}

void CompactWriter::WriteI64Field(int16_t id, int64_t v) {
  WriteFieldHeader(Type::kI64, id);
  WriteI64(v);
}

void CompactWriter::WriteDoubleField(int16_t id, double v) {
  WriteFieldHeader(Type::kDouble, id);
  WriteDouble(v);
}

void CompactWriter::WriteBinaryField(int16_t id, std::string_view v) {
  WriteFieldHeader(Type::kBinary, id);
  WriteBinary(v);
}

void CompactWriter::WriteVarint(uint64_t v) {
  char buf[kMaxVarintBytes];
  int n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out_->append(buf, n);
}

void CompactWriter::WriteI32(int32_t v) {
  // Zigzag in 32 bits so negative values take at most five bytes.
  const uint32_t u = (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31);
  WriteVarint(u);
}

void CompactWriter::WriteI64(int64_t v) { WriteVarint(ZigzagEncode(v)); }

void CompactWriter::WriteDouble(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof(bits));
  char buf[8];
  for (int i = 0; i < 8; ++i) buf[i] = static_cast<char>(bits >> (8 * i));
  out_->append(buf, 8);
}

void CompactWriter::WriteBinary(std::string_view v) {
  WriteVarint(v.size());
  out_->append(v.data(), v.size());
}

void CompactWriter::WriteListHeader(Type elem_type, uint32_t size) {
  // The spec gives bool elements type 2.
  const auto t = static_cast<uint8_t>(elem_type == Type::kBool ? Type::kBoolFalse : elem_type);
  if (size < 15) {
    out_->push_back(static_cast<char>((size << 4) | t));
  } else {
    out_->push_back(static_cast<char>(0xf0 | t));
    WriteVarint(size);
  }
}

void CompactWriter::WriteMapHeader(Type key_type, Type value_type, uint32_t size) {
  if (size == 0) {
    out_->push_back(0);
    return;
  }
  auto wire = [](Type t) { return static_cast<uint8_t>(t == Type::kBool ? Type::kBoolFalse : t); };
  WriteVarint(size);
  out_->push_back(static_cast<char>((wire(key_type) << 4) | wire(value_type)));
}

}  // namespace lakestream::parquet::thrift
