#include "stream/dev/generated_feed.h"

namespace lakestream::stream {

Result<ProduceStats> ProduceGenerated(KafkaProducer& producer,
                                      pipeline::ClickstreamGenerator& generator,
                                      const std::string& topic, const ProduceOptions& options) {
  ProduceStats stats;
  const bool pace = options.lag && options.max_lag > 0;
  for (int64_t i = 0; i < options.events; ++i) {
    if (pace && i % 1000 == 0) {
      const int64_t paused_since_ms = options.clock->MonotonicMillis();
      int64_t next_report_ms = options.pause_report_ms;
      while (true) {
        if (options.keep_going && !options.keep_going()) return stats;
        Result<int64_t> lag = options.lag();
        // Unknown lag (group not there yet): produce at most max_lag ahead.
        int64_t l = lag.ok() ? *lag : stats.produced;
        if (l <= options.max_lag) break;
        RETURN_IF_ERROR(producer.Flush(0).IsIOError() ? producer.Flush(0) : Status::OK());
        const int64_t paused_ms = options.clock->MonotonicMillis() - paused_since_ms;
        if (options.on_pause && options.pause_report_ms > 0 && paused_ms >= next_report_ms) {
          next_report_ms = paused_ms + options.pause_report_ms;
          options.on_pause("paused " + std::to_string(paused_ms / 1000) + " s after " +
                           std::to_string(stats.produced) + " events: " +
                           (lag.ok() ? "group lag " + std::to_string(*lag)
                                     : "group lag unknown (" + lag.status().ToString() + ")") +
                           " > max lag " + std::to_string(options.max_lag));
        }
        options.clock->SleepForMillis(options.pace_interval_ms);
      }
    }
    std::string_view line = generator.NextView();
    stats.bytes += static_cast<int64_t>(line.size());
    if (generator.last_was_malformed()) ++stats.malformed;
    if (generator.last_kind() == pipeline::EventKind::kDuplicate) ++stats.duplicates;
    RETURN_IF_ERROR(producer.Produce(topic, GeneratedEventKey(line), line));
    ++stats.produced;
  }
  Status st;
  for (int attempt = 0; attempt < 12; ++attempt) {
    st = producer.Flush(10000);
    if (!st.IsUnavailable()) break;
  }
  RETURN_IF_ERROR(st);
  return stats;
}

}  // namespace lakestream::stream
