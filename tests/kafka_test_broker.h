// The real Apache Kafka broker of the stream tests (tests/peers/kafka), for
// GoogleTest binaries: where it is and a topic of one's own on it. Test code
// only (header-only, compiled into the test binaries alone).
//
// ctest starts one broker for every test labelled "kafka" (the kafka_broker
// fixture, tests/kafka_broker_fixture.sh) and passes its state file in
// LAKESTREAM_KAFKA_STATE. Run by hand, set LAKESTREAM_KAFKA_BOOTSTRAP=host:port
// (e.g. after `source tests/peers/kafka/kafka_fixture.sh; kafka_fixture_start`).
// Without either, TestBrokerBootstrap() fails with what to do: the tests fail,
// they do not skip.
//
// Thread-safety: functions of plain values; each call makes its own client.
#pragma once

#include <librdkafka/rdkafka.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "common/status.h"

namespace lakestream::stream::testing {

// "host:port" of the test broker, or InvalidArgument saying how to get one.
inline Result<std::string> TestBrokerBootstrap() {
  if (const char* b = std::getenv("LAKESTREAM_KAFKA_BOOTSTRAP"); b != nullptr && *b != '\0') {
    return std::string(b);
  }
  const char* state = std::getenv("LAKESTREAM_KAFKA_STATE");
  if (state == nullptr || *state == '\0') {
    return Status::InvalidArgument(
        "no Kafka broker for this test: run it with ctest (its kafka_broker fixture starts "
        "one) or set LAKESTREAM_KAFKA_BOOTSTRAP=host:port (tests/peers/kafka/kafka_fixture.sh "
        "starts one)");
  }
  std::ifstream in(state);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("KAFKA_BOOTSTRAP=", 0) == 0 && line.size() > 16) return line.substr(16);
  }
  return Status::InvalidArgument(std::string("no Kafka broker for this test: ") + state +
                                 " has no KAFKA_BOOTSTRAP line (did the kafka_broker_start "
                                 "fixture fail?)");
}

// A name no other test (or concurrent run) on the shared broker uses:
// "<prefix>-<pid>-<n>".
inline std::string UniqueKafkaName(const std::string& prefix) {
  static int counter = 0;
  return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

// Creates `topic` with `partitions` partitions (replication factor 1) through
// the Kafka admin API and waits for the broker to finish. Errors name the topic.
inline Status CreateTestTopic(const std::string& bootstrap, const std::string& topic,
                              int partitions) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err) !=
      RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    return Status::InvalidArgument(std::string("create topic: ") + err);
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Status::Internal(std::string("create topic: ") + err);
  }
  rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(topic.c_str(), partitions, 1, err, sizeof err);
  if (nt == nullptr) {
    rd_kafka_destroy(rk);
    return Status::InvalidArgument("create topic " + topic + ": " + err);
  }
  rd_kafka_AdminOptions_t* opts = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_operation_timeout(opts, 60000, err, sizeof err);
  rd_kafka_AdminOptions_set_request_timeout(opts, 60000, err, sizeof err);
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  rd_kafka_CreateTopics(rk, &nt, 1, opts, q);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 90000);
  Status st;
  if (ev == nullptr) {
    st = Status::Unavailable("create topic " + topic + ": no answer from " + bootstrap);
  } else if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    st = Status::Unavailable("create topic " + topic + ": " + rd_kafka_event_error_string(ev));
  } else {
    size_t n = 0;
    const rd_kafka_topic_result_t** r =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
    if (n != 1) {
      st = Status::Internal("create topic " + topic + ": unexpected result");
    } else if (rd_kafka_topic_result_error(r[0]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* why = rd_kafka_topic_result_error_string(r[0]);
      st = Status::Unavailable("create topic " + topic + ": " + (why ? why : "failed"));
    }
  }
  if (ev != nullptr) rd_kafka_event_destroy(ev);
  rd_kafka_queue_destroy(q);
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_NewTopic_destroy(nt);
  rd_kafka_destroy(rk);
  return st;
}

}  // namespace lakestream::stream::testing
