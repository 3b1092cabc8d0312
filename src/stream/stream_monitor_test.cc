#include "common/manual_clock.h"
#include "stream/stream_monitor.h"

#include <gtest/gtest.h>

#include "io/fault_injection_file_system.h"
#include "stream/delta_batch_sink.h"
#include "stream/dimension_sink.h"
#include "stream/micro_batch_engine.h"
#include "stream/testing_fake_source.h"
#include "stream/testing_fake_source_config.h"
#include "stream/testing_memory_sink.h"

namespace lakestream::stream {
namespace {

using testing::EventJson;
using testing::FakeSourceConfig;

// The value of the sample line starting with `series` ("name{labels}").
double Sample(const std::string& text, const std::string& series) {
  size_t at = text.find("\n" + series + " ");
  EXPECT_NE(at, std::string::npos) << series << " not in\n" << text;
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

TEST(StreamMonitorTest, MetricsAfterAKnownIngestMatchWhatWasCommitted) {
  const PipelineConfig cfg = FakeSourceConfig(3);
  testing::FakeSource source;
  source.Append(0, EventJson("a", "2026-11-24T10:00:00Z"));
  source.Append(0, EventJson("b", "2026-11-24T12:30:00Z"));
  source.Append(0, EventJson("a", "2026-11-24T10:00:00Z"));  // duplicate
  source.Append(0, "not json");                          // quarantined
  source.Append(0, EventJson("c", "2026-11-24T11:00:00Z"));
  testing::MemoryBatchSink sink;

  metrics::Registry reg;
  StreamMonitorOptions mo;
  mo.pipeline_id = "test";
  mo.topic = "clicks";
  ManualClock clock(int64_t{1764000000000} * 1000);  // 2025-11-24T16:00:00Z
  mo.clock = &clock;
  auto monitor = StreamMonitor::Make(&reg, mo);
  ASSERT_TRUE(monitor.ok()) << monitor.status().ToString();

  EngineOptions eo;
  eo.on_commit = [&](const MicroBatch& b) { (*monitor)->OnBatch(b); };
  auto engine = MicroBatchEngine::Make(cfg, &source, &sink, eo);
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  ASSERT_TRUE((*engine)->Run().ok());
  const EngineStats& st = (*engine)->stats();

  const std::string text = reg.Expose();
  const std::string p = "{pipeline=\"test\"}";
  EXPECT_EQ(Sample(text, "lakestream_stream_records_consumed_total" + p), 5);
  EXPECT_EQ(Sample(text, "lakestream_stream_records_written_total" + p), 3);
  EXPECT_EQ(Sample(text, "lakestream_stream_records_deduplicated_total" + p), 1);
  EXPECT_EQ(Sample(text, "lakestream_stream_records_quarantined_total" + p), 1);
  EXPECT_EQ(Sample(text, "lakestream_stream_bytes_consumed_total" + p), st.totals.bytes);
  EXPECT_EQ(Sample(text, "lakestream_stream_batches_total" + p), st.batches);
  EXPECT_EQ(st.batches, 2);  // max_records 3: 3 + 2
  EXPECT_EQ(Sample(text, "lakestream_stream_commit_latency_seconds_count" + p), 2);
  EXPECT_EQ(Sample(text, "lakestream_stream_batch_duration_seconds_count" + p), 2);
  EXPECT_EQ(Sample(text, "lakestream_stream_last_commit_timestamp_seconds" + p), 1764000000);
  // Newest event time: 2026-11-24T12:30:00Z, from the footer statistics.
  const double newest = 1795523400;
  EXPECT_EQ(Sample(text, "lakestream_stream_newest_event_time_seconds" + p), newest);
  EXPECT_EQ(Sample(text, "lakestream_stream_freshness_seconds" + p), 1764000000 - newest);
}

TEST(StreamMonitorTest, FailuresCountStorageErrorsAndReadinessNeedsTheSource) {
  metrics::Registry reg;
  StreamMonitorOptions mo;
  mo.pipeline_id = "p";
  ManualClock clock(int64_t{1000000} * 1000);
  mo.clock = &clock;
  auto monitor = StreamMonitor::Make(&reg, mo);
  ASSERT_TRUE(monitor.ok());
  (*monitor)->OnFailure(Status::IOError("disk"));
  (*monitor)->OnFailure(Status::Conflict("race"));
  const std::string text = reg.Expose();
  EXPECT_EQ(Sample(text, "lakestream_stream_failures_total{pipeline=\"p\"}"), 2);
  EXPECT_EQ(Sample(text, "lakestream_stream_storage_errors_total{pipeline=\"p\"}"), 1);
  EXPECT_FALSE((*monitor)->CheckReady(false).ready);
  Readiness r = (*monitor)->CheckReady(true);
  EXPECT_FALSE(r.ready);  // no lag sample ever succeeded
  EXPECT_NE(r.reason.find("source"), std::string::npos);
}

TEST(StreamMonitorTest, RegisteringTwiceInOneRegistryReusesTheFamilies) {
  metrics::Registry reg;
  StreamMonitorOptions mo;
  mo.pipeline_id = "p";
  auto a = StreamMonitor::Make(&reg, mo);
  auto b = StreamMonitor::Make(&reg, mo);
  EXPECT_TRUE(a.ok() && b.ok());
}

TEST(StreamMonitorTest, ADroppedPostCommitCheckpointOfTheDeltaSinkIsCounted) {
  const PipelineConfig cfg = FakeSourceConfig(1);
  testing::FakeSource source;
  for (int i = 0; i < 12; ++i) {
    source.Append(0, EventJson("e" + std::to_string(i), "2026-11-24T10:00:00Z"));
  }
  metrics::Registry reg;
  StreamMonitorOptions mo;
  mo.pipeline_id = "test";
  auto monitor = StreamMonitor::Make(&reg, mo);
  ASSERT_TRUE(monitor.ok()) << monitor.status().ToString();
  auto fs = std::make_shared<io::FaultInjectionFileSystem>(io::NewMemoryFileSystem());
  // Every checkpoint file fails to open; data files and commits go through.
  fs->FailNth(io::FsOp::kOpenForWrite, 1, io::FaultInjectionFileSystem::Fault::kIOError, -1,
              "checkpoint");
  DeltaSinkOptions so;
  so.fs = fs;
  so.events_table = cfg.table;
  so.quarantine_table = cfg.quarantine_table;
  so.observer = monitor->get();
  auto sink = NewDeltaBatchSink(so);
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  auto engine = MicroBatchEngine::Make(cfg, &source, sink->get(), EngineOptions{});
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  ASSERT_TRUE((*engine)->Run().ok());
  EXPECT_EQ((*engine)->stats().batches, 12);
  EXPECT_GT(fs->InjectedFailures(), 0);
  // Version 10 of the events table was due for a checkpoint (the default interval).
  const std::string text = reg.Expose();
  size_t at = text.find("lakestream_stream_checkpoint_failures_total{pipeline=\"test\",table=\"");
  ASSERT_NE(at, std::string::npos) << text;
  std::string line = text.substr(at, text.find('\n', at) - at);
  EXPECT_NE(line.find("events\"} 1"), std::string::npos) << line;
}

TEST(StreamMonitorTest, AFailedDimensionMergeIsCountedAndTheEventsStillCommit) {
  const PipelineConfig cfg =
      FakeSourceConfig(1, "dimension: {name: by_id, table: /mem/by_id, key: event_id, track: [n]}\n");
  testing::FakeSource source;
  source.Append(0, EventJson("a", "2026-11-24T10:00:00Z"));
  source.Append(0, EventJson("b", "2026-11-24T11:00:00Z"));
  metrics::Registry reg;
  StreamMonitorOptions mo;
  mo.pipeline_id = "test";
  auto monitor = StreamMonitor::Make(&reg, mo);
  ASSERT_TRUE(monitor.ok()) << monitor.status().ToString();
  auto fs = std::make_shared<io::FaultInjectionFileSystem>(io::NewMemoryFileSystem());
  DeltaSinkOptions so;
  so.fs = fs;
  so.events_table = cfg.table;
  so.quarantine_table = cfg.quarantine_table;
  auto inner = NewDeltaBatchSink(so);
  ASSERT_TRUE(inner.ok()) << inner.status().ToString();
  DimensionSinkOptions dso;
  dso.observer = monitor->get();
  auto sink = WithDimension(std::move(*inner), cfg, dso);
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  auto engine = MicroBatchEngine::Make(cfg, &source, sink->get(), EngineOptions{});
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  // The dimension table exists now; every commit to it fails from here on.
  fs->FailNth(io::FsOp::kPutIfAbsent, 1, io::FaultInjectionFileSystem::Fault::kIOError, -1,
              "by_id/_delta_log");
  ASSERT_TRUE((*engine)->Run().ok());
  EXPECT_EQ((*engine)->stats().batches, 2);
  EXPECT_GT(fs->InjectedFailures(), 0);
  const std::string text = reg.Expose();
  EXPECT_GE(Sample(text, "lakestream_stream_dimension_merge_failures_total{pipeline=\"test\","
                         "dimension=\"by_id\"}"),
            2);
}

TEST(StreamMonitorTest, WhatTheStreamSurvivesIsCountedByTableDimensionAndError) {
  metrics::Registry reg;
  StreamMonitorOptions o;
  o.pipeline_id = "p";
  auto m = StreamMonitor::Make(&reg, o);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  StreamObserver* observer = m->get();
  observer->OnCheckpointFailed("/data/events", "IOError: disk full");
  observer->OnCheckpointFailed("/data/events", "IOError: disk full");
  observer->OnDimensionMergeFailed("user_profile", Status::Conflict("lost a race"));
  observer->OnConsumerError("_TRANSPORT", "broker down");
  std::string text = reg.Expose();
  EXPECT_EQ(Sample(text, "lakestream_stream_checkpoint_failures_total{pipeline=\"p\",table=\"/data/events\"}"), 2);
  EXPECT_EQ(Sample(text, "lakestream_stream_dimension_merge_failures_total{pipeline=\"p\",dimension=\"user_profile\"}"), 1);
  EXPECT_EQ(Sample(text, "lakestream_stream_kafka_consumer_errors_total{pipeline=\"p\",error=\"_TRANSPORT\"}"), 1);
}

}  // namespace
}  // namespace lakestream::stream
