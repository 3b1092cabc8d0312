#include "pipeline/timestamp_text.h"

#include <gtest/gtest.h>

namespace lakestream::pipeline {
namespace {

TEST(TimestampTextTest, FormatsMicrosecondsAsIsoUtc) {
  EXPECT_EQ(FormatTimestampUs(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatTimestampUs(1795479330123456), "2026-11-24T00:15:30.123456Z");
  EXPECT_EQ(FormatTimestampUs(951782400000001), "2000-02-29T00:00:00.000001Z");
  EXPECT_EQ(FormatTimestampUs(253402300799999999), "9999-12-31T23:59:59.999999Z");
}

TEST(TimestampTextTest, ParseInvertsFormat) {
  for (int64_t us : {0LL, 1LL, 951782400000001LL, 1795479330123456LL, 4102444800000000LL}) {
    auto parsed = ParseTimestampUs(FormatTimestampUs(us));
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(*parsed, us);
  }
}

TEST(TimestampTextTest, ParseAcceptsShortFractionsAndSpace) {
  EXPECT_EQ(*ParseTimestampUs("2026-11-24T00:00:00Z"), 1795478400000000);
  EXPECT_EQ(*ParseTimestampUs("2026-11-24 00:00:00.5Z"), 1795478400500000);
  EXPECT_EQ(*ParseTimestampUs("2026-11-24T00:00:00.123456789Z"), 1795478400123456);
}

TEST(TimestampTextTest, ParseRejectsMalformedText) {
  for (const char* text : {"", "2026-11-24", "2026-11-24T00:00:00", "2026-13-01T00:00:00Z",
                           "2026-02-29T00:00:00Z", "2026-11-24T24:00:00Z", "24/11/2026 10:15",
                           "2026-11-24T00:00:00.Z", "2026-11-24T00:00:00Zx"}) {
    EXPECT_TRUE(ParseTimestampUs(text).status().IsInvalidArgument()) << text;
  }
}

}  // namespace
}  // namespace lakestream::pipeline
