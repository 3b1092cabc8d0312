#include "stream/ingest_job.h"

#include <gtest/gtest.h>

#include "stream/testing_ingest_config.h"
#include "stream/testing_memory_sink.h"

namespace lakestream::stream {
namespace {

PipelineConfig Config() { return testing::EmbeddedIngestConfig(); }

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
