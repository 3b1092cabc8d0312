// Schedule texts and due times.
#include "odata/schedule.h"

#include <gtest/gtest.h>

namespace lakestream::odata {
namespace {

constexpr int64_t kMin = 60000, kHour = 60 * kMin, kDay = 24 * kHour;

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

}  // namespace
}  // namespace lakestream::odata
