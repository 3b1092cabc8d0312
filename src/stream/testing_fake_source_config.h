// Tests only: the pipeline config and the event JSON that the engine and monitor tests feed
// through a FakeSource (stream/testing_fake_source.h) into a MemoryBatchSink or a Delta sink
// on /mem (src/stream/micro_batch_engine_test.cc, src/stream/stream_monitor_test.cc).
// Header-only, never in a library. Thread-safety: pure functions. Ownership: returns values.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "stream/pipeline_config.h"

namespace lakestream::stream::testing {

// Topic "clicks" (a FakeSource reads it; no broker is contacted), table /mem/events, columns
// event_id string, event_time timestamp, n int32; available_now; batches cut every
// `max_records` records. `extra` is more YAML for the top level (a dimension, say).
inline PipelineConfig FakeSourceConfig(int64_t max_records = 1000000,
                                       const std::string& extra = "") {
  Result<PipelineConfig> cfg = ParsePipelineConfig(R"(
pipeline_id: test
source: {topic: clicks, brokers: "127.0.0.1:9092"}
target: {table: /mem/events}
columns:
  - {name: event_id, type: string, nullable: false}
  - {name: event_time, type: timestamp, nullable: false}
  - {name: n, type: int32}
trigger: {interval: 1h, max_records: )" + std::to_string(max_records) + R"(}
available_now: true
)" + extra);
  EXPECT_TRUE(cfg.ok()) << cfg.status().ToString();
  return cfg.ok() ? *cfg : PipelineConfig{};
}

// One event of FakeSourceConfig's columns.
inline std::string EventJson(const std::string& id, const std::string& time,
                             const std::string& n = "1") {
  return "{\"event_id\":\"" + id + "\",\"event_time\":\"" + time + "\",\"n\":" + n + "}";
}

}  // namespace lakestream::stream::testing
