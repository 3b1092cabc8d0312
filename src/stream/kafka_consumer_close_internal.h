// Closing a librdkafka consumer within a stated time limit (KafkaSource's Close,
// stream/kafka_source.h; private to the stream module).
//
// rd_kafka_consumer_close() blocks until the client has revoked its assignment,
// finished every offset commit in flight and left the group. When the group
// coordinator is gone or does not answer (after a broker outage), a queued
// OffsetCommit or LeaveGroup request waits for its own timeout
// (socket.timeout.ms, 60 s by default) and the close with it; so does
// rd_kafka_destroy(), which closes the consumer first and then waits for the
// group handler to finish those requests.
//
// CloseConsumerWithin() does the same close, serving what it posts on the
// calling thread, but only until a deadline. The close forwards the group's
// queue to its own, so besides the revoke it carries messages fetched ahead
// and consumer errors; serving that queue in callback mode trips librdkafka's
// "op must have been handled" assertion on a fetched message (there is no
// consume callback), which aborted the process when a close came while
// messages were prefetched. So the queue is served as events, as librdkafka's
// own synchronous close does: a rebalance event goes to `on_rebalance` (the
// client's rebalance handler), everything else is dropped (fetched messages
// were never handed out, so no offset of theirs is stored or committed).
// Past it, it gives up: the client is destroyed without the consumer close
// (RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE) on a detached thread, which ends once
// librdkafka has failed or timed out its last requests (at most
// socket.timeout.ms), and the caller goes on. For lakestream that is safe: the
// offsets committed to Kafka are advisory (docs/streaming.md, "Offsets"); the
// table's txn actions say where the next run starts, and the group's committed
// offsets catch up with the next run's first commit.
//
// Thread-safety: call from the thread that polls the consumer (librdkafka runs
// the rebalance callback on it). Ownership: takes `rk` and `commit_queue` and
// destroys both (the queue before the client, as librdkafka requires).
#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <functional>
#include <string>

namespace lakestream::stream::internal {

struct ConsumerCloseResult {
  // True: the consumer left the group and was destroyed within the limit.
  // False: the limit passed first; the client is being destroyed in the background.
  bool in_time = false;
  // librdkafka's reason when the close could not even start (e.g. the client had
  // a fatal error); empty otherwise. The client is destroyed either way.
  std::string start_error;
};

// What a rebalance event is handed to: the same handler the client's
// rebalance callback calls (err, the partitions).
using RebalanceHandler =
    std::function<void(rd_kafka_t*, rd_kafka_resp_err_t, rd_kafka_topic_partition_list_t*)>;

// Closes consumer `rk`, serving the close's queue (rebalance events to
// `on_rebalance`; without one the assignment is dropped) and the callbacks of
// `commit_queue` (may be null) on this thread for at most `timeout_ms` (>= 0),
// then destroys the queue and the client as described above.
ConsumerCloseResult CloseConsumerWithin(rd_kafka_t* rk, rd_kafka_queue_t* commit_queue,
                                        int64_t timeout_ms,
                                        const RebalanceHandler& on_rebalance = nullptr);

}  // namespace lakestream::stream::internal
