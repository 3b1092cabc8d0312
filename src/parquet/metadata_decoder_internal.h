// Decoder: the helper metadata.cc reads parquet.thrift structs with. It wraps
// a thrift::CompactReader, checks each field's wire type against what the
// field id means, and keeps the path of fields being read (a fixed array, no
// allocation) so that an error says where it happened:
//   "parquet: FileMetaData.row_groups[3].columns[0].meta_data: missing
//    required field ColumnMetaData.data_page_offset".
//
// On error the path is left as it was at the failure; Fail() formats it.
//
// Thread-safety: one thread. Ownership: borrows the input bytes.
#pragma once

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "common/status.h"
#include "parquet/thrift_compact.h"

namespace lakestream::parquet::internal {

struct RequiredField {
  int16_t id;  // 1..31
  const char* name;
};

class Decoder {
 public:
  Decoder(const uint8_t* data, size_t len) : r_(data, len) {}

  thrift::CompactReader& reader() { return r_; }

  // Reads one struct value, calling on_field(const FieldHeader&) -> Status
  // for each field; on_field must read or skip the value, normally through
  // the helpers below. On success *seen has bit i set for every field id
  // i < 32 that a helper read (not skipped).
  template <typename F>
  Status Struct(F&& on_field, uint32_t* seen = nullptr) {
    RETURN_IF_ERROR(r_.BeginStruct());
    ++depth_;  // never past kMaxDepth: the reader's depth is at least ours
    Frame& frame = frames_[depth_];
    frame.seen = 0;
    for (;;) {
      frame.field = nullptr;
      frame.index = -1;
      thrift::FieldHeader h;
      RETURN_IF_ERROR(r_.ReadFieldHeader(&h));
      if (h.type == thrift::Type::kStop) break;
      RETURN_IF_ERROR(on_field(h));
    }
    r_.EndStruct();
    --depth_;
    if (seen != nullptr) *seen = frame.seen;
    return Status::OK();
  }

  // Corruption naming the first required field whose bit is not in `seen`.
  Status Require(uint32_t seen, const char* struct_name,
                 std::initializer_list<RequiredField> fields) const {
    for (const RequiredField& f : fields) {
      if ((seen & (1u << f.id)) == 0) {
        return Status::Corruption(std::string("missing required field ") + struct_name + "." +
                                  f.name);
      }
    }
    return Status::OK();
  }

  // Records `name` as the field being read. Returns true, and marks the
  // field as seen, if its wire type is `type`. Otherwise the caller skips the
  // value as Apache Thrift's generated code does: a writer that reused an id
  // with another type (Dremio wrote a list as ColumnMetaData field 15) stays
  // readable, and a required field of the wrong type is reported missing.
  bool Take(const thrift::FieldHeader& h, const char* name, thrift::Type type) {
    Frame& frame = frames_[depth_];
    frame.field = name;
    if (h.type != type) return false;
    if (h.id < 32) frame.seen |= 1u << h.id;
    return true;
  }

  Status Skip(const thrift::FieldHeader& h) { return r_.Skip(h.type); }
  Status SkipStruct() { return r_.Skip(thrift::Type::kStruct); }

  // A scalar field: bool, int8_t, int16_t, int32_t, int64_t or std::string,
  // plain or optional (set only when read).
  template <typename T>
  requires(!std::is_enum_v<T>) Status Field(const thrift::FieldHeader& h, const char* name, T* v) {
    if (!Take(h, name, WireTypeOf<T>())) return Skip(h);
    return ReadValue(v);
  }
  template <typename T>
  requires(!std::is_enum_v<T>) Status
      Field(const thrift::FieldHeader& h, const char* name, std::optional<T>* v) {
    if (!Take(h, name, WireTypeOf<T>())) return Skip(h);
    return ReadValue(&v->emplace());
  }

  // An enum carried as i32. With max_valid >= 0, values outside
  // [0, max_valid] are Corruption; otherwise any value is kept as the cast.
  template <typename E>
  requires std::is_enum_v<E> Status Field(const thrift::FieldHeader& h, const char* name, E* v,
                                          int32_t max_valid = -1) {
    if (!Take(h, name, thrift::Type::kI32)) return Skip(h);
    return ReadEnum(v, max_valid);
  }
  template <typename E>
  requires std::is_enum_v<E> Status Field(const thrift::FieldHeader& h, const char* name,
                                          std::optional<E>* v, int32_t max_valid = -1) {
    if (!Take(h, name, thrift::Type::kI32)) return Skip(h);
    return ReadEnum(&v->emplace(), max_valid);
  }

