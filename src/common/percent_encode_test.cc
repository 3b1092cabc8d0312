#include "common/percent_encode.h"

#include <gtest/gtest.h>

namespace lakestream {
namespace {

TEST(PercentEncodeTest, KeepsOnlyUnreservedCharactersByDefault) {
  EXPECT_EQ(PercentEncode("aZ09-._~"), "aZ09-._~");
  EXPECT_EQ(PercentEncode("a b/c=d&e%"), "a%20b%2Fc%3Dd%26e%25");
  EXPECT_EQ(PercentEncode(""), "");
}

TEST(PercentEncodeTest, KeepsTheGivenCharactersToo) {
  EXPECT_EQ(PercentEncode("a b/c=d", "/"), "a%20b/c%3Dd");
  EXPECT_EQ(PercentEncode("x=A/a b:c@d", "/=:@"), "x=A/a%20b:c@d");
  // '%' in the keep-set is honoured as given; callers that decode keep it out.
  EXPECT_EQ(PercentEncode("100%", "%"), "100%");
}

TEST(PercentEncodeTest, BytesAboveAsciiAreAlwaysEncoded) {
  EXPECT_EQ(PercentEncode("\xC3\xA9"), "%C3%A9");
  // A keep-set cannot let a non-ASCII byte through, even one that matches a char in it.
  EXPECT_EQ(PercentEncode("\xC3\xA9", "\xC3"), "%C3%A9");
}

}  // namespace
}  // namespace lakestream
