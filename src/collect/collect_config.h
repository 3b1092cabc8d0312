// The collector's configuration (`lakestream collect --config FILE`, or the
// file named by serve's `collect:` key). YAML, read through
// io/config_yaml.h; unknown keys are refused with a did-you-mean, and every
// error names the file and the key. docs/collector.md documents each key.
//
//   listen: 0.0.0.0:8080
//   collector_id: collector-1          # default: the host name
//   threads: 2                         # event-loop threads
//   max_connections: 20000
//   timeouts: {header: 10s, body: 30s, idle: 120s, ack: 5s}
//   limits: {batch: 1MB, event: 32KB, events: 10000, decompression_ratio: 100}
//   client_ip: {mode: truncate, hash_key_env: VAR, trusted_proxy_hops: 0}
//   kafka: {brokers: host:port, event_hubs: {connection_string_env: VAR}, properties: {}}
//   spool: {dir: /var/lib/lakestream/spool, max_bytes: 1GB, segment_bytes: 64MB}
//   sources:
//     - {name: web, key_env: WEB_WRITE_KEY, topic: events, origins: [https://a.example],
//        rate_limit: 5000, burst: 10000}
//
// Write keys come from `key_env` / `key_file` (the credentials resolver) or,
// for tests, a literal `key`; they are registered as secrets (never logged).
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "collect/write_keys.h"
#include "common/status.h"
#include "io/file_system.h"
#include "stream/kafka_config.h"

namespace lakestream::collect {

struct CollectConfig {
  std::string listen_host = "0.0.0.0";
  int listen_port = 8080;
  std::string collector_id;
  int threads = 2;
  int64_t max_connections = 20000;
  int64_t header_timeout_ms = 10000;
  int64_t body_timeout_ms = 30000;
  int64_t idle_timeout_ms = 120000;
  int64_t ack_timeout_ms = 5000;
  int64_t max_batch_bytes = 1 << 20;
  int64_t max_event_bytes = 32 << 10;
  int64_t max_events = 10000;
  int64_t max_decompression_ratio = 100;
  std::string client_ip_mode = "truncate";
  std::string client_ip_hash_key;
  int trusted_proxy_hops = 0;
  stream::KafkaConnection kafka;
  std::string spool_dir;
  int64_t spool_max_bytes = int64_t{1} << 30;
  int64_t spool_segment_bytes = int64_t{64} << 20;
  std::vector<Source> sources;
};

// Parses a config document; `what` leads errors (the file name).
Result<CollectConfig> ParseCollectConfig(const std::string& text, const std::string& what);
// Reads and parses `path` through `fs` (the local disk when null).
Result<CollectConfig> LoadCollectConfig(io::FileSystem* fs, const std::string& path);

}  // namespace lakestream::collect