  // A struct-valued field; read() -> Status reads the struct and is called
  // only if the wire type is struct.
  template <typename F>
  Status StructField(const thrift::FieldHeader& h, const char* name, F&& read) {
    if (!Take(h, name, thrift::Type::kStruct)) return Skip(h);
    return read();
  }

  // A list field with elements of wire type `elem`; read_elem(T*) -> Status
  // reads one element. Replaces *out. A list of another element type is
  // skipped like a field of the wrong type.
  template <typename T, typename F>
  Status ListField(const thrift::FieldHeader& h, const char* name, thrift::Type elem,
                   std::vector<T>* out, F&& read_elem) {
    Frame& frame = frames_[depth_];
    frame.field = name;
    if (h.type != thrift::Type::kList) return Skip(h);
    thrift::ListHeader lh;
    RETURN_IF_ERROR(r_.ReadListHeader(&lh));
    RETURN_IF_ERROR(r_.EnterContainer());
    if (lh.size > 0 && lh.elem_type != elem) {
      for (uint32_t i = 0; i < lh.size; ++i) RETURN_IF_ERROR(r_.Skip(lh.elem_type));
      r_.LeaveContainer();
      return Status::OK();
    }
    if (h.id < 32) frame.seen |= 1u << h.id;
    out->clear();
    // The count is bounded by the remaining input, but a struct element is
    // far larger in memory than its smallest encoding: cap what we reserve
    // up front and let the vector grow past it if the elements are real.
    constexpr size_t kMaxReserve = std::max<size_t>(64, (size_t{1} << 20) / sizeof(T));
    out->reserve(std::min<size_t>(lh.size, kMaxReserve));
    for (uint32_t i = 0; i < lh.size; ++i) {
      frame.index = i;
      RETURN_IF_ERROR(read_elem(&out->emplace_back()));
    }
    frame.index = -1;
    r_.LeaveContainer();
    return Status::OK();
  }

  // "parquet: <root><path>: <message>", with the path as of the failure.
  Status Fail(const char* root, const Status& st) const;

 private:
  template <typename T>
  static constexpr thrift::Type WireTypeOf() {
    if constexpr (std::is_same_v<T, bool>) return thrift::Type::kBool;
    if constexpr (std::is_same_v<T, int8_t>) return thrift::Type::kByte;
    if constexpr (std::is_same_v<T, int16_t>) return thrift::Type::kI16;
    if constexpr (std::is_same_v<T, int32_t>) return thrift::Type::kI32;
    if constexpr (std::is_same_v<T, int64_t>) return thrift::Type::kI64;
    if constexpr (std::is_same_v<T, std::string>) return thrift::Type::kBinary;
  }
  Status ReadValue(bool* v) { return r_.ReadBool(v); }
  Status ReadValue(int8_t* v) { return r_.ReadByte(v); }
  Status ReadValue(int16_t* v) { return r_.ReadI16(v); }
  Status ReadValue(int32_t* v) { return r_.ReadI32(v); }
  Status ReadValue(int64_t* v) { return r_.ReadI64(v); }
  Status ReadValue(std::string* v) { return r_.ReadBinary(v); }
  template <typename E>
  Status ReadEnum(E* v, int32_t max_valid) {
    int32_t raw;
    RETURN_IF_ERROR(r_.ReadI32(&raw));
    if (max_valid >= 0 && (raw < 0 || raw > max_valid)) {
      return Status::Corruption("invalid value " + std::to_string(raw));
    }
    *v = static_cast<E>(raw);
    return Status::OK();
  }

  struct Frame {
    const char* field = nullptr;  // the field of this struct being read
    int64_t index = -1;           // element index when that field is a list
    uint32_t seen = 0;            // bit i: field id i (< 32) was read
  };

  thrift::CompactReader r_;
  int depth_ = 0;  // structs entered through Struct(); frames_[1..depth_] are live
  Frame frames_[thrift::kMaxDepth + 1];
};

}  // namespace lakestream::parquet::internal
