#include "parquet/encoding/delta_binary_packed.h"

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
using testing::SameValues;

class DeltaBinaryPackedTest : public ::testing::Test {
 protected:
  static std::string Encode(const ColumnValues& values) {
    auto encoder = MakeValueEncoder(Encoding::kDeltaBinaryPacked, values.type, 0);
    return EncodePage(encoder->get(), values);
  }

  static Result<ColumnValues> Decode(PhysicalType type, std::string_view bytes, size_t n) {
    ExactBuffer buf(bytes);
    ASSIGN_OR_RETURN(auto decoder, MakeValueDecoder(Encoding::kDeltaBinaryPacked, type, 0,
                                                    buf.data(), buf.size()));
    ColumnValues out(type);
    RETURN_IF_ERROR(DecodeAll(decoder.get(), n, &out));
    return out;
  }

  static void ExpectRoundTrip(const ColumnValues& values) {
    auto decoded = Decode(values.type, Encode(values), values.size());
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    ASSERT_TRUE(SameValues(*decoded, values)) << "n=" << values.size();
  }

  std::mt19937_64 rng_{5};
};

TEST_F(DeltaBinaryPackedTest, SpecExampleOneEncodesToHeaderAndOneZeroWidthBlock) {
  // Encodings.md example 1 (1, 2, 3, 4, 5) with our block of 128 values in 4
  // miniblocks: header 128, 4, 5, zigzag(1); block: zigzag(min delta 1) and
  // four zero bit widths, no miniblock data.
  ColumnValues v(PhysicalType::kInt32);
  v.i32 = {1, 2, 3, 4, 5};
  const std::string expected(
      "\x80\x01\x04\x05\x02"
      "\x02\x00\x00\x00\x00",
      10);
  EXPECT_EQ(Encode(v), expected);
  auto decoded = Decode(PhysicalType::kInt32, expected, 5);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->i32, v.i32);
}

TEST_F(DeltaBinaryPackedTest, SpecExampleTwoPacksRelativeDeltasAtWidthTwo) {
  // Encodings.md example 2 (7, 5, 3, 1, 2, 3, 4, 5): deltas -2 -2 -2 1 1 1 1,
  // min delta -2, relative deltas 0 0 0 3 3 3 3 at 2 bits in a 32-value
  // miniblock (8 bytes).
  ColumnValues v(PhysicalType::kInt64);
  v.i64 = {7, 5, 3, 1, 2, 3, 4, 5};
  const std::string expected(
      "\x80\x01\x04\x08\x0e"
      "\x03\x02\x00\x00\x00"
      "\xc0\x3f\x00\x00\x00\x00\x00\x00",
      18);
  EXPECT_EQ(Encode(v), expected);
  auto decoded = Decode(PhysicalType::kInt64, expected, 8);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->i64, v.i64);
}

TEST_F(DeltaBinaryPackedTest, RandomDataOfEverySizeRoundTrips) {
  for (size_t n : kSizes) {
    ColumnValues a(PhysicalType::kInt32), b(PhysicalType::kInt64), c(PhysicalType::kInt64);
    int64_t walk = 0;
    for (size_t i = 0; i < n; ++i) {
      a.i32.push_back(static_cast<int32_t>(rng_()));
      b.i64.push_back(static_cast<int64_t>(rng_()));
      walk += static_cast<int64_t>(rng_() % 1000) - 400;
      c.i64.push_back(walk);
    }
    ExpectRoundTrip(a);
    ExpectRoundTrip(b);
    ExpectRoundTrip(c);
  }
}

TEST_F(DeltaBinaryPackedTest, EveryDeltaBitWidthRoundTrips) {
  for (int width = 0; width <= 64; ++width) {
    ColumnValues v(PhysicalType::kInt64);
    uint64_t x = 0;
    for (int i = 0; i < 300; ++i) {
      const uint64_t mask = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
      x += rng_() & mask;
      v.i64.push_back(static_cast<int64_t>(x));
    }
    ExpectRoundTrip(v);
  }
}

