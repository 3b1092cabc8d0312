#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "parquet/encoding/encoding.h"
#include "parquet/encoding/encoding_test_util.h"

namespace lakestream::parquet {
namespace {

using testing::DecodeAll;
using testing::EncodePage;
using testing::ExactBuffer;
using testing::kSizes;
using testing::RandomValues;
using testing::SameValues;

class PlainTest : public ::testing::Test {
 protected:
  static Result<ColumnValues> Decode(PhysicalType type, int32_t type_length, std::string_view bytes,
                                     size_t n) {
    ExactBuffer buf(bytes);
    ASSIGN_OR_RETURN(auto decoder,
                     MakeValueDecoder(Encoding::kPlain, type, type_length, buf.data(), buf.size()));
    ColumnValues out(type, type_length);
    RETURN_IF_ERROR(DecodeAll(decoder.get(), n, &out));
    return out;
  }

  std::mt19937_64 rng_{1};
};

TEST_F(PlainTest, EveryTypeRoundTripsAtEverySize) {
  const std::pair<PhysicalType, int32_t> types[] = {{PhysicalType::kBoolean, 0},
                                                    {PhysicalType::kInt32, 0},
                                                    {PhysicalType::kInt64, 0},
                                                    {PhysicalType::kInt96, 0},
                                                    {PhysicalType::kFloat, 0},
                                                    {PhysicalType::kDouble, 0},
                                                    {PhysicalType::kByteArray, 0},
                                                    {PhysicalType::kFixedLenByteArray, 3},
                                                    {PhysicalType::kFixedLenByteArray, 16}};
  for (auto [type, len] : types) {
    for (size_t n : kSizes) {
      ColumnValues values = RandomValues(type, len, n, rng_);
      auto encoder = MakeValueEncoder(Encoding::kPlain, type, len);
      ASSERT_TRUE(encoder.ok());
      std::string page = EncodePage(encoder->get(), values);
      EXPECT_EQ((*encoder)->EstimatedSize(), 0u);  // reset by FinishPage
      auto decoded = Decode(type, len, page, n);
      ASSERT_TRUE(decoded.ok()) << PhysicalTypeName(type) << " n=" << n << ": "
                                << decoded.status().ToString();
      ASSERT_TRUE(SameValues(*decoded, values)) << PhysicalTypeName(type) << " n=" << n;
    }
  }
}

TEST_F(PlainTest, LayoutMatchesTheSpec) {
  ColumnValues ints(PhysicalType::kInt32);
  ints.i32 = {1, -1};
  auto enc = MakeValueEncoder(Encoding::kPlain, PhysicalType::kInt32, 0);
  EXPECT_EQ(EncodePage(enc->get(), ints), std::string("\x01\0\0\0\xff\xff\xff\xff", 8));

  ColumnValues strings(PhysicalType::kByteArray);
  strings.bytes.Append("ab");
  strings.bytes.Append("");
  enc = MakeValueEncoder(Encoding::kPlain, PhysicalType::kByteArray, 0);
  EXPECT_EQ(EncodePage(enc->get(), strings), std::string("\x02\0\0\0ab\0\0\0\0", 10));

  ColumnValues bools(PhysicalType::kBoolean);
  bools.bools = {1, 0, 1, 1, 0, 0, 0, 0, 1};
  enc = MakeValueEncoder(Encoding::kPlain, PhysicalType::kBoolean, 0);
  EXPECT_EQ(EncodePage(enc->get(), bools), std::string("\x0d\x01", 2));
}

TEST_F(PlainTest, ExtremeValuesSurvive) {
  ColumnValues v(PhysicalType::kInt64);
  v.i64 = {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), 0, -1};
  auto enc = MakeValueEncoder(Encoding::kPlain, PhysicalType::kInt64, 0);
  auto decoded = Decode(PhysicalType::kInt64, 0, EncodePage(enc->get(), v), 4);
  ASSERT_TRUE(decoded.ok());
  EXPECT_TRUE(SameValues(*decoded, v));
}

TEST_F(PlainTest, ShortDataIsCorruptionNamingTheEncoding) {
  auto r = Decode(PhysicalType::kInt32, 0, std::string(7, '\0'), 2);
  ASSERT_TRUE(r.status().IsCorruption());
  EXPECT_NE(r.status().message().find("parquet: PLAIN:"), std::string::npos);
  // A byte array length running past the end.
  r = Decode(PhysicalType::kByteArray, 0, std::string("\x05\0\0\0abc", 7), 1);
  EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
  r = Decode(PhysicalType::kByteArray, 0, std::string("\x05\0", 2), 1);
  EXPECT_TRUE(r.status().IsCorruption());
  r = Decode(PhysicalType::kBoolean, 0, std::string("\x01", 1), 9);
  EXPECT_TRUE(r.status().IsCorruption());
  // A count that would overflow n * width is still just "too short".
  r = Decode(PhysicalType::kDouble, 0, std::string(16, '\0'), size_t{1} << 62);
  EXPECT_TRUE(r.status().IsCorruption());
}

TEST_F(PlainTest, FixedLenByteArrayNeedsAPositiveLength) {
  const uint8_t data[1] = {0};
  auto r = MakeValueDecoder(Encoding::kPlain, PhysicalType::kFixedLenByteArray, 0, data, 1);
  EXPECT_TRUE(r.status().IsInvalidArgument());
}

TEST_F(PlainTest, BooleansContinueMidByteAcrossDecodeCalls) {
  ColumnValues bools = RandomValues(PhysicalType::kBoolean, 0, 100, rng_);
  auto enc = MakeValueEncoder(Encoding::kPlain, PhysicalType::kBoolean, 0);
  // Put one value at a time to exercise the partial-byte path of the encoder.
  for (size_t i = 0; i < 100; ++i) (*enc)->Put(bools, i, i + 1);
  std::string page;
  (*enc)->FinishPage(&page);
  ASSERT_EQ(page.size(), 13u);
  ExactBuffer buf(page);
  auto dec = MakeValueDecoder(Encoding::kPlain, PhysicalType::kBoolean, 0, buf.data(), buf.size());
  ColumnValues out(PhysicalType::kBoolean);
  for (size_t k : {3, 5, 17, 1, 74}) ASSERT_TRUE((*dec)->Decode(k, &out).ok());
  EXPECT_TRUE(SameValues(out, bools));
}

}  // namespace
}  // namespace lakestream::parquet
