#include "parquet/thrift_compact.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace lakestream::parquet::thrift {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

class ThriftCompactTest : public ::testing::Test {
 protected:
  CompactReader ReaderOver(const std::string& s) {
    return CompactReader(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  }

  std::string out_;
  CompactWriter w_{&out_};
};

// ---------------------------------------------------------------- encodings from the spec

TEST_F(ThriftCompactTest, VarintsEncodeAsUnsignedLeb128) {
  w_.WriteVarint(0);
  w_.WriteVarint(1);
  w_.WriteVarint(127);
  w_.WriteVarint(128);
  w_.WriteVarint(50399);  // the spec's worked example
  EXPECT_EQ(out_, Bytes({0x00, 0x01, 0x7f, 0x80, 0x01, 0xdf, 0x89, 0x03}));
}

TEST_F(ThriftCompactTest, LargestVarintTakesTenBytes) {
  w_.WriteVarint(std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(out_, Bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}));
  CompactReader r = ReaderOver(out_);
  uint64_t v = 0;
  ASSERT_TRUE(r.ReadVarint(&v).ok());
  EXPECT_EQ(v, std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(r.remaining(), 0u);
}

TEST_F(ThriftCompactTest, ZigzagFoldsSignedIntoUnsigned) {
  EXPECT_EQ(ZigzagEncode(0), 0u);
  EXPECT_EQ(ZigzagEncode(-1), 1u);
  EXPECT_EQ(ZigzagEncode(1), 2u);
  EXPECT_EQ(ZigzagEncode(-2), 3u);
  EXPECT_EQ(ZigzagEncode(2), 4u);
  EXPECT_EQ(ZigzagEncode(std::numeric_limits<int64_t>::max()), ~uint64_t{1});
  EXPECT_EQ(ZigzagEncode(std::numeric_limits<int64_t>::min()), ~uint64_t{0});
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{12345}, int64_t{-987654321},
                    std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()}) {
    EXPECT_EQ(ZigzagDecode(ZigzagEncode(v)), v);
  }
}

TEST_F(ThriftCompactTest, NegativeI32TakesAtMostFiveBytes) {
  w_.WriteI32(-1);
  EXPECT_EQ(out_, Bytes({0x01}));
  out_.clear();
  w_.WriteI32(std::numeric_limits<int32_t>::min());
  EXPECT_EQ(out_, Bytes({0xff, 0xff, 0xff, 0xff, 0x0f}));
}

TEST_F(ThriftCompactTest, FieldHeadersUseDeltaShortFormAndLongFormPastFifteen) {
  w_.BeginStruct();
  w_.WriteI32Field(1, 3);        // delta 1, i32: 0x15, zigzag(3) = 6
  w_.WriteBinaryField(2, "a");   // delta 1, binary: 0x18, len 1, 'a'
  w_.WriteI64Field(20, -1);      // delta 18: long form 0x06, zigzag(20) = 40
  w_.WriteBoolField(21, true);   // delta 1, bool true: 0x11
  w_.WriteBoolField(22, false);  // delta 1, bool false: 0x12
  w_.WriteI16Field(3, 7);        // id goes down: long form 0x04, zigzag(3) = 6
  w_.EndStruct();                // stop
  EXPECT_EQ(out_, Bytes({0x15, 0x06, 0x18, 0x01, 'a', 0x06, 0x28, 0x01, 0x11, 0x12, 0x04, 0x06,
                         0x0e, 0x00}));
}

TEST_F(ThriftCompactTest, ListHeadersUseShortFormBelowFifteen) {
  w_.WriteListHeader(Type::kI32, 3);
  w_.WriteListHeader(Type::kBinary, 14);
  w_.WriteListHeader(Type::kStruct, 15);
  w_.WriteListHeader(Type::kBool, 1);
  EXPECT_EQ(out_, Bytes({0x35, 0xe8, 0xfc, 0x0f, 0x12}));
}

TEST_F(ThriftCompactTest, MapHeadersWriteEmptyMapAsOneZeroByte) {
  w_.WriteMapHeader(Type::kBinary, Type::kI32, 0);
  w_.WriteMapHeader(Type::kBinary, Type::kI32, 2);
  EXPECT_EQ(out_, Bytes({0x00, 0x02, 0x85}));
}

