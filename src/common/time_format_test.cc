#include "common/time_format.h"

#include <gtest/gtest.h>

namespace lakestream {
namespace {

TEST(TimeFormatTest, EpochAndKnownDates) {
  EXPECT_EQ(FormatDate(0), "1970-01-01");
  EXPECT_EQ(FormatDate(-1), "1969-12-31");
  EXPECT_EQ(FormatDate(11016), "2000-02-29");
  EXPECT_EQ(FormatDate(20781), "2026-11-24");
  EXPECT_EQ(FormatDate(-719528), "0000-01-01");
  EXPECT_EQ(FormatDate(2932896), "9999-12-31");
}

TEST(TimeFormatTest, DaysRoundTripAcrossCenturies) {
  for (int64_t d = -800000; d <= 3000000; d += 997) {
    CivilDate c = CivilFromDays(d);
    EXPECT_EQ(DaysFromCivil(c.year, c.month, c.day), d);
  }
}

TEST(TimeFormatTest, TimestampsAreUtcWithMicroseconds) {
  EXPECT_EQ(FormatTimestampMicros(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatTimestampMicros(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatTimestampMicros(1795515330123456), "2026-11-24T10:15:30.123456Z");
}

TEST(TimeFormatTest, ParsesIsoTimestampsWithZonesAndFractions) {
  EXPECT_EQ(ParseTimestampMicros("2026-11-24T10:15:30.123456Z"), 1795515330123456);
  EXPECT_EQ(ParseTimestampMicros("2026-11-24 10:15:30.123456"), 1795515330123456);
  EXPECT_EQ(ParseTimestampMicros("2026-11-24T11:15:30.123456+01:00"), 1795515330123456);
  EXPECT_EQ(ParseTimestampMicros("2026-11-24T10:15:30.1234567Z"), 1795515330123456);
  EXPECT_EQ(ParseTimestampMicros("2026-11-24T10:15Z"), 1795515300000000);
  EXPECT_EQ(ParseTimestampMicros("2026-11-24"), 1795478400000000);
  EXPECT_FALSE(ParseTimestampMicros("2026-11-24T25:00:00Z"));
  EXPECT_FALSE(ParseTimestampMicros("2026-02-30T00:00:00Z"));
  EXPECT_FALSE(ParseTimestampMicros("yesterday"));
  EXPECT_FALSE(ParseTimestampMicros("2026-11-24T10:15:30Zjunk"));
}

TEST(TimeFormatTest, ParsesDates) {
  EXPECT_EQ(ParseDate("1970-01-01"), 0);
  EXPECT_EQ(ParseDate("2000-02-29"), 11016);
  EXPECT_FALSE(ParseDate("2001-02-29"));
  EXPECT_FALSE(ParseDate("2001-13-01"));
  EXPECT_FALSE(ParseDate("2001-1-01"));
}

}  // namespace
}  // namespace lakestream
