// The Thrift compact protocol, as Parquet uses it for footers and page headers
// (apache/thrift doc/specs/thrift-compact-protocol.md): a reader over a byte
// range and a writer that appends to a std::string. Only struct-level encoding
// is implemented; messages (RPC envelopes) are not used by Parquet.
//
// CompactReader reads untrusted bytes. Every read is bounds-checked and fails
// with Corruption ("thrift: truncated varint at offset 123"); offsets are
// relative to the start of the range. Varints longer than 10 bytes, lengths
// and element counts that cannot fit in the remaining input, and nesting
// deeper than kMaxDepth are rejected, so no read allocates more than the
// input could describe and no recursion is unbounded.
//
// Struct protocol, reading: BeginStruct(), then ReadFieldHeader() until it
// returns kStop, reading (or Skip()ping) each field's value, then EndStruct().
// Writing: BeginStruct(), Write*Field()/WriteFieldHeader()+value, EndStruct()
// (which writes the stop byte). The outermost struct is begun explicitly too.
//
// Thread-safety: a reader or writer is used by one thread at a time.
// Ownership: the reader borrows the bytes (they must outlive it); the writer
// borrows the output string.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace lakestream::parquet::thrift {

// Wire types. In a field header a bool's value is the type itself (1 true,
// 2 false); the reader reports both as kBool. In list headers the spec says
// bool is 2 and older writers used 1; the reader accepts both.
enum class Type : uint8_t {
  kStop = 0,
  kBool = 1,
  kBoolFalse = 2,  // only on the wire; never returned by the reader
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
  kUuid = 13,
};

// "i32", "struct", ...; "unknown" for values outside the enum.
std::string_view TypeName(Type t);