TEST_F(ThriftCompactTest, DoublesAreLittleEndianIeee754) {
  w_.WriteDouble(1.0);
  EXPECT_EQ(out_, Bytes({0, 0, 0, 0, 0, 0, 0xf0, 0x3f}));
  CompactReader r = ReaderOver(out_);
  double d = 0;
  ASSERT_TRUE(r.ReadDouble(&d).ok());
  EXPECT_EQ(d, 1.0);
}

// ---------------------------------------------------------------- reading

TEST_F(ThriftCompactTest, ReadsBackEveryKindOfFieldItWrote) {
  w_.BeginStruct();
  w_.WriteBoolField(1, true);
  w_.WriteByteField(2, -5);
  w_.WriteI16Field(3, -300);
  w_.WriteI32Field(4, 123456789);
  w_.WriteI64Field(5, std::numeric_limits<int64_t>::min());
  w_.WriteDoubleField(6, -2.5);
  w_.WriteBinaryField(7, std::string("bin\0ary", 7));
  w_.WriteFieldHeader(Type::kList, 100);
  w_.WriteListHeader(Type::kBool, 3);
  w_.WriteBool(true);
  w_.WriteBool(false);
  w_.WriteBool(true);
  w_.WriteFieldHeader(Type::kStruct, 101);
  w_.BeginStruct();
  w_.WriteBoolField(1, false);
  w_.EndStruct();
  w_.WriteI32Field(102, 9);  // the nested struct restored the outer last id
  w_.EndStruct();

  CompactReader r = ReaderOver(out_);
  ASSERT_TRUE(r.BeginStruct().ok());
  FieldHeader h;
  bool b = false;
  ASSERT_TRUE(r.ReadFieldHeader(&h).ok());
  EXPECT_EQ(h.id, 1);
  EXPECT_EQ(h.type, Type::kBool);
  ASSERT_TRUE(r.ReadBool(&b).ok());
  EXPECT_TRUE(b);
  int8_t i8;
  ASSERT_TRUE(r.ReadFieldHeader(&h).ok());
  ASSERT_TRUE(r.ReadByte(&i8).ok());
  EXPECT_EQ(i8, -5);
  int16_t i16;
  ASSERT_TRUE(r.ReadFieldHeader(&h).ok());
  ASSERT_TRUE(r.ReadI16(&i16).ok());
  EXPECT_EQ(i16, -300);
  int32_t i32;
  ASSERT_TRUE(r.ReadFieldHeader(&h).ok());
  ASSERT_TRUE(r.ReadI32(&i32).ok());
  EXPECT_EQ(i32, 123456789);
  int64_t i64;
  ASSERT_TRUE(r.ReadFieldHeader(&h).ok());
  ASSERT_TRUE(r.ReadI64(&i64).ok());
  EXPECT_EQ(i64, std::numeric_limits<int64_t>::min());
  double d;
  ASSERT_TRUE(r.ReadFieldHeader(&h).ok());
  ASSERT_TRUE(r.ReadDouble(&d).ok());
  EXPECT_EQ(d, -2.5);
  std::string s;
  ASSERT_TRUE(r.ReadFieldHeader(&h).ok());
  EXPECT_EQ(h.type, Type::kBinary);
  ASSERT_TRUE(r.ReadBinary(&s).ok());
  EXPECT_EQ(s, std::string("bin\0ary", 7));
  ASSERT_TRUE(r.ReadFieldHeader(&h).ok());
  EXPECT_EQ(h.id, 100);
  EXPECT_EQ(h.type, Type::kList);
  ListHeader lh;
  ASSERT_TRUE(r.ReadListHeader(&lh).ok());
  EXPECT_EQ(lh.elem_type, Type::kBool);
  EXPECT_EQ(lh.size, 3u);
  std::vector<bool> bools;
  for (uint32_t i = 0; i < lh.size; ++i) {
    ASSERT_TRUE(r.ReadBool(&b).ok());
    bools.push_back(b);
  }
  EXPECT_EQ(bools, (std::vector<bool>{true, false, true}));
  ASSERT_TRUE(r.ReadFieldHeader(&h).ok());
  EXPECT_EQ(h.id, 101);
  ASSERT_TRUE(r.BeginStruct().ok());
  ASSERT_TRUE(r.ReadFieldHeader(&h).ok());
  EXPECT_EQ(h.id, 1);
  ASSERT_TRUE(r.ReadBool(&b).ok());
  EXPECT_FALSE(b);
  ASSERT_TRUE(r.ReadFieldHeader(&h).ok());
  EXPECT_EQ(h.type, Type::kStop);
  r.EndStruct();
  ASSERT_TRUE(r.ReadFieldHeader(&h).ok());
  EXPECT_EQ(h.id, 102);
  ASSERT_TRUE(r.ReadI32(&i32).ok());
  EXPECT_EQ(i32, 9);
  ASSERT_TRUE(r.ReadFieldHeader(&h).ok());
  EXPECT_EQ(h.type, Type::kStop);
  r.EndStruct();
  EXPECT_EQ(r.remaining(), 0u);
}

