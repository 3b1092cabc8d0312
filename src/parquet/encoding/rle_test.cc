#include "parquet/encoding/rle.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "parquet/encoding/encoding.h"
#include "parquet/encoding/encoding_test_util.h"

namespace lakestream::parquet {
namespace {

using testing::ExactBuffer;
using testing::kSizes;

class RleTest : public ::testing::Test {
 protected:
  static std::vector<uint32_t> Decode(std::string_view bytes, int width, size_t n, Status* status) {
    ExactBuffer buf(bytes);
    RleDecoder decoder(buf.data(), buf.size(), width, "RLE test");
    std::vector<uint32_t> out(n);
    *status = decoder.Get(out.data(), n);
    return out;
  }

  static void ExpectRoundTrip(const std::vector<uint32_t>& values, int width) {
    std::string encoded;
    RleEncode(values.data(), values.size(), width, &encoded);
    Status st;
    auto decoded = Decode(encoded, width, values.size(), &st);
    ASSERT_TRUE(st.ok()) << st.ToString() << " width " << width << " n " << values.size();
    ASSERT_EQ(decoded, values) << "width " << width << " n " << values.size();
  }

  std::mt19937_64 rng_{42};
};

TEST_F(RleTest, DecodesTheSpecBitPackedExample) {
  // One bit-packed run of 8 values (header (1 << 1) | 1), 0..7 at width 3.
  Status st;
  auto out = Decode(std::string("\x03\x88\xC6\xFA", 4), 3, 8, &st);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(out, (std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7}));
}

TEST_F(RleTest, EncodesRepeatedValuesAsOneRleRun) {
  std::vector<uint32_t> values(100, 5);
  std::string encoded;
  RleEncode(values.data(), values.size(), 3, &encoded);
  // Header 100 << 1 = 200 as ULEB128 (0xC8 0x01), then the value in one byte.
  EXPECT_EQ(encoded, std::string("\xC8\x01\x05", 3));
}

TEST_F(RleTest, EncodesShortMixedInputAsBitPackedPaddedToEight) {
  std::vector<uint32_t> values = {0, 1, 2, 3, 4, 5, 6, 7};
  std::string encoded;
  RleEncode(values.data(), values.size(), 3, &encoded);
  EXPECT_EQ(encoded, std::string("\x03\x88\xC6\xFA", 4));
  values.resize(3);
  encoded.clear();
  RleEncode(values.data(), values.size(), 3, &encoded);
  EXPECT_EQ(encoded, std::string("\x03\x88\x00\x00", 4));
}

TEST_F(RleTest, DecodesRleRunsWithMultiByteValues) {
  // Run of 4 x 0x1234 at width 13 (2 value bytes), then 2 x 7.
  Status st;
  auto out = Decode(std::string("\x08\x34\x12\x04\x07\x00", 6), 13, 6, &st);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(out, (std::vector<uint32_t>{0x1234, 0x1234, 0x1234, 0x1234, 7, 7}));
}

TEST_F(RleTest, RoundTripsRandomDataOfEverySizeAndWidth) {
  for (int width = 0; width <= 32; ++width) {
    const uint64_t mask = width == 32 ? 0xffffffffu : (uint64_t{1} << width) - 1;
    for (size_t n : kSizes) {
      if (n == 100000 && width % 8 != 1) continue;  // the big size at a few widths
      std::vector<uint32_t> values(n);
      for (auto& v : values) v = static_cast<uint32_t>(rng_() & mask);
      ExpectRoundTrip(values, width);
    }
  }
}

TEST_F(RleTest, RoundTripsMixesOfRunsAndLiterals) {
  for (int width : {1, 2, 5, 8, 17, 32}) {
    const uint64_t mask = width == 32 ? 0xffffffffu : (uint64_t{1} << width) - 1;
    std::vector<uint32_t> values;
    while (values.size() < 5000) {
      const size_t run = rng_() % 3 == 0 ? rng_() % 40 : 1;
      const auto v = static_cast<uint32_t>(rng_() & mask);
      values.insert(values.end(), run, v);
    }
    ExpectRoundTrip(values, width);
  }
}

TEST_F(RleTest, DataEndingEarlyIsCorruption) {
  Status st;
  Decode(std::string("\x08\x05", 2), 3, 5, &st);
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  Decode(std::string("\x03\x88", 2), 8, 8, &st);  // bit-packed run cut short
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  Decode(std::string("\x08", 1), 3, 1, &st);  // RLE value missing
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  Decode(std::string("\x08\x09", 2), 3, 1, &st);  // value 9 needs more than 3 bits
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  EXPECT_NE(st.message().find("RLE test"), std::string::npos) << st.message();
}

TEST_F(RleTest, EveryTruncationOfAnEncodedBufferFailsCleanlyOrDecodesAPrefix) {
  std::vector<uint32_t> values;
  for (int i = 0; i < 60; ++i) values.push_back(i < 20 ? 3u : static_cast<uint32_t>(rng_() % 32));
  std::string encoded;
  RleEncode(values.data(), values.size(), 5, &encoded);
  for (size_t len = 0; len < encoded.size(); ++len) {
    Status st;
    auto out = Decode(encoded.substr(0, len), 5, values.size(), &st);
    if (st.ok()) {
      EXPECT_EQ(out, values) << "len " << len;  // only padding was cut
    } else {
      EXPECT_TRUE(st.IsCorruption()) << st.ToString();
    }
  }
}

class LevelsTest : public ::testing::Test {
 protected:
  std::mt19937_64 rng_{3};
};

TEST_F(LevelsTest, BitWidthCoversMaxLevel) {
  EXPECT_EQ(LevelBitWidth(0), 0);
  EXPECT_EQ(LevelBitWidth(1), 1);
  EXPECT_EQ(LevelBitWidth(2), 2);
  EXPECT_EQ(LevelBitWidth(3), 2);
  EXPECT_EQ(LevelBitWidth(4), 3);
  EXPECT_EQ(LevelBitWidth(255), 8);
}

TEST_F(LevelsTest, RleLevelsRoundTripForManyMaxLevels) {
  for (int max_level : {1, 2, 3, 7, 100}) {
    for (size_t n : kSizes) {
      std::vector<int16_t> levels(n);
      for (auto& l : levels) {
        l = rng_() % 4 == 0 ? static_cast<int16_t>(rng_() % (max_level + 1))
                            : static_cast<int16_t>(max_level);
      }
      std::string encoded;
      EncodeLevelsRle(levels.data(), n, max_level, &encoded);
      ExactBuffer buf(encoded);
      std::vector<int16_t> out(n);
      Status st = DecodeLevelsRle(buf.data(), buf.size(), max_level, n, out.data());
      ASSERT_TRUE(st.ok()) << st.ToString();
      ASSERT_EQ(out, levels);
    }
  }
}

TEST_F(LevelsTest, LevelAboveMaxIsCorruption) {
  std::vector<int16_t> levels = {0, 1, 3, 2};
  std::string encoded;
  EncodeLevelsRle(levels.data(), levels.size(), 3, &encoded);
  std::vector<int16_t> out(4);
  Status st = DecodeLevelsRle(reinterpret_cast<const uint8_t*>(encoded.data()), encoded.size(), 2,
                              4, out.data());
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
}

TEST_F(LevelsTest, MaxLevelZeroNeedsNoBytes) {
  std::vector<int16_t> out(10, 9);
  ASSERT_TRUE(DecodeLevelsRle(nullptr, 0, 0, 10, out.data()).ok());
  EXPECT_EQ(out, std::vector<int16_t>(10, 0));
}

TEST_F(LevelsTest, DecodesTheSpecDeprecatedBitPackedExample) {
  // Encodings.md: 0..7 at width 3, MSB-first -> 00000101 00111001 01110111.
  const uint8_t data[] = {0x05, 0x39, 0x77};
  std::vector<int16_t> out(8);
  auto consumed = DecodeLevelsBitPacked(data, sizeof(data), 7, 8, out.data());
  ASSERT_TRUE(consumed.ok()) << consumed.status().ToString();
  EXPECT_EQ(*consumed, 3u);
  EXPECT_EQ(out, (std::vector<int16_t>{0, 1, 2, 3, 4, 5, 6, 7}));
  auto short_read = DecodeLevelsBitPacked(data, 2, 7, 8, out.data());
  EXPECT_TRUE(short_read.status().IsCorruption());
  auto too_big = DecodeLevelsBitPacked(data, sizeof(data), 6, 8, out.data());
  EXPECT_TRUE(too_big.status().IsCorruption());
}

}  // namespace
}  // namespace lakestream::parquet