// Zigzag mapping of signed to unsigned (0, -1, 1, -2 -> 0, 1, 2, 3).
inline uint64_t ZigzagEncode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t ZigzagDecode(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

// Structs, lists, sets and maps may nest at most this deep.
inline constexpr int kMaxDepth = 64;

struct FieldHeader {
  Type type = Type::kStop;  // kStop: end of struct, id is 0
  int16_t id = 0;
};

struct ListHeader {  // also sets
  Type elem_type = Type::kStop;
  uint32_t size = 0;
};

struct MapHeader {
  Type key_type = Type::kStop;
  Type value_type = Type::kStop;
  uint32_t size = 0;
};

class CompactReader {
 public:
  CompactReader(const uint8_t* data, size_t len) : data_(data), len_(len) {}

  size_t position() const { return pos_; }
  size_t remaining() const { return len_ - pos_; }
  int depth() const { return depth_; }

  // Enters a struct value; fails past kMaxDepth.
  Status BeginStruct();
  // Leaves the struct whose stop field was just read.
  void EndStruct();
  // Reads the next field header of the current struct; type kStop at its end.
  // A bool field's value is held until ReadBool() or Skip(kBool).
  Status ReadFieldHeader(FieldHeader* header) {
    // Fast path, inline: a stop, or a short-form header of a non-bool type.
    if (pos_ < len_) {
      const uint8_t b = data_[pos_];
      const uint8_t type = b & 0x0f;
      const int id = last_field_id_ + (b >> 4);
      if (b == 0) {
        ++pos_;
        header->type = Type::kStop;
        header->id = 0;
        return Status::OK();
      }
      if ((b >> 4) != 0 && type > static_cast<uint8_t>(Type::kBoolFalse) &&
          type <= static_cast<uint8_t>(Type::kUuid) && id <= kMaxFieldId) {
        ++pos_;
        last_field_id_ = static_cast<int16_t>(id);
        header->type = static_cast<Type>(type);
        header->id = static_cast<int16_t>(id);
        return Status::OK();
      }
    }
    return ReadFieldHeaderSlow(header);
  }

  // A bool field's value (after its header) or a bool list element.
  Status ReadBool(bool* v);
  Status ReadByte(int8_t* v);
  Status ReadI16(int16_t* v);
  Status ReadI32(int32_t* v) {
    if (pos_ < len_ && data_[pos_] < 0x80) {  // fast path: one byte
      *v = static_cast<int32_t>(ZigzagDecode(data_[pos_++]));
      return Status::OK();
    }
    return ReadI32Slow(v);
  }
  Status ReadI64(int64_t* v) {
    uint64_t u;
    RETURN_IF_ERROR(ReadVarint(&u));
    *v = ZigzagDecode(u);
    return Status::OK();
  }
  Status ReadDouble(double* v);
  Status ReadBinary(std::string* v);
  // A view into the input; valid as long as the input.
  Status ReadBinary(std::string_view* v);
  // Fails if the element count cannot fit in the remaining input. A caller
  // that descends into the elements must count the nesting with
  // EnterContainer()/LeaveContainer() (Skip does this itself).
  Status ReadListHeader(ListHeader* header);
  Status ReadSetHeader(ListHeader* header) { return ReadListHeader(header); }
  Status ReadMapHeader(MapHeader* header);
  Status EnterContainer();
  void LeaveContainer() { --depth_; }

  // Skips one value of the given type (e.g. an unknown field's).
  Status Skip(Type type);

  // Raw unsigned LEB128, at most 10 bytes.
  Status ReadVarint(uint64_t* v) {
    if (pos_ < len_ && data_[pos_] < 0x80) {  // fast path: one byte
      *v = data_[pos_++];
      return Status::OK();
    }
    return ReadVarintSlow(v);
  }

 private:
  static constexpr int kMaxFieldId = 32767;

  Status ReadVarintSlow(uint64_t* v);
  Status ReadFieldHeaderSlow(FieldHeader* header);
  Status ReadI32Slow(int32_t* v);
  Status Corrupt(std::string_view what) const;
  Status Corrupt(std::string_view what, size_t offset) const;
  Status ReadVarint32(uint32_t* v, std::string_view what);
  Status ReadElemType(uint8_t nibble, Type* type);
  Status CheckCount(uint64_t count, Type elem_type, int per_entry_types);

  const uint8_t* data_;
  size_t len_;
  size_t pos_ = 0;
  int depth_ = 0;
  int16_t last_field_id_ = 0;
  bool has_pending_bool_ = false;
  bool pending_bool_ = false;
  int16_t saved_field_ids_[kMaxDepth + 1] = {};
};

class CompactWriter {
 public:
  explicit CompactWriter(std::string* out) : out_(out) {}

  // Nesting is the caller's (our own code's) responsibility: past kMaxDepth
  // is a programmer error (asserted).
  void BeginStruct();
  // Writes the stop field and leaves the struct.
  void EndStruct();
  // Writes a field header: the short form (id delta 1..15) when possible.
  // For bool fields use WriteBoolField.
  void WriteFieldHeader(Type type, int16_t id);
  void WriteFieldStop() { out_->push_back(0); }

  void WriteBoolField(int16_t id, bool v);
  void WriteByteField(int16_t id, int8_t v);
  void WriteI16Field(int16_t id, int16_t v);
  void WriteI32Field(int16_t id, int32_t v);
  void WriteI64Field(int16_t id, int64_t v);
  void WriteDoubleField(int16_t id, double v);
  void WriteBinaryField(int16_t id, std::string_view v);

  // Values: list elements or values after WriteFieldHeader.
  void WriteBool(bool v) { out_->push_back(v ? 1 : 0); }
  void WriteByte(int8_t v) { out_->push_back(static_cast<char>(v)); }
  void WriteI16(int16_t v) { WriteI32(v); }
  void WriteI32(int32_t v);
  void WriteI64(int64_t v);
  void WriteDouble(double v);
  void WriteBinary(std::string_view v);
  void WriteListHeader(Type elem_type, uint32_t size);
  void WriteSetHeader(Type elem_type, uint32_t size) { WriteListHeader(elem_type, size); }
  void WriteMapHeader(Type key_type, Type value_type, uint32_t size);

  void WriteVarint(uint64_t v);

 private:
  std::string* out_;
  int depth_ = 0;
  int16_t last_field_id_ = 0;
  int16_t saved_field_ids_[kMaxDepth + 1] = {};
};

}  // namespace lakestream::parquet::thrift
