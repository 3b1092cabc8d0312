// ProduceGenerated: feeds synthetic clickstream events
// (pipeline/generator/clickstream_generator.h) into a Kafka topic through a
// KafkaProducer (stream/kafka_producer.h): `lakestream generate --topic`,
// `lakestream ingest --generate`, benchmarks and tests. Development and test
// machinery, so it lives in lakestream_stream_dev, not in the product stream
// library.
//
// Records are keyed by their event_id (GeneratedEventKey), so every resend of
// an event lands in the same partition as the original.
//
// Pacing: the embedded mock broker keeps only a few MB per partition
// (stream/dev/mock_cluster.h), so ProduceGenerated can wait while the
// consumer group's lag (high watermark minus committed offset, summed over
// partitions) exceeds `max_lag` records, as measured by a ConsumerLag.
//
// Thread-safety: one call per producer at a time. Ownership: borrows the
// producer and the generator for the duration of the call.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "pipeline/generator/clickstream_generator.h"
#include "stream/kafka_producer.h"

namespace lakestream::stream {

struct ProduceOptions {
  int64_t events = 0;
  // Pause while lag() > max_lag (both set), checking every pace_interval_ms.
  std::function<Result<int64_t>()> lag;
  int64_t max_lag = 0;
  int pace_interval_ms = 200;
  // Called after each pause check; return false to stop early.
  std::function<bool()> keep_going;
  // Called about every pause_report_ms while paused, with why (the lag, or the error that
  // leaves it unknown), so a stalled producer says what it waits for.
  std::function<void(const std::string&)> on_pause;
  int pause_report_ms = 10000;
  // Measures the pauses and sleeps between checks (borrowed, never null).
  Clock* clock = RealClock();
};

// Produces options.events generated lines into `topic` and flushes.
Result<ProduceStats> ProduceGenerated(KafkaProducer& producer,
                                      pipeline::ClickstreamGenerator& generator,
                                      const std::string& topic, const ProduceOptions& options);

}  // namespace lakestream::stream
