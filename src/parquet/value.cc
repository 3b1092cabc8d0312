#include "parquet/value.h"

#include <cstring>

namespace lakestream::parquet {

bool Value::operator==(const Value& o) const {
  if (kind != o.kind) return false;
  switch (kind) {
    case Kind::kNull: return true;
    case Kind::kBool: return b == o.b;
    case Kind::kInt32: return i32 == o.i32;
    case Kind::kInt64: return i64 == o.i64;
    case Kind::kInt96: return std::memcmp(&i96, &o.i96, sizeof(Int96)) == 0;
    case Kind::kFloat: return f32 == o.f32 || (f32 != f32 && o.f32 != o.f32);
    case Kind::kDouble: return f64 == o.f64 || (f64 != f64 && o.f64 != o.f64);
    case Kind::kBytes: return bytes == o.bytes;
    case Kind::kList:
    case Kind::kMap:
    case Kind::kStruct: return items == o.items;
  }
  return false;
}

}  // namespace lakestream::parquet
