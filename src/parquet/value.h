// Value: one cell of a Parquet row as a tree, for generic record-level use
// (printing, Delta checkpoints, tests). The fast paths work on ColumnValues;
// this is the convenient one.
//
// Leaves keep their physical representation; what they mean (date,
// timestamp, decimal...) comes from the schema node they belong to. A LIST
// group is a kList of its elements, a MAP group a kMap whose items are
// kStruct {key, value}, any other group a kStruct with one Value per child in
// schema order, and an unannotated repeated field a kList.
//
// Thread-safety: a plain value type.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "parquet/column_values.h"

namespace lakestream::parquet {

struct Value {
  enum class Kind : uint8_t { kNull, kBool, kInt32, kInt64, kInt96, kFloat, kDouble, kBytes, kList, kMap, kStruct };

  Kind kind = Kind::kNull;
  union {
    bool b;
    int32_t i32;
    int64_t i64;
    float f32;
    double f64;
    Int96 i96;
  };
  std::string bytes;          // kBytes
  std::vector<Value> items;   // kList, kMap (kStruct {key, value}), kStruct (fields)

  Value() : i64(0) {}
  static Value Null() { return Value(); }
  static Value Bool(bool v) { Value x; x.kind = Kind::kBool; x.b = v; return x; }
  static Value Int32(int32_t v) { Value x; x.kind = Kind::kInt32; x.i32 = v; return x; }
  static Value Int64(int64_t v) { Value x; x.kind = Kind::kInt64; x.i64 = v; return x; }
  static Value Float(float v) { Value x; x.kind = Kind::kFloat; x.f32 = v; return x; }
  static Value Double(double v) { Value x; x.kind = Kind::kDouble; x.f64 = v; return x; }
  static Value Bytes(std::string v) { Value x; x.kind = Kind::kBytes; x.bytes = std::move(v); return x; }
  static Value List(std::vector<Value> v) { Value x; x.kind = Kind::kList; x.items = std::move(v); return x; }
  static Value Map(std::vector<Value> kv) { Value x; x.kind = Kind::kMap; x.items = std::move(kv); return x; }
  static Value Struct(std::vector<Value> f) { Value x; x.kind = Kind::kStruct; x.items = std::move(f); return x; }
  static Value Entry(Value k, Value v) { return Struct({std::move(k), std::move(v)}); }

  bool is_null() const { return kind == Kind::kNull; }
  bool operator==(const Value& o) const;
};

// A total order over Values, for sorting and min/max of one column (merge
// keys and sequences, OData watermarks). Returns <0, 0 or >0.
// - Null sorts first.
// - Numbers (kInt32, kInt64, kFloat, kDouble) compare by value across kinds,
//   exactly (int64 against double without rounding); -0.0 equals 0.0; NaN
//   sorts after every number and equals NaN (as Spark orders them).
// - kInt96 (legacy timestamps) by Julian day, then nanoseconds of the day.
// - kBool false < true; kBytes by unsigned bytes (memcmp order).
// - kList, kMap and kStruct element by element, then the shorter first.
// - Different kinds otherwise: by kind, in the order null < bool < numbers <
//   int96 < bytes < list < map < struct.
// Consistent with operator== in that equal Values compare 0 (the converse
// holds within one kind, except -0.0/0.0).
int CompareValues(const Value& a, const Value& b);

}  // namespace lakestream::parquet
