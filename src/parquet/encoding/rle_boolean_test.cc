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

class RleBooleanTest : public ::testing::Test {
 protected:
  static Result<ColumnValues> Decode(std::string_view bytes, size_t n) {
    ExactBuffer buf(bytes);
    ASSIGN_OR_RETURN(auto decoder, MakeValueDecoder(Encoding::kRle, PhysicalType::kBoolean, 0,
                                                    buf.data(), buf.size()));
    ColumnValues out(PhysicalType::kBoolean);
    RETURN_IF_ERROR(DecodeAll(decoder.get(), n, &out));
    return out;
  }
  std::mt19937_64 rng_{17};
};

TEST_F(RleBooleanTest, DecodesALengthPrefixedRun) {
  // Length 2, then an RLE run of 10 trues.
  auto r = Decode(std::string("\x02\x00\x00\x00\x14\x01", 6), 10);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->bools, std::vector<uint8_t>(10, 1));
}

TEST_F(RleBooleanTest, RandomAndRunHeavyBooleansRoundTrip) {
  for (size_t n : kSizes) {
    for (size_t distinct : {size_t{0}, size_t{1}}) {
      ColumnValues v = RandomValues(PhysicalType::kBoolean, 0, n, rng_, distinct);
      auto enc = MakeValueEncoder(Encoding::kRle, PhysicalType::kBoolean, 0);
      ASSERT_TRUE(enc.ok());
      auto r = Decode(EncodePage(enc->get(), v), n);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      ASSERT_TRUE(SameValues(*r, v));
    }
  }
}

TEST_F(RleBooleanTest, BadLengthPrefixOrValueIsCorruption) {
  EXPECT_TRUE(Decode(std::string("\x02\x00\x00", 3), 1).status().IsCorruption());
  EXPECT_TRUE(Decode(std::string("\x09\x00\x00\x00\x14\x01", 6), 1).status().IsCorruption());
  auto r = Decode(std::string("\x02\x00\x00\x00\x14\x02", 6), 1);  // run value 2
  ASSERT_TRUE(r.status().IsCorruption());
  EXPECT_NE(r.status().message().find("parquet: RLE:"), std::string::npos) << r.status().message();
  EXPECT_TRUE(Decode(std::string("\x02\x00\x00\x00\x14\x01", 6), 11).status().IsCorruption());
}

}  // namespace
}  // namespace lakestream::parquet