TEST_F(DeltaBinaryPackedTest, ExtremesAndOverflowingDeltasWrapCorrectly) {
  constexpr auto kMin64 = std::numeric_limits<int64_t>::min();
  constexpr auto kMax64 = std::numeric_limits<int64_t>::max();
  ColumnValues v(PhysicalType::kInt64);
  v.i64 = {kMin64, kMax64, kMin64, 0, kMax64, -1, kMin64, kMin64, kMax64, 1};
  ExpectRoundTrip(v);
  ColumnValues w(PhysicalType::kInt32);
  w.i32 = {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(), 0, -5,
           std::numeric_limits<int32_t>::min()};
  ExpectRoundTrip(w);
  ColumnValues same(PhysicalType::kInt64);
  same.i64.assign(1000, kMax64);
  ExpectRoundTrip(same);
}

TEST_F(DeltaBinaryPackedTest, ReadsStreamsFromWritersUsingBiggerBlocks) {
  // Block of 256 values in 2 miniblocks of 128, deltas all 1, width 0.
  std::string bytes(
      "\x80\x02\x02\x81\x02\x00"
      "\x02\x00\x00",
      9);
  auto decoded = Decode(PhysicalType::kInt32, bytes, 129);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  for (int i = 0; i < 129; ++i) EXPECT_EQ(decoded->i32[static_cast<size_t>(i)], i);
}

TEST_F(DeltaBinaryPackedTest, MalformedHeadersAreCorruptionWithAReason) {
  auto expect = [](std::string bytes, const std::string& reason) {
    auto r = Decode(PhysicalType::kInt64, bytes, 2);
    ASSERT_TRUE(r.status().IsCorruption()) << reason;
    EXPECT_NE(r.status().message().find("parquet: DELTA_BINARY_PACKED: "), std::string::npos);
    EXPECT_NE(r.status().message().find(reason), std::string::npos) << r.status().message();
  };
  // The spec's own examples use a block size of 8, which real data may not.
  expect(std::string("\x08\x01\x05\x02\x02\x00", 6), "block size 8");
  expect(std::string("\x80\x01\x03\x05\x02", 5), "3 miniblocks");
  expect(std::string("\x80\x01\x08\x05\x02", 5), "8 miniblocks");
  expect(std::string("\x80\x01", 2), "truncated");
  expect(std::string("\x80\x01\x04\xff\xff\xff\x0f\x02", 8), "value count");
  // A miniblock bit width above 64.
  expect(std::string("\x80\x01\x04\x05\x02\x02\x46\x00\x00\x00", 10), "bit width 70 > 64");
}

TEST_F(DeltaBinaryPackedTest, EveryTruncationFailsCleanlyOrOnlyLosesPadding) {
  ColumnValues v(PhysicalType::kInt64);
  for (int i = 0; i < 200; ++i) v.i64.push_back(static_cast<int64_t>(rng_() % 100000));
  const std::string bytes = Encode(v);
  for (size_t len = 0; len < bytes.size(); ++len) {
    auto r = Decode(PhysicalType::kInt64, bytes.substr(0, len), v.size());
    if (r.ok()) {
      EXPECT_TRUE(SameValues(*r, v)) << "len " << len;
    } else {
      EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
    }
  }
}

TEST_F(DeltaBinaryPackedTest, AskingForMoreValuesThanStoredIsCorruption) {
  ColumnValues v(PhysicalType::kInt32);
  v.i32 = {1, 2, 3};
  auto r = Decode(PhysicalType::kInt32, Encode(v), 4);
  EXPECT_TRUE(r.status().IsCorruption());
}

TEST_F(DeltaBinaryPackedTest, ReaderFindsTheEndOfTheStream) {
  for (int n : {0, 1, 2, 33, 65, 129, 150}) {
    ColumnValues v(PhysicalType::kInt32);
    for (int i = 0; i < n; ++i) v.i32.push_back(i * i);
    std::string bytes = Encode(v);
    const size_t stream_len = bytes.size();
    bytes += "trailer";
    for (size_t consumed : {size_t{0}, size_t{1}, size_t{32}, size_t{33}, size_t{40}, size_t{n}}) {
      if (consumed > static_cast<size_t>(n)) continue;
      DeltaBitPackReader reader;
      ASSERT_TRUE(reader
                      .Init(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
                            Encoding::kDeltaBinaryPacked)
                      .ok());
      std::vector<int32_t> out(consumed);
      ASSERT_TRUE(reader.Get(out.data(), consumed).ok());
      auto end = reader.SkipToEnd();
      ASSERT_TRUE(end.ok()) << end.status().ToString();
      EXPECT_EQ(*end, stream_len) << "n " << n << " after " << consumed;
    }
  }
}

}  // namespace
}  // namespace lakestream::parquet
