// stream_mock_broker: a standalone Kafka broker for the streaming chaos tests
// and the ingest benchmark. It hosts librdkafka's mock cluster
// (stream/mock_cluster.h) in its own process, so the topic outlives the
// ingest processes that the tests kill and restart.
//
//   stream_mock_broker --topic T --partitions N [--brokers B]
//
// Creates the topic, prints "bootstrap=<servers>" on stdout (one line,
// flushed), then waits for SIGTERM or SIGINT and exits 0. Binds 127.0.0.1
// ephemeral ports only. Data lives in memory, a few MB per partition
// (the mock drops the oldest messages past that), so producers must be
// paced by consumer lag.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <unistd.h>

#include "stream/mock_cluster.h"

namespace {
volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }
}  // namespace

int main(int argc, char** argv) {
  std::string topic = "clickstream";
  int partitions = 4;
  int brokers = 1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "stream_mock_broker: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--topic") {
      topic = next();
    } else if (a == "--partitions") {
      partitions = std::atoi(next().c_str());
    } else if (a == "--brokers") {
      brokers = std::atoi(next().c_str());
    } else {
      std::fprintf(stderr,
                   "usage: stream_mock_broker [--topic T] [--partitions N] [--brokers B]\n");
      return 2;
    }
  }
  if (partitions < 1 || brokers < 1) {
    std::fprintf(stderr, "stream_mock_broker: --partitions and --brokers must be >= 1\n");
    return 2;
  }
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  auto cluster = lakestream::stream::MockCluster::Start(brokers);
  if (!cluster.ok()) {
    std::fprintf(stderr, "stream_mock_broker: %s\n", cluster.status().ToString().c_str());
    return 1;
  }
  lakestream::Status st = (*cluster)->CreateTopic(topic, partitions);
  if (!st.ok()) {
    std::fprintf(stderr, "stream_mock_broker: %s\n", st.ToString().c_str());
    return 1;
  }
  std::printf("bootstrap=%s\n", (*cluster)->bootstrap_servers().c_str());
  std::fflush(stdout);
  while (!g_stop) usleep(100 * 1000);
  return 0;
}
