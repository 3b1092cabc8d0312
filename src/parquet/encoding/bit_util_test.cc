#include "parquet/encoding/bit_util.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <vector>

#include "parquet/encoding/bit_pack.h"

namespace lakestream::parquet {
namespace {

using bit_util::AppendUleb128;
using bit_util::ReadUleb128;

TEST(BitUtilTest, Uleb128MatchesTheWikipediaExampleAndRoundTrips) {
  std::string out;
  AppendUleb128(&out, 624485);
  EXPECT_EQ(out, std::string("\xE5\x8E\x26", 3));
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{127}, uint64_t{128}, uint64_t{1} << 35,
                     std::numeric_limits<uint64_t>::max()}) {
    std::string buf;
    AppendUleb128(&buf, v);
    size_t pos = 0;
    uint64_t got = 0;
    ASSERT_TRUE(ReadUleb128(reinterpret_cast<const uint8_t*>(buf.data()), buf.size(), &pos, &got));
    EXPECT_EQ(got, v);
    EXPECT_EQ(pos, buf.size());
  }
}

TEST(BitUtilTest, Uleb128RejectsTruncatedAndOverlongInput) {
  const uint8_t truncated[] = {0x80, 0x80};
  size_t pos = 0;
  uint64_t v;
  EXPECT_FALSE(ReadUleb128(truncated, sizeof(truncated), &pos, &v));
  EXPECT_EQ(pos, 0u);
  const uint8_t eleven[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
  EXPECT_FALSE(ReadUleb128(eleven, sizeof(eleven), &pos, &v));
  const uint8_t overflow[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
  EXPECT_FALSE(ReadUleb128(overflow, sizeof(overflow), &pos, &v));
}

TEST(BitUtilTest, ZigZagMapsSignedToUnsignedAndBack) {
  EXPECT_EQ(bit_util::ZigZagEncode(0), 0u);
  EXPECT_EQ(bit_util::ZigZagEncode(-1), 1u);
  EXPECT_EQ(bit_util::ZigZagEncode(1), 2u);
  EXPECT_EQ(bit_util::ZigZagEncode(-2), 3u);
  for (int64_t v : {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(),
                    int64_t{-12345}, int64_t{12345}}) {
    EXPECT_EQ(bit_util::ZigZagDecode(bit_util::ZigZagEncode(v)), v);
  }
}

TEST(BitUtilTest, BitWriterPacksLsbFirstLikeTheSpecExample) {
  // Encodings.md: 0..7 at bit width 3 -> 10001000 11000110 11111010.
  std::string out;
  bit_util::BitWriter w(&out);
  for (uint64_t v = 0; v < 8; ++v) w.Put(v, 3);
  w.Flush();
  EXPECT_EQ(out, std::string("\x88\xC6\xFA", 3));
}

TEST(BitPackTest, EveryWidthRoundTripsThroughPackAndUnpack) {
  std::mt19937_64 rng(7);
  for (int width = 0; width <= 64; ++width) {
    const size_t groups = 5;
    std::vector<uint64_t> in(groups * 8);
    const uint64_t mask = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
    for (auto& v : in) v = rng() & mask;
    std::vector<uint8_t> packed(groups * static_cast<size_t>(width));
    bit_pack::Pack64(in.data(), width, groups, packed.data());
    // The kernels agree with the simple BitWriter.
    std::string reference;
    bit_util::BitWriter w(&reference);
    for (uint64_t v : in) w.Put(v, width);
    w.Flush();
    ASSERT_EQ(std::string(packed.begin(), packed.end()), reference) << "width " << width;
    std::vector<uint64_t> out(in.size());
    bit_pack::Unpack64(packed.data(), width, groups, out.data());
    ASSERT_EQ(out, in) << "width " << width;
    if (width <= 32) {
      std::vector<uint32_t> in32(in.begin(), in.end()), out32(in.size());
      std::vector<uint8_t> packed32(packed.size());
      bit_pack::Pack32(in32.data(), width, groups, packed32.data());
      ASSERT_EQ(packed32, packed);
      bit_pack::Unpack32(packed.data(), width, groups, out32.data());
      ASSERT_EQ(out32, in32);
    }
  }
}

}  // namespace
}  // namespace lakestream::parquet
