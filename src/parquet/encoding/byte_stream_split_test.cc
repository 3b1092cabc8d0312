#include <gtest/gtest.h>

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

class ByteStreamSplitTest : public ::testing::Test {
 protected:
  static Result<ColumnValues> Decode(PhysicalType type, int32_t len, std::string_view bytes,
                                     size_t n) {
    ExactBuffer buf(bytes);
    ASSIGN_OR_RETURN(auto decoder, MakeValueDecoder(Encoding::kByteStreamSplit, type, len,
                                                    buf.data(), buf.size()));
    ColumnValues out(type, len);
    RETURN_IF_ERROR(DecodeAll(decoder.get(), n, &out));
    return out;
  }

  std::mt19937_64 rng_{13};
};

TEST_F(ByteStreamSplitTest, SpecExampleScattersBytesIntoStreams) {
  // Three FLOATs AA BB CC DD | 00 11 22 33 | A3 B4 C5 D6 become
  // AA 00 A3 BB 11 B4 CC 22 C5 DD 33 D6.
  const std::string raw("\xAA\xBB\xCC\xDD\x00\x11\x22\x33\xA3\xB4\xC5\xD6", 12);
  const std::string split("\xAA\x00\xA3\xBB\x11\xB4\xCC\x22\xC5\xDD\x33\xD6", 12);
  ColumnValues v(PhysicalType::kFloat);
  v.f32.resize(3);
  std::memcpy(v.f32.data(), raw.data(), 12);
  auto enc = MakeValueEncoder(Encoding::kByteStreamSplit, PhysicalType::kFloat, 0);
  EXPECT_EQ(EncodePage(enc->get(), v), split);
  auto r = Decode(PhysicalType::kFloat, 0, split, 3);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(SameValues(*r, v));
}

TEST_F(ByteStreamSplitTest, EverySupportedTypeRoundTripsAtEverySize) {
  const std::pair<PhysicalType, int32_t> types[] = {{PhysicalType::kFloat, 0},
                                                    {PhysicalType::kDouble, 0},
                                                    {PhysicalType::kInt32, 0},
                                                    {PhysicalType::kInt64, 0},
                                                    {PhysicalType::kFixedLenByteArray, 3},
                                                    {PhysicalType::kFixedLenByteArray, 16}};
  for (auto [type, len] : types) {
    for (size_t n : kSizes) {
      ColumnValues v = RandomValues(type, len, n, rng_);
      auto enc = MakeValueEncoder(Encoding::kByteStreamSplit, type, len);
      ASSERT_TRUE(enc.ok());
      auto r = Decode(type, len, EncodePage(enc->get(), v), n);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      ASSERT_TRUE(SameValues(*r, v)) << PhysicalTypeName(type) << " n=" << n;
    }
  }
}

TEST_F(ByteStreamSplitTest, PageNotAMultipleOfTheWidthIsCorruption) {
  auto r = Decode(PhysicalType::kDouble, 0, std::string(12, 'x'), 1);
  ASSERT_TRUE(r.status().IsCorruption());
  EXPECT_NE(r.status().message().find("BYTE_STREAM_SPLIT"), std::string::npos);
  r = Decode(PhysicalType::kInt32, 0, std::string(8, 'x'), 3);
  EXPECT_TRUE(r.status().IsCorruption());
}

TEST_F(ByteStreamSplitTest, UnsupportedTypesAreRefused) {
  EXPECT_TRUE(MakeValueDecoder(Encoding::kByteStreamSplit, PhysicalType::kByteArray, 0, nullptr, 0)
                  .status()
                  .IsNotSupported());
  EXPECT_TRUE(MakeValueEncoder(Encoding::kByteStreamSplit, PhysicalType::kBoolean, 0)
                  .status()
                  .IsInvalidArgument());
}

}  // namespace
}  // namespace lakestream::parquet