TEST_F(ThriftCompactTest, SkipPassesOverEveryTypeOfUnknownField) {
  w_.BeginStruct();
  w_.WriteBoolField(1, true);
  w_.WriteByteField(2, 1);
  w_.WriteI16Field(3, 1);
  w_.WriteI32Field(4, 1);
  w_.WriteI64Field(5, 1);
  w_.WriteDoubleField(6, 1);
  w_.WriteBinaryField(7, "xyz");
  w_.WriteFieldHeader(Type::kList, 8);
  w_.WriteListHeader(Type::kDouble, 2);
  w_.WriteDouble(1);
  w_.WriteDouble(2);
  w_.WriteFieldHeader(Type::kSet, 9);
  w_.WriteSetHeader(Type::kBinary, 1);
  w_.WriteBinary("s");
  w_.WriteFieldHeader(Type::kMap, 10);
  w_.WriteMapHeader(Type::kBinary, Type::kStruct, 1);
  w_.WriteBinary("k");
  w_.BeginStruct();
  w_.WriteI32Field(1, 5);
  w_.EndStruct();
  w_.WriteFieldHeader(Type::kMap, 11);
  w_.WriteMapHeader(Type::kI32, Type::kI32, 0);
  w_.WriteFieldHeader(Type::kUuid, 12);
  out_.append(16, 'u');
  w_.WriteFieldHeader(Type::kStruct, 13);
  w_.BeginStruct();
  w_.WriteFieldHeader(Type::kList, 1);
  w_.WriteListHeader(Type::kList, 1);
  w_.WriteListHeader(Type::kI64, 2);
  w_.WriteI64(1);
  w_.WriteI64(2);
  w_.EndStruct();
  w_.WriteI32Field(14, 42);
  w_.EndStruct();

  CompactReader r = ReaderOver(out_);
  ASSERT_TRUE(r.BeginStruct().ok());
  FieldHeader h;
  for (int16_t id = 1; id <= 13; ++id) {
    ASSERT_TRUE(r.ReadFieldHeader(&h).ok()) << id;
    ASSERT_EQ(h.id, id);
    ASSERT_TRUE(r.Skip(h.type).ok()) << id;
  }
  ASSERT_TRUE(r.ReadFieldHeader(&h).ok());
  EXPECT_EQ(h.id, 14);
  int32_t v;
  ASSERT_TRUE(r.ReadI32(&v).ok());
  EXPECT_EQ(v, 42);
}

TEST_F(ThriftCompactTest, SkippingTheWholeStructConsumesExactlyIt) {
  w_.BeginStruct();
  w_.WriteBinaryField(1, "abc");
  w_.WriteFieldHeader(Type::kStruct, 2);
  w_.BeginStruct();
  w_.WriteI64Field(300, 1);
  w_.EndStruct();
  w_.EndStruct();
  out_ += "tail";
  CompactReader r = ReaderOver(out_);
  ASSERT_TRUE(r.Skip(Type::kStruct).ok());
  EXPECT_EQ(r.remaining(), 4u);
}

