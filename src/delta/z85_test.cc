#include "delta/z85.h"

#include <gtest/gtest.h>

namespace lakestream::delta {
namespace {

TEST(Z85Test, DecodesTheRfcVector) {
  // ZeroMQ RFC 32: these 8 bytes encode as "HelloWorld".
  const std::string bytes("\x86\x4F\xD2\x6F\xB5\x59\xF7\x5B", 8);
  auto d = Z85Decode("HelloWorld");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(*d, bytes);
  EXPECT_EQ(Z85Encode(bytes), "HelloWorld");
}

TEST(Z85Test, EncodeThenDecodeKeepsEveryByteValue) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  auto d = Z85Decode(Z85Encode(all));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, all);
}

TEST(Z85Test, ShortInputIsPaddedToWholeGroups) {
  std::string enc = Z85Encode("abcdef");
  EXPECT_EQ(enc.size(), 10u);
  auto d = Z85Decode(enc);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, std::string("abcdef\0\0", 8));
}

TEST(Z85Test, BadInputIsRejectedWithThePosition) {
  auto len = Z85Decode("Hello");
  EXPECT_TRUE(len.ok());
  EXPECT_TRUE(Z85Decode("Hell").status().IsInvalidArgument());
  auto bad = Z85Decode("Hel\"o");
  ASSERT_TRUE(bad.status().IsInvalidArgument());
  EXPECT_NE(bad.status().message().find("character 3"), std::string::npos)
      << bad.status().ToString();
  // "#####" is 85^5 - 1, above 2^32 - 1.
  EXPECT_TRUE(Z85Decode("#####").status().IsInvalidArgument());
}

}  // namespace
}  // namespace lakestream::delta
