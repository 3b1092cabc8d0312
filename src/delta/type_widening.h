// Reading data files written before a column's type was widened (PROTOCOL.md
// "Type Widening", the typeWidening table feature).
//
// A table whose column went from SMALLINT to INT, FLOAT to DOUBLE, DATE to
// TIMESTAMP_NTZ or decimal(6,2) to decimal(10,4) keeps its older data files as
// they were written; readers convert their values to the column's current
// type. TypeWidening::Plan compares one file field (its Parquet node, after
// column mapping's re-layout, so struct fields are matched by logical name)
// with the table's type and records the conversion per leaf; Apply converts
// one value in place. The supported changes are exactly the protocol's:
//   byte -> short -> int -> long; float -> double; byte, short, int -> double;
//   date -> timestamp_ntz; decimal(p, s) -> decimal(p + k1, s + k2) with
//   k1 >= k2 >= 0; byte, short, int -> decimal(10 + k1, k2); long ->
//   decimal(20 + k1, k2).
// A file type that differs from the table's in any other way is left as it
// is (the reader has always done so; such files are not the table's to fix).
//
// CheckTypeChanges validates the `delta.typeChanges` history a schema carries
// in its field metadata: readers must fail on a change they do not support.
//
// Thread-safety: TypeWidening is a plain value, immutable after Plan; the
// functions are pure.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "delta/schema.h"
#include "parquet/schema.h"
#include "parquet/value.h"

namespace lakestream::delta {

class TypeWidening {
 public:
  // Plans the conversion of the values of `node` (a file's field, named and
  // laid out as the table has it) into `type`, and rewrites `node`'s
  // widened leaves to the table's Parquet type so values print as the
  // table's type. `path` names the column in messages.
  Status Plan(const DeltaType& type, const std::string& path, parquet::SchemaNode* node);

  // True when some value needs converting.
  bool active() const { return op_ != Op::kNone; }

  // Converts one value of the planned field in place (nulls stay null).
  void Apply(parquet::Value* v) const;

 private:
  enum class Op : uint8_t {
    kNone,
    kNested,       // children_: struct fields by position, {element}, {key, value}
    kToInt64,      // int32 -> int64
    kToDouble,     // int32, int64 or float -> double
    kDaysToMicros, // date (days) -> timestamp_ntz (microseconds)
    kToDecimal,    // an unscaled integer, rescaled and re-encoded
  };
  enum class Container : uint8_t { kStruct, kList, kMap };

  Status PlanLeaf(const DeltaType& to, const std::string& path, parquet::SchemaNode* node);

  Op op_ = Op::kNone;
  Container container_ = Container::kStruct;  // kNested
  int32_t scale_up = 0;                       // kToDecimal: multiply by 10^scale_up
  parquet::PhysicalType to_physical = parquet::PhysicalType::kInt32;  // kToDecimal
  int32_t to_length = 0;                      // kToDecimal: FIXED_LEN_BYTE_ARRAY length
  std::vector<TypeWidening> children_;
};

// Whether a column of type `from` may be read as `to` under the protocol's
// type widening rules (identical types included).
bool IsSupportedWidening(const DeltaType& from, const DeltaType& to);

// NotSupported naming `context`, the column and both types for a
// `delta.typeChanges` entry (at any nesting) that is not a supported
// widening; Corruption for an entry that does not parse.
Status CheckTypeChanges(const DeltaType& schema, const std::string& context);

}  // namespace lakestream::delta
