// ServeConfig: the YAML of `lakestream serve --config FILE`
// (deploy/serve-clickstream.yaml is an example):
//
//   pipeline: ingest-clickstream.yaml   # the stream's PipelineConfig, relative
//                                       # to this file; omit for jobs only. Its
//                                       # source must name brokers or Event Hubs
//                                       # (`embedded: true` is refused)
//   state_dir: /var/lib/lakestream      # run log at <state_dir>/_lakestream/runs
//   refresh: refresh.yaml               # the OData refresh config (refresh/refresh_config.h),
//                                       # relative to this file; adds the odata-refresh job,
//                                       # the refresh API and the dashboard
//   collect: collect.yaml               # run the HTTP event collector too (src/collect,
//                                       # docs/collector.md), relative to this file
//   http: 127.0.0.1:9464                # /metrics /healthz /readyz (port 0: any)
//   log: {format: json, level: info}
//   stream:
//     restart: {initial_backoff: 1s, max_backoff: 5m, jitter: 0.2, reset_after: 5m}
//     max_commit_age: 10m               # readiness and the stall notification
//     lag_interval: 15s                 # consumer lag sampling
//   run_log: {keep: 30d, group_rows: 200, group_interval: 60s}
//   jobs:
//     - {name: vacuum-events, type: vacuum, table: /data/events, schedule: "daily 02:00"}
//     - {name: checkpoint-events, type: checkpoint, table: /data/events, every: 1h}
//     - {name: log-cleanup-events, type: log_cleanup, table: /data/events,
//        schedule: "daily 03:00", retention: 30d}
//   notify:
//     runbook_url: https://git.example/lakestream/blob/main/docs/runbook.md
//     min_interval: 30m
//     email: {smtp_url: "smtp://mail:587", starttls: true, from: a@x, to: [ops@x],
//             username: lakestream, password_env: SMTP_PASSWORD}
//     webhook: {url: "https://hooks.example/T000/B000"}   # or url_env: NAME
// Secrets named by *_env come from that variable, else the secrets file's
// entry of that name (io/credentials.h).
//
//     - {name: archive-events, type: archive, table: /data/events,
//        archive_table: /archive/events, older_than: 365d, daily_at: "01:00"}
//     - {name: optimize-events, type: optimize, table: /data/events, recent: 2d,
//        zorder_by: [user_id, page_url], target_file_size: 512MB, every: 1h}
//
// Job types: vacuum (retention optional), log_cleanup (retention optional),
// checkpoint (also cleans the log, maintenance/checkpoint_job.h), archive
// (maintenance/archive.h; partition_column default event_date), optimize
// (maintenance/optimize.h on the partitions of the last `recent`). Each has exactly one of
// `schedule` (the one schedule syntax, common/schedule.h: "daily 02:00", "hourly :15",
// "every 15m"; the syntax OData sources use too), or the older spellings `every: 1h` (counted
// from serve's start, + optional run_at_start) and `daily_at: "02:00"` (= schedule "daily 02:00").
// A runlog-retention job (hourly, keep) is always added. Unknown keys are errors naming the key
// and the closest known one. The file is read with the one config reader (io/config_yaml.h):
// errors read "<file>: serve config: jobs[2].schedule: ...".
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/logger.h"
#include "common/status.h"
#include "notify/notifier.h"
#include "common/schedule.h"
#include "io/file_system.h"
#include "stream/pipeline_config.h"

namespace lakestream::serve {

struct JobConfig {
  std::string name;
  std::string type;  // vacuum | log_cleanup | checkpoint | archive | optimize
  std::string table;
  Schedule schedule;
  std::optional<int64_t> retention_ms;
  // archive
  std::string archive_table;
  int64_t older_than_ms = 365LL * 24 * 3600 * 1000;
  // archive and optimize: the date partition column
  std::string partition_column = "event_date";
  // optimize: partitions of the last `recent` (by partition date), Z-order
  // columns (empty: bin-packing), target file size
  int64_t recent_ms = 2LL * 24 * 3600 * 1000;
  std::vector<std::string> zorder_by;
  int64_t target_file_size = 512LL << 20;
};

struct RestartPolicy {
  int64_t initial_backoff_ms = 1000;
  int64_t max_backoff_ms = 5 * 60 * 1000;
  double jitter = 0.2;                     // +- this fraction of each delay
  int64_t reset_after_ms = 5 * 60 * 1000;  // a run this long resets the backoff
};

struct ServeConfig {
  std::optional<stream::PipelineConfig> pipeline;
  std::string state_dir;
  // The OData refresh config file (serve/odata_refresh_job.h); "" for none.
  // `lakestream serve --refresh-config FILE` sets it too.
  std::string refresh;
  // The collector's config file (collect/collect_config.h); "" for none. Its
  // metrics join serve's /metrics and its readiness serve's /readyz.
  std::string collect;
  std::string http = "127.0.0.1:9464";
  // The control API's token (docs/security.md); not in the file: the CLI
  // takes it from $LAKESTREAM_API_TOKEN.
  std::string api_token;
  std::optional<LogFormat> log_format;
  std::optional<LogLevel> log_level;
  RestartPolicy restart;
  int64_t max_commit_age_ms = 10 * 60 * 1000;
  int64_t lag_interval_ms = 15000;
  int64_t run_log_keep_ms = 30LL * 24 * 3600 * 1000;
  int64_t run_log_group_rows = 200;
  int64_t run_log_group_ms = 60000;
  std::vector<JobConfig> jobs;
  notify::NotifierOptions notify;  // no channels unless configured
  // Not in the file: the service's time (run log, scheduler, stream monitor and supervisor,
  // the main loop's waits); tests pass a ManualClock. Borrowed, never null.
  Clock* clock = RealClock();
};

// `base_dir` resolves a relative `pipeline:` path, read through `fs` (the
// local disk when null). InvalidArgument naming the key for any problem.
Result<ServeConfig> ParseServeConfig(std::string_view yaml, const std::string& base_dir,
                                     io::FileSystem* fs = nullptr);
// Reads `path` through `fs` (the local disk when null); errors name the file.
Result<ServeConfig> LoadServeConfig(const std::string& path, io::FileSystem* fs = nullptr);

}  // namespace lakestream::serve