TEST_F(ThriftCompactTest, ElementBoolsAcceptOneZeroAndLegacyTwo) {
  const std::string in = Bytes({0x32, 0x01, 0x00, 0x02, 0x11, 0x01});  // bool list type 2 and 1
  CompactReader r = ReaderOver(in);
  ListHeader lh;
  ASSERT_TRUE(r.ReadListHeader(&lh).ok());
  EXPECT_EQ(lh.elem_type, Type::kBool);
  bool a, b, c;
  ASSERT_TRUE(r.ReadBool(&a).ok());
  ASSERT_TRUE(r.ReadBool(&b).ok());
  ASSERT_TRUE(r.ReadBool(&c).ok());
  EXPECT_TRUE(a);
  EXPECT_FALSE(b);
  EXPECT_FALSE(c);
  ASSERT_TRUE(r.ReadListHeader(&lh).ok());
  EXPECT_EQ(lh.elem_type, Type::kBool);
}

// ---------------------------------------------------------------- malformed input

TEST_F(ThriftCompactTest, TruncatedVarintNamesItsOffset) {
  const std::string in = Bytes({0x01, 0x80, 0x80});
  CompactReader r = ReaderOver(in);
  uint64_t v;
  ASSERT_TRUE(r.ReadVarint(&v).ok());
  Status st = r.ReadVarint(&v);
  EXPECT_TRUE(st.IsCorruption());
  EXPECT_EQ(st.message(), "thrift: truncated varint at offset 1");
}

TEST_F(ThriftCompactTest, VarintLongerThanTenBytesIsRejected) {
  const std::string in = Bytes({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01});
  CompactReader r = ReaderOver(in);
  uint64_t v;
  Status st = r.ReadVarint(&v);
  EXPECT_TRUE(st.IsCorruption());
  EXPECT_NE(st.message().find("longer than 10 bytes"), std::string::npos) << st.ToString();
}

TEST_F(ThriftCompactTest, TenthVarintByteBeyondBit63IsRejected) {
  const std::string in = Bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02});
  CompactReader r = ReaderOver(in);
  uint64_t v;
  EXPECT_TRUE(r.ReadVarint(&v).IsCorruption());
}

TEST_F(ThriftCompactTest, I32AndI16OutOfRangeAreRejected) {
  w_.WriteVarint(ZigzagEncode(int64_t{1} << 31));
  w_.WriteVarint(ZigzagEncode(40000));
  CompactReader r = ReaderOver(out_);
  int32_t v32;
  EXPECT_TRUE(r.ReadI32(&v32).IsCorruption());
  CompactReader r2(reinterpret_cast<const uint8_t*>(out_.data()) + 5, out_.size() - 5);
  int16_t v16;
  EXPECT_TRUE(r2.ReadI16(&v16).IsCorruption());
}

TEST_F(ThriftCompactTest, BinaryLongerThanTheRemainingInputIsRejected) {
  const std::string in = Bytes({0x05, 'a', 'b', 'c'});
  CompactReader r = ReaderOver(in);
  std::string s;
  Status st = r.ReadBinary(&s);
  EXPECT_TRUE(st.IsCorruption());
  EXPECT_EQ(st.message(), "thrift: binary length 5 exceeds the 3 bytes left at offset 0");
}

TEST_F(ThriftCompactTest, HugeBinaryLengthFailsWithoutAllocating) {
  w_.WriteVarint(0xffffffffu);
  CompactReader r = ReaderOver(out_);
  std::string s;
  EXPECT_TRUE(r.ReadBinary(&s).IsCorruption());
  EXPECT_TRUE(s.empty());
}

TEST_F(ThriftCompactTest, ListCountThatCannotFitIsRejected) {
  w_.WriteListHeader(Type::kI32, 1000000);
  out_.append(100, 0);
  CompactReader r = ReaderOver(out_);
  ListHeader lh;
  Status st = r.ReadListHeader(&lh);
  EXPECT_TRUE(st.IsCorruption());
  EXPECT_NE(st.message().find("cannot fit"), std::string::npos) << st.ToString();
}

