#include "stream/ingest_job.h"

#include <gtest/gtest.h>

#include "stream/testing_memory_sink.h"

namespace lakestream::stream {
namespace {

constexpr const char* kConfig = R"(
pipeline_id: job
source: {topic: clicks, embedded: true}
target: {table: /mem/events}
columns:
  - {name: event_id, type: string, nullable: false}
  - {name: user_id, type: int64, nullable: false}
  - {name: event_time, type: timestamp, nullable: false}
trigger: {interval: 200ms, max_records: 1000}
available_now: true
)";

PipelineConfig Config() {
  Result<PipelineConfig> cfg = ParsePipelineConfig(kConfig);
  EXPECT_TRUE(cfg.ok()) << cfg.status().ToString();
  return cfg.ok() ? *cfg : PipelineConfig{};
}

TEST(IngestJobTest, ASourceWithoutBrokersFailsInsteadOfStartingTheMockBroker) {
  // A config built in code (ParsePipelineConfig already refuses the YAML).
  IngestOptions o;
  o.config = Config();
  o.config.source.embedded = false;
  bool sink_made = false;
  o.make_sink = [&](const PipelineConfig&) -> Result<std::unique_ptr<BatchSink>> {
    sink_made = true;
    return std::unique_ptr<BatchSink>(new testing::MemoryBatchSink());
  };
  Result<IngestResult> r = RunIngest(o);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
  EXPECT_NE(r.status().message().find("names no Kafka brokers"), std::string::npos)
      << r.status().ToString();
  EXPECT_FALSE(sink_made);
}

TEST(IngestJobTest, AnEmbeddedSourceWithoutDevFeedsIsRefusedNamingThem) {
  IngestOptions o;
  o.config = Config();
  o.make_sink = [](const PipelineConfig&) -> Result<std::unique_ptr<BatchSink>> {
    return std::unique_ptr<BatchSink>(new testing::MemoryBatchSink());
  };
  Result<IngestResult> r = RunIngest(o);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
  EXPECT_NE(r.status().message().find("development feeds"), std::string::npos)
      << r.status().ToString();
}

}  // namespace
}  // namespace lakestream::stream
