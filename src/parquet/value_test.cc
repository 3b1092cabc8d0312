#include "parquet/value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace lakestream::parquet {
namespace {

Value I96(uint64_t nanos, int32_t julian_day) {
  Value v;
  v.kind = Value::Kind::kInt96;
  v.i96.words[0] = static_cast<uint32_t>(nanos);
  v.i96.words[1] = static_cast<uint32_t>(nanos >> 32);
  v.i96.words[2] = static_cast<uint32_t>(julian_day);
  return v;
}

// Every adjacent pair of `ascending` compares <0 both ways round, and each value equals itself.
void ExpectAscending(const std::vector<Value>& ascending) {
  for (size_t i = 0; i < ascending.size(); ++i) {
    EXPECT_EQ(CompareValues(ascending[i], ascending[i]), 0) << i;
    for (size_t j = i + 1; j < ascending.size(); ++j) {
      EXPECT_LT(CompareValues(ascending[i], ascending[j]), 0) << i << " < " << j;
      EXPECT_GT(CompareValues(ascending[j], ascending[i]), 0) << j << " > " << i;
    }
  }
}

TEST(CompareValuesTest, NullSortsFirstAndEqualsNull) {
  EXPECT_EQ(CompareValues(Value::Null(), Value::Null()), 0);
  ExpectAscending({Value::Null(), Value::Bool(false)});
  ExpectAscending({Value::Null(), Value::Int64(std::numeric_limits<int64_t>::min())});
  ExpectAscending({Value::Null(), Value::Bytes("")});
}

TEST(CompareValuesTest, BoolsOrderFalseBeforeTrue) {
  ExpectAscending({Value::Bool(false), Value::Bool(true)});
}

TEST(CompareValuesTest, NumbersCompareByValueAcrossKinds) {
  ExpectAscending({Value::Double(-INFINITY), Value::Int64(std::numeric_limits<int64_t>::min()),
                   Value::Int32(-5), Value::Float(-4.5f), Value::Int64(0), Value::Double(0.25),
                   Value::Int32(1), Value::Int64(int64_t{1} << 53),
                   Value::Int64((int64_t{1} << 53) + 1), Value::Int64(std::numeric_limits<int64_t>::max()),
                   Value::Double(9223372036854775808.0), Value::Double(INFINITY)});
  EXPECT_EQ(CompareValues(Value::Int32(7), Value::Int64(7)), 0);
  EXPECT_EQ(CompareValues(Value::Int64(7), Value::Double(7.0)), 0);
  EXPECT_EQ(CompareValues(Value::Float(0.5f), Value::Double(0.5)), 0);
  EXPECT_EQ(CompareValues(Value::Double(-0.0), Value::Double(0.0)), 0);
}

TEST(CompareValuesTest, NanSortsAfterEveryNumberAndEqualsNan) {
  Value nan = Value::Double(std::nan(""));
  EXPECT_EQ(CompareValues(nan, Value::Double(std::nan(""))), 0);
  EXPECT_EQ(CompareValues(nan, Value::Float(std::nanf(""))), 0);
  ExpectAscending({Value::Double(INFINITY), nan});
  ExpectAscending({Value::Int64(std::numeric_limits<int64_t>::max()), nan});
  ExpectAscending({Value::Float(1.0f), Value::Float(std::nanf(""))});
}

TEST(CompareValuesTest, Int96OrdersByDayThenNanosOfTheDay) {
  ExpectAscending({I96(5, 2440587), I96(86'399'999'999'999ULL, 2440587), I96(0, 2440588),
                   I96(1, 2440588)});
}

TEST(CompareValuesTest, BytesCompareAsUnsignedBytes) {
  ExpectAscending({Value::Bytes(""), Value::Bytes("a"), Value::Bytes("ab"), Value::Bytes("b"),
                   Value::Bytes("\x7f"), Value::Bytes("\x80"), Value::Bytes("\xff")});
}

TEST(CompareValuesTest, NestedValuesCompareElementByElement) {
  ExpectAscending({Value::List({}), Value::List({Value::Int32(1)}),
                   Value::List({Value::Int32(1), Value::Null()}),
                   Value::List({Value::Int32(1), Value::Int32(0)}), Value::List({Value::Int32(2)})});
  ExpectAscending({Value::Struct({Value::Bytes("a"), Value::Int32(9)}),
                   Value::Struct({Value::Bytes("b"), Value::Int32(1)})});
  ExpectAscending({Value::Map({Value::Entry(Value::Bytes("k"), Value::Int32(1))}),
                   Value::Map({Value::Entry(Value::Bytes("k"), Value::Int32(2))})});
}

TEST(CompareValuesTest, DifferentKindsOrderByKind) {
  ExpectAscending({Value::Null(), Value::Bool(true), Value::Int32(-1), I96(0, 0),
                   Value::Bytes(""), Value::List({}), Value::Map({}), Value::Struct({})});
}

TEST(CompareValuesTest, EqualValuesCompareEqual) {
  std::vector<Value> all = {Value::Null(), Value::Bool(true), Value::Int32(3), Value::Int64(3),
                            Value::Float(1.5f), Value::Double(std::nan("")), I96(7, 8),
                            Value::Bytes("x"), Value::List({Value::Int32(1)}),
                            Value::Map({Value::Entry(Value::Bytes("k"), Value::Null())}),
                            Value::Struct({Value::Bool(false)})};
  for (const Value& v : all) {
    Value copy = v;
    EXPECT_TRUE(copy == v);
    EXPECT_EQ(CompareValues(copy, v), 0);
  }
}

}  // namespace
}  // namespace lakestream::parquet
