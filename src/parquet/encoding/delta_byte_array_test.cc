// DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY.
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

class DeltaByteArrayTest : public ::testing::Test {
 protected:
  static std::string Encode(Encoding e, const ColumnValues& values) {
    auto encoder = MakeValueEncoder(e, values.type, values.type_length);
    EXPECT_TRUE(encoder.ok());
    return EncodePage(encoder->get(), values);
  }

  static Result<ColumnValues> Decode(Encoding e, PhysicalType type, int32_t len,
                                     std::string_view bytes, size_t n) {
    ExactBuffer buf(bytes);
    ASSIGN_OR_RETURN(auto decoder, MakeValueDecoder(e, type, len, buf.data(), buf.size()));
    ColumnValues out(type, len);
    RETURN_IF_ERROR(DecodeAll(decoder.get(), n, &out));
    return out;
  }

  static void ExpectRoundTrip(Encoding e, const ColumnValues& values) {
    auto r = Decode(e, values.type, values.type_length, Encode(e, values), values.size());
    ASSERT_TRUE(r.ok()) << EncodingName(e) << ": " << r.status().ToString();
    ASSERT_TRUE(SameValues(*r, values)) << EncodingName(e) << " n=" << values.size();
  }

  static ColumnValues Strings(std::initializer_list<const char*> s) {
    ColumnValues v(PhysicalType::kByteArray);
    for (const char* x : s) v.bytes.Append(x);
    return v;
  }

  // Sorted-ish strings with long shared prefixes, as URLs have.
  ColumnValues Urls(size_t n) {
    ColumnValues v(PhysicalType::kByteArray);
    for (size_t i = 0; i < n; ++i) {
      v.bytes.Append("https://example.com/shop/item/" + std::to_string(i / 3) +
                     "?ref=" + std::to_string(rng_() % 7));
    }
    return v;
  }

  std::mt19937_64 rng_{9};
};

TEST_F(DeltaByteArrayTest, SpecExampleOfDeltaLengthByteArray) {
  // "Hello", "World", "Foobar", "ABCDEF": lengths 5 5 6 6, then the bytes.
  const ColumnValues v = Strings({"Hello", "World", "Foobar", "ABCDEF"});
  const std::string page = Encode(Encoding::kDeltaLengthByteArray, v);
  // Header 128/4/4/zigzag(5); block: min delta 0, widths 1 0 0 0, one
  // 32-value miniblock of 1 bit (4 bytes: relative deltas 0 1 0).
  const std::string lengths(
      "\x80\x01\x04\x04\x0a"
      "\x00\x01\x00\x00\x00"
      "\x02\x00\x00\x00",
      14);
  EXPECT_EQ(page, lengths + "HelloWorldFoobarABCDEF");
  ExpectRoundTrip(Encoding::kDeltaLengthByteArray, v);
}

TEST_F(DeltaByteArrayTest, SpecExampleOfDeltaByteArray) {
  // "axis", "axle", "babble", "babyhood": prefixes 0 2 0 3, suffixes
  // "axis" "le" "babble" "yhood".
  const ColumnValues v = Strings({"axis", "axle", "babble", "babyhood"});
  const std::string page = Encode(Encoding::kDeltaByteArray, v);
  ASSERT_GE(page.size(), 17u);
  EXPECT_EQ(page.substr(page.size() - 17), "axislebabbleyhood");
  ExpectRoundTrip(Encoding::kDeltaByteArray, v);
}

TEST_F(DeltaByteArrayTest, BothEncodingsRoundTripAtEverySize) {
  for (size_t n : kSizes) {
    ExpectRoundTrip(Encoding::kDeltaLengthByteArray,
                    RandomValues(PhysicalType::kByteArray, 0, n, rng_));
    ExpectRoundTrip(Encoding::kDeltaByteArray, RandomValues(PhysicalType::kByteArray, 0, n, rng_));
    ExpectRoundTrip(Encoding::kDeltaByteArray, Urls(n));
    ExpectRoundTrip(Encoding::kDeltaByteArray,
                    RandomValues(PhysicalType::kFixedLenByteArray, 6, n, rng_, 20));
  }
}

