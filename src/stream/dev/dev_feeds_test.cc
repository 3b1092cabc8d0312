#include "stream/dev/dev_feeds.h"

#include <gtest/gtest.h>

#include "stream/testing_ingest_config.h"
#include "stream/testing_memory_sink.h"

namespace lakestream::stream {
namespace {

PipelineConfig Config() { return testing::EmbeddedIngestConfig(); }

// The embedded (mock) broker is the feature under test here: `embedded: true`
// with generated events is the dev-only try-out mode.
TEST(DevFeedsTest, EmbeddedSourceWithGeneratedEventsIngestsThemAll) {
  IngestOptions o;
  o.config = Config();
  o.generate_events = 600;
  DevFeedOptions dev;
  dev.generator.seed = 3;
  dev.generator.malformed_rate = 0.05;
  dev.generator.duplicate_rate = 0;
  dev.embedded_partitions = 2;
  o.dev_feeds = NewDevFeeds(dev);
  o.max_seconds = 120;
  o.make_sink = [](const PipelineConfig&) -> Result<std::unique_ptr<BatchSink>> {
    return std::unique_ptr<BatchSink>(new testing::MemoryBatchSink());
  };
  Result<IngestResult> r = RunIngest(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->produced, 600);
  EXPECT_EQ(r->stats.totals.records, 600);
  EXPECT_GT(r->stats.totals.quarantined, 0);
  EXPECT_EQ(r->stats.totals.events + r->stats.totals.quarantined, 600);
}

}  // namespace
}  // namespace lakestream::stream
