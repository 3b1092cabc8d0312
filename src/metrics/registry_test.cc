#include "metrics/registry.h"

#include <gtest/gtest.h>

#include <thread>

namespace lakestream::metrics {
namespace {

TEST(RegistryTest, CountersGaugesAndLabelsExposeInTextFormat) {
  Registry reg;
  auto rows = reg.AddCounter("lakestream_rows_total", "Rows written", {"table"});
  ASSERT_TRUE(rows.ok());
  (*rows)->WithLabels({"events"}).Inc(5);
  (*rows)->WithLabels({"events"}).Inc(2);
  (*rows)->WithLabels({"quar\"an\\tine\n"}).Inc();
  auto up = reg.AddGauge("lakestream_up", "Up");
  ASSERT_TRUE(up.ok());
  (*up)->WithLabels({}).Set(0.25);
  EXPECT_EQ(reg.Expose(),
            "# HELP lakestream_rows_total Rows written\n"
            "# TYPE lakestream_rows_total counter\n"
            "lakestream_rows_total{table=\"events\"} 7\n"
            "lakestream_rows_total{table=\"quar\\\"an\\\\tine\\n\"} 1\n"
            "# HELP lakestream_up Up\n"
            "# TYPE lakestream_up gauge\n"
            "lakestream_up 0.25\n");
}

TEST(RegistryTest, HistogramBucketsAreCumulativeWithSumAndCount) {
  Registry reg;
  auto h = reg.AddHistogram("lat_seconds", "Latency", {0.1, 1, 10}, {"op"});
  ASSERT_TRUE(h.ok());
  Histogram& c = (*h)->WithLabels({"commit"});
  c.Observe(0.05);
  c.Observe(0.1);  // le is inclusive
  c.Observe(5);
  c.Observe(50);
  EXPECT_EQ(reg.Expose(),
            "# HELP lat_seconds Latency\n"
            "# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{op=\"commit\",le=\"0.1\"} 2\n"
            "lat_seconds_bucket{op=\"commit\",le=\"1\"} 2\n"
            "lat_seconds_bucket{op=\"commit\",le=\"10\"} 3\n"
            "lat_seconds_bucket{op=\"commit\",le=\"+Inf\"} 4\n"
            "lat_seconds_sum{op=\"commit\"} 55.15\n"
            "lat_seconds_count{op=\"commit\"} 4\n");
}

TEST(RegistryTest, BadNamesAndConflictingRegistrationsAreRefused) {
  Registry reg;
  EXPECT_TRUE(reg.AddCounter("1bad", "x").status().IsInvalidArgument());
  EXPECT_TRUE(reg.AddCounter("ok", "x", {"__reserved"}).status().IsInvalidArgument());
  EXPECT_TRUE(reg.AddHistogram("h", "x", {1}, {"le"}).status().IsInvalidArgument());
  EXPECT_TRUE(reg.AddHistogram("h", "x", {2, 1}).status().IsInvalidArgument());
  auto a = reg.AddCounter("same", "x", {"a"});
  auto b = reg.AddCounter("same", "x", {"a"});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_TRUE(reg.AddGauge("same", "x", {"a"}).status().IsInvalidArgument());
  EXPECT_TRUE(reg.AddCounter("same", "x", {"b"}).status().IsInvalidArgument());
}

TEST(RegistryTest, CollectHooksRunBeforeExposition) {
  Registry reg;
  Gauge& g = (*reg.AddGauge("g", "x"))->WithLabels({});
  int calls = 0;
  reg.AddCollectHook([&] { g.Set(++calls); });
  EXPECT_NE(reg.Expose().find("g 1\n"), std::string::npos);
  EXPECT_NE(reg.Expose().find("g 2\n"), std::string::npos);
}

TEST(RegistryTest, ConcurrentUpdatesAreNotLost) {
  Registry reg;
  Counter& c = (*reg.AddCounter("c", "x"))->WithLabels({});
  Histogram& h = (*reg.AddHistogram("h", "x", {1}))->WithLabels({});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        c.Inc();
        h.Observe(i % 2);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.Value(), 40000);
  Histogram::Snapshot s = h.Read();
  EXPECT_EQ(s.count, 40000u);
  EXPECT_EQ(s.cumulative[0], 40000u);
  EXPECT_EQ(s.sum, 20000);
}

TEST(RegistryTest, ValuesFormatLikePrometheus) {
  EXPECT_EQ(FormatValue(3), "3");
  EXPECT_EQ(FormatValue(-2), "-2");
  EXPECT_EQ(FormatValue(0.001), "0.001");
  EXPECT_EQ(FormatValue(1.0 / 0.0), "+Inf");
  EXPECT_EQ(FormatValue(-1.0 / 0.0), "-Inf");
  EXPECT_EQ(FormatValue(0.0 / 0.0), "NaN");
  EXPECT_EQ(FormatValue(1.7e18), "1.7e+18");
}

}  // namespace
}  // namespace lakestream::metrics
