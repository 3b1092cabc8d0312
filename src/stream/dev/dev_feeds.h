// NewDevFeeds: the development feeds of `lakestream ingest` (the DevFeeds
// interface of stream/ingest_job.h): `source: {embedded: true}` starts
// librdkafka's in-process mock broker (stream/dev/mock_cluster.h), and
// `--generate N` produces generated clickstream events into the topic while
// ingesting (stream/dev/generated_feed.h), paced by the group's lag.
//
// Not part of the product stream library: the `lakestream` binary links this
// library (lakestream_stream_dev) explicitly for its documented dev-only
// try-out mode and the benchmarks (docs/streaming.md, "Brokers, the embedded
// broker and --generate"); `lakestream serve` never uses it.
//
// Thread-safety and ownership: as DevFeeds (stream/ingest_job.h).
#pragma once

#include <cstdint>
#include <memory>

#include "pipeline/generator/clickstream_generator.h"
#include "stream/ingest_job.h"

namespace lakestream::stream {

struct DevFeedOptions {
  pipeline::GeneratorOptions generator;  // the events of Produce
  int embedded_partitions = 4;           // the embedded broker's topic
  int64_t max_lag = 20000;               // records the producer may run ahead of the group
};

std::shared_ptr<DevFeeds> NewDevFeeds(const DevFeedOptions& options);

}  // namespace lakestream::stream
