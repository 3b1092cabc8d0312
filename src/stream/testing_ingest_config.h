// Tests only: the small embedded-broker pipeline config the IngestJob and DevFeeds tests run
// (src/stream/ingest_job_test.cc, src/stream/dev/dev_feeds_test.cc). Header-only, never in a
// library. Thread-safety: pure function. Ownership: returns a value.
#pragma once

#include <gtest/gtest.h>

#include "stream/pipeline_config.h"

namespace lakestream::stream::testing {

inline PipelineConfig EmbeddedIngestConfig() {
  Result<PipelineConfig> cfg = ParsePipelineConfig(R"(
pipeline_id: job
source: {topic: clicks, embedded: true}
target: {table: /mem/events}
columns:
  - {name: event_id, type: string, nullable: false}
  - {name: user_id, type: int64, nullable: false}
  - {name: event_time, type: timestamp, nullable: false}
trigger: {interval: 200ms, max_records: 1000}
available_now: true
)");
  EXPECT_TRUE(cfg.ok()) << cfg.status().ToString();
  return cfg.ok() ? *cfg : PipelineConfig{};
}

}  // namespace lakestream::stream::testing
