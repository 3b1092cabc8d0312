#include <algorithm>
#include <cstring>
#include <system_error>
#include <thread>

#include "common/clock.h"
#include "stream/kafka_consumer_close_internal.h"

namespace lakestream::stream::internal {
namespace {

// Destroys `rk` without the consumer close. On a detached thread, because
// rd_kafka_destroy waits for the group handler's requests in flight; when no
// thread can be started, here.
void DestroyInBackground(rd_kafka_t* rk) {
  auto destroy = [rk] { rd_kafka_destroy_flags(rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE); };
  try {
    std::thread(destroy).detach();
  } catch (const std::system_error&) {
    destroy();
  }
}

// Serves one event of the close queue: a rebalance to the handler (or, without
// one, the assignment dropped as the protocol requires), anything else dropped.
void ServeCloseEvent(rd_kafka_t* rk, rd_kafka_event_t* ev, const RebalanceHandler& on_rebalance) {
  if (rd_kafka_event_type(ev) == RD_KAFKA_EVENT_REBALANCE) {
    rd_kafka_topic_partition_list_t* parts = rd_kafka_event_topic_partition_list(ev);
    if (on_rebalance) {
      on_rebalance(rk, rd_kafka_event_error(ev), parts);
    } else if (std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0) {
      if (rd_kafka_error_t* e = rd_kafka_incremental_unassign(rk, parts)) rd_kafka_error_destroy(e);
    } else {
      rd_kafka_assign(rk, nullptr);
    }
  }
  rd_kafka_event_destroy(ev);
}

}  // namespace

ConsumerCloseResult CloseConsumerWithin(rd_kafka_t* rk, rd_kafka_queue_t* commit_queue,
                                        int64_t timeout_ms, const RebalanceHandler& on_rebalance) {
  ConsumerCloseResult result;
  Clock* clock = RealClock();  // librdkafka waits in real time
  const int64_t deadline = clock->MonotonicMillis() + std::max<int64_t>(timeout_ms, 0);
  rd_kafka_queue_t* close_queue = rd_kafka_queue_new(rk);
  if (rd_kafka_error_t* e = rd_kafka_consumer_close_queue(rk, close_queue)) {
    result.start_error = rd_kafka_error_string(e);
    rd_kafka_error_destroy(e);
  } else {
    // The close posts the revoke, the group queue's leftovers (messages fetched
    // ahead, errors) and, when done, a terminate op that wakes the poll.
    while (!rd_kafka_consumer_closed(rk)) {
      const int64_t left = deadline - clock->MonotonicMillis();
      if (left <= 0) break;
      rd_kafka_event_t* ev =
          rd_kafka_queue_poll(close_queue, static_cast<int>(std::min<int64_t>(left, 100)));
      if (ev != nullptr) ServeCloseEvent(rk, ev, on_rebalance);
      if (commit_queue != nullptr) rd_kafka_queue_poll_callback(commit_queue, 0);
    }
    result.in_time = rd_kafka_consumer_closed(rk) != 0;
  }
  // Commit results that arrived last are served before their queue goes.
  if (commit_queue != nullptr) {
    rd_kafka_queue_poll_callback(commit_queue, 0);
    rd_kafka_queue_destroy(commit_queue);
  }
  rd_kafka_queue_destroy(close_queue);
  if (result.in_time) {
    rd_kafka_destroy(rk);  // the group handler has finished: returns promptly
  } else {
    DestroyInBackground(rk);
  }
  return result;
}

}  // namespace lakestream::stream::internal
