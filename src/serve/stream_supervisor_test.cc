#include "serve/stream_supervisor.h"

#include <gtest/gtest.h>

#include <thread>

#include "common/manual_clock.h"

namespace lakestream::serve {
namespace {

TEST(StreamSupervisorTest, BackoffDoublesUpToTheCapWithBoundedJitter) {
  RestartPolicy p;
  p.initial_backoff_ms = 100;
  p.max_backoff_ms = 1000;
  p.jitter = 0.2;
  EXPECT_EQ(StreamSupervisor::BackoffMs(p, 1, 0.5), 100);
  EXPECT_EQ(StreamSupervisor::BackoffMs(p, 2, 0.5), 200);
  EXPECT_EQ(StreamSupervisor::BackoffMs(p, 4, 0.5), 800);
  EXPECT_EQ(StreamSupervisor::BackoffMs(p, 5, 0.5), 1000);
  EXPECT_EQ(StreamSupervisor::BackoffMs(p, 50, 0.5), 1000);
  EXPECT_EQ(StreamSupervisor::BackoffMs(p, 1, 0.0), 80);
  EXPECT_EQ(StreamSupervisor::BackoffMs(p, 1, 0.999999), 119);
}

TEST(StreamSupervisorTest, FailuresAreRetriedWithBackoffUntilARunSucceeds) {
  metrics::Registry reg;
  stream::StreamMonitorOptions mo;
  mo.pipeline_id = "p";
  auto monitor = stream::StreamMonitor::Make(&reg, mo);
  ASSERT_TRUE(monitor.ok());
  int calls = 0;
  ManualClock clock;
  std::vector<int64_t> starts;
  SupervisorOptions so;
  so.clock = &clock;
  so.restart.initial_backoff_ms = 50;
  so.restart.max_backoff_ms = 200;
  so.restart.jitter = 0;
  so.monitor = monitor->get();
  so.seed = 7;
  so.run = [&](const stream::IngestOptions& o) -> Result<stream::IngestResult> {
    starts.push_back(clock.MonotonicMillis());
    if (++calls <= 3) return Status::IOError("storage: injected failure " + std::to_string(calls));
    return stream::IngestResult{};
  };
  StreamSupervisor sup(so);
  std::atomic<bool> stop{false};
  ASSERT_TRUE(sup.Run(&stop).ok());
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(sup.failures(), 3);
  // Gaps of >= 50, 100, 200 ms (backoff doubling, no jitter).
  auto gap = [&](int i) { return starts[i] - starts[i - 1]; };
  EXPECT_GE(gap(1), 50);
  EXPECT_GE(gap(2), 100);
  EXPECT_GE(gap(3), 200);
  const std::string text = reg.Expose();
  EXPECT_NE(text.find("lakestream_stream_failures_total{pipeline=\"p\"} 3"), std::string::npos);
  EXPECT_NE(text.find("lakestream_stream_restarts_total{pipeline=\"p\"} 3"), std::string::npos);
  EXPECT_NE(text.find("lakestream_stream_storage_errors_total{pipeline=\"p\"} 3"),
            std::string::npos);
  EXPECT_NE(text.find("lakestream_stream_up{pipeline=\"p\"} 0"), std::string::npos);
}

// The backoff is a day: Run returns only if the stop flag cuts the wait short (a supervisor
// that ignored it would hang until ctest's timeout fails the test). No elapsed-time bound.
TEST(StreamSupervisorTest, StopDuringBackoffReturns) {
  SupervisorOptions so;
  so.restart.initial_backoff_ms = 24LL * 3600 * 1000;
  so.restart.max_backoff_ms = 24LL * 3600 * 1000;
  so.run = [](const stream::IngestOptions&) -> Result<stream::IngestResult> {
    return Status::Unavailable("broker down");
  };
  StreamSupervisor sup(so);
  std::atomic<bool> stop{false};
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    stop.store(true);
  });
  ASSERT_TRUE(sup.Run(&stop).ok());
  t.join();
  EXPECT_EQ(sup.runs(), 1);
}

}  // namespace
}  // namespace lakestream::serve