TEST_F(DeltaByteArrayTest, EmptyStringsAndOnePageAfterAnother) {
  ExpectRoundTrip(Encoding::kDeltaByteArray, Strings({"", "", "a", "", "ab", "ab"}));
  ExpectRoundTrip(Encoding::kDeltaLengthByteArray, Strings({"", "", ""}));
  auto encoder = MakeValueEncoder(Encoding::kDeltaByteArray, PhysicalType::kByteArray, 0);
  const ColumnValues a = Strings({"prefix-1", "prefix-2"});
  const ColumnValues b = Strings({"prefix-3"});
  EncodePage(encoder->get(), a);
  // The second page must not refer back to the first page's last value.
  auto r = Decode(Encoding::kDeltaByteArray, PhysicalType::kByteArray, 0,
                  EncodePage(encoder->get(), b), 1);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(SameValues(*r, b));
}

TEST_F(DeltaByteArrayTest, PrefixLongerThanThePreviousValueIsCorruption) {
  // Prefix lengths {0, 5} over suffixes {"ab", "c"}: 5 > len("ab").
  ColumnValues prefixes(PhysicalType::kInt32);
  prefixes.i32 = {0, 5};
  auto enc = MakeValueEncoder(Encoding::kDeltaBinaryPacked, PhysicalType::kInt32, 0);
  std::string page = EncodePage(enc->get(), prefixes);
  page += Encode(Encoding::kDeltaLengthByteArray, Strings({"ab", "c"}));
  auto r = Decode(Encoding::kDeltaByteArray, PhysicalType::kByteArray, 0, page, 2);
  ASSERT_TRUE(r.status().IsCorruption());
  EXPECT_NE(r.status().message().find("parquet: DELTA_BYTE_ARRAY: prefix length 5"),
            std::string::npos)
      << r.status().message();
}

TEST_F(DeltaByteArrayTest, WrongLengthForFixedLenByteArrayIsCorruption) {
  const std::string page = Encode(Encoding::kDeltaByteArray, Strings({"abcd", "abc"}));
  auto r = Decode(Encoding::kDeltaByteArray, PhysicalType::kFixedLenByteArray, 4, page, 2);
  EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
}

TEST_F(DeltaByteArrayTest, LengthsRunningPastTheDataAreCorruption) {
  std::string page = Encode(Encoding::kDeltaLengthByteArray, Strings({"Hello", "World"}));
  page.pop_back();
  auto r = Decode(Encoding::kDeltaLengthByteArray, PhysicalType::kByteArray, 0, page, 2);
  EXPECT_TRUE(r.status().IsCorruption());
  // A negative length.
  ColumnValues lengths(PhysicalType::kInt32);
  lengths.i32 = {-1};
  auto enc = MakeValueEncoder(Encoding::kDeltaBinaryPacked, PhysicalType::kInt32, 0);
  r = Decode(Encoding::kDeltaLengthByteArray, PhysicalType::kByteArray, 0,
             EncodePage(enc->get(), lengths) + "xyz", 1);
  EXPECT_TRUE(r.status().IsCorruption());
}

TEST_F(DeltaByteArrayTest, EveryTruncationFailsCleanly) {
  const ColumnValues v = Urls(50);
  for (Encoding e : {Encoding::kDeltaLengthByteArray, Encoding::kDeltaByteArray}) {
    const std::string page = Encode(e, v);
    for (size_t len = 0; len < page.size(); ++len) {
      auto r = Decode(e, PhysicalType::kByteArray, 0, page.substr(0, len), v.size());
      ASSERT_FALSE(r.ok()) << EncodingName(e) << " len " << len;
      EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
    }
  }
}

}  // namespace
}  // namespace lakestream::parquet
