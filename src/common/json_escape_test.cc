#include "common/json_escape.h"

#include <gtest/gtest.h>

namespace lakestream {
namespace {

std::string J(std::string_view s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

TEST(JsonEscapeTest, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(J("plain"), "\"plain\"");
  EXPECT_EQ(J("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(J("l1\nl2\t\x01"), "\"l1\\nl2\\t\\u0001\"");
}

TEST(JsonEscapeTest, KeepsValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(J("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  EXPECT_EQ(J("bad\xff"), "\"bad\xef\xbf\xbd\"");
  EXPECT_EQ(J("\xc3"), "\"\xef\xbf\xbd\"");
  EXPECT_EQ(J("\xed\xa0\x80"), "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");  // surrogate
  EXPECT_TRUE(IsValidUtf8("caf\xc3\xa9"));
  EXPECT_FALSE(IsValidUtf8("\xc0\x80"));  // overlong NUL
}

}  // namespace
}  // namespace lakestream
