// Schedule texts and due times.
#include "common/schedule.h"

#include <gtest/gtest.h>

namespace lakestream {
namespace {

constexpr int64_t kMin = 60000, kHour = 60 * kMin, kDay = 24 * kHour;

int64_t NextDue(const Schedule& s, int64_t after_ms) { return s.NextAfter(after_ms); }

TEST(ScheduleTest, DailyIsDueOncePerDayAtTheGivenUtcTime) {
  auto s = ParseSchedule("daily 02:30");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  int64_t day = 20000 * kDay;
  EXPECT_EQ(NextDue(*s, day), day + 2 * kHour + 30 * kMin);
  EXPECT_EQ(NextDue(*s, day + 2 * kHour + 30 * kMin), day + kDay + 2 * kHour + 30 * kMin);
  EXPECT_EQ(NextDue(*s, day + 23 * kHour), day + kDay + 2 * kHour + 30 * kMin);
}

TEST(ScheduleTest, HourlyEveryAndManual) {
  auto h = ParseSchedule("Hourly :15");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(NextDue(*h, 5 * kHour + 20 * kMin), 6 * kHour + 15 * kMin);
  auto e = ParseSchedule("every 30 minutes");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(NextDue(*e, 10 * kMin), 30 * kMin);
  EXPECT_EQ(NextDue(*e, 30 * kMin), 60 * kMin);
  EXPECT_EQ(NextDue(*ParseSchedule("every 2 hours"), kHour), 2 * kHour);
  EXPECT_EQ(NextDue(*ParseSchedule(""), 0), -1);
  EXPECT_EQ(NextDue(*ParseSchedule("manual"), 0), -1);
}

TEST(ScheduleTest, BadTextsAreRejectedWithTheAcceptedForms) {
  for (const char* bad : {"daily 25:00", "daily 2:30", "every 0 minutes", "every 5 days",
                          "hourly 15", "weekly", "0 2 * * *"}) {
    auto s = ParseSchedule(bad);
    EXPECT_TRUE(s.status().IsInvalidArgument()) << bad;
    EXPECT_NE(s.status().message().find("daily HH:MM"), std::string::npos) << bad;
  }
}

TEST(ScheduleTest, EveryTakesTheOneDurationSyntaxAlignedToTheEpoch) {
  auto e = ParseSchedule("every 15m");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->kind, Schedule::Kind::kInterval);
  EXPECT_TRUE(e->aligned);
  EXPECT_EQ(NextDue(*e, 20 * kMin), 30 * kMin);
  EXPECT_EQ(NextDue(*ParseSchedule("every 2h"), 3 * kHour), 4 * kHour);
  EXPECT_EQ(NextDue(*ParseSchedule("hourly :5"), 0), 5 * kMin);
  EXPECT_TRUE(ParseSchedule("every 1 hour").ok());
  EXPECT_TRUE(ParseSchedule("every 1x").status().IsInvalidArgument());
}

TEST(ScheduleTest, AnUnalignedIntervalCountsFromTheGivenTime) {
  Schedule s;  // serve's `every: 1m` key
  s.interval_ms = kMin;
  EXPECT_EQ(s.NextAfter(1000), 61000);
  EXPECT_EQ(s.ToString(), "every 60s");
  EXPECT_EQ(ParseSchedule("daily 03:00")->ToString(), "daily at 03:00 UTC");
  EXPECT_EQ(ParseSchedule("hourly :15")->ToString(), "hourly at :15");
  EXPECT_EQ(ParseSchedule("manual")->ToString(), "manual");
}

TEST(ScheduleTest, TimeOfDayIsTwoDigitHoursAndMinutes) {
  EXPECT_EQ(*ParseTimeOfDay("03:30"), (3 * 60 + 30) * kMin);
  for (const char* bad : {"3:30", "24:00", "12:60", "12-30", "aa:bb"}) {
    Result<int64_t> t = ParseTimeOfDay(bad);
    EXPECT_TRUE(t.status().IsInvalidArgument()) << bad;
    EXPECT_NE(t.status().message().find("HH:MM"), std::string::npos);
  }
}

}  // namespace
}  // namespace lakestream