TEST_F(ThriftCompactTest, DoubleListNeedsEightBytesPerElement) {
  w_.WriteListHeader(Type::kDouble, 3);
  out_.append(23, 0);
  CompactReader r = ReaderOver(out_);
  ListHeader lh;
  EXPECT_TRUE(r.ReadListHeader(&lh).IsCorruption());
  out_.push_back(0);
  CompactReader r2 = ReaderOver(out_);
  EXPECT_TRUE(r2.ReadListHeader(&lh).ok());
}

TEST_F(ThriftCompactTest, MapCountThatCannotFitIsRejected) {
  w_.WriteMapHeader(Type::kI32, Type::kI32, 10);
  out_.append(19, 0);
  CompactReader r = ReaderOver(out_);
  MapHeader mh;
  EXPECT_TRUE(r.ReadMapHeader(&mh).IsCorruption());
}

TEST_F(ThriftCompactTest, InvalidTypesAreRejected) {
  const std::string field = Bytes({0x1e});  // type 14
  CompactReader r = ReaderOver(field);
  ASSERT_TRUE(r.BeginStruct().ok());
  FieldHeader h;
  EXPECT_TRUE(r.ReadFieldHeader(&h).IsCorruption());
  const std::string list = Bytes({0x10});  // element type 0
  CompactReader r2 = ReaderOver(list);
  ListHeader lh;
  EXPECT_TRUE(r2.ReadListHeader(&lh).IsCorruption());
}

TEST_F(ThriftCompactTest, FieldIdsOutsideOneToI16MaxAreRejected) {
  for (int64_t id : {int64_t{0}, int64_t{-3}, int64_t{40000}}) {
    std::string in = Bytes({0x05});
    CompactWriter w(&in);
    w.WriteVarint(ZigzagEncode(id));
    CompactReader r = ReaderOver(in);
    ASSERT_TRUE(r.BeginStruct().ok());
    FieldHeader h;
    EXPECT_TRUE(r.ReadFieldHeader(&h).IsCorruption()) << id;
  }
}

TEST_F(ThriftCompactTest, StructNestingPastTheLimitIsRejected) {
  // Each level: field 1 of type struct. 64 levels are fine, 65 are not.
  auto nested = [](int levels) {
    std::string s;
    for (int i = 1; i < levels; ++i) s.push_back(0x1c);
    s.append(levels, '\0');
    return s;
  };
  const std::string ok = nested(kMaxDepth);
  CompactReader r = ReaderOver(ok);
  EXPECT_TRUE(r.Skip(Type::kStruct).ok());
  EXPECT_EQ(r.remaining(), 0u);
  const std::string deep = nested(kMaxDepth + 1);
  CompactReader r2 = ReaderOver(deep);
  Status st = r2.Skip(Type::kStruct);
  EXPECT_TRUE(st.IsCorruption());
  EXPECT_NE(st.message().find("nesting"), std::string::npos) << st.ToString();
}

TEST_F(ThriftCompactTest, ListNestingPastTheLimitIsRejectedWithoutDeepRecursion) {
  // A list of one list of one list ... 100000 deep would overflow the stack
  // if Skip recursed without a limit.
  std::string in(100000, static_cast<char>(0x19));
  CompactReader r = ReaderOver(in);
  EXPECT_TRUE(r.Skip(Type::kList).IsCorruption());
}

TEST_F(ThriftCompactTest, EveryTruncationOfAStructFails) {
  w_.BeginStruct();
  w_.WriteI32Field(1, 1000);
  w_.WriteBinaryField(2, "hello");
  w_.WriteFieldHeader(Type::kList, 3);
  w_.WriteListHeader(Type::kI64, 2);
  w_.WriteI64(-7);
  w_.WriteI64(1 << 20);
  w_.WriteDoubleField(4, 3.5);
  w_.EndStruct();
  for (size_t n = 0; n < out_.size(); ++n) {
    CompactReader r(reinterpret_cast<const uint8_t*>(out_.data()), n);
    EXPECT_TRUE(r.Skip(Type::kStruct).IsCorruption()) << n;
  }
  CompactReader r = ReaderOver(out_);
  EXPECT_TRUE(r.Skip(Type::kStruct).ok());
}

}  // namespace
}  // namespace lakestream::parquet::thrift
