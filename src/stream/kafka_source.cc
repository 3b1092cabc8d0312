#include "stream/kafka_source.h"

#include <librdkafka/rdkafka.h>

#include <cstring>
#include <optional>
#include <utility>

#include "stream/kafka_consumer_close_internal.h"

namespace lakestream::stream {
namespace {

std::string KafkaError(rd_kafka_resp_err_t err) { return rd_kafka_err2str(err); }

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* c) const { rd_kafka_conf_destroy(c); }
};
struct ListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const {
    rd_kafka_topic_partition_list_destroy(l);
  }
};
using ListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, ListDeleter>;

std::vector<TopicPartition> FromList(const rd_kafka_topic_partition_list_t* list) {
  std::vector<TopicPartition> out;
  if (list == nullptr) return out;
  for (int i = 0; i < list->cnt; ++i)
    out.push_back({list->elems[i].topic, list->elems[i].partition});
  return out;
}

int64_t ToRdOffset(int64_t offset) {
  switch (offset) {
    case kOffsetBeginning:
      return RD_KAFKA_OFFSET_BEGINNING;
    case kOffsetEnd:
      return RD_KAFKA_OFFSET_END;
    case kOffsetStored:
      return RD_KAFKA_OFFSET_STORED;
    default:
      return offset;
  }
}

class KafkaSource final : public Source {
 public:
  ~KafkaSource() override { (void)Close(); }

  static Result<std::unique_ptr<Source>> Make(const KafkaSourceOptions& options) {
    if (options.group_id.empty()) {
      return Status::InvalidArgument("kafka source: a consumer group id is required");
    }
    ASSIGN_OR_RETURN(KafkaProperties props, BuildKafkaProperties(options.connection));
    auto src = std::unique_ptr<KafkaSource>(new KafkaSource());
    src->observer_ = options.observer;
    src->log_ = options.log;
    src->group_id_ = options.group_id;
    src->close_timeout_ms_ = options.close_timeout_ms;
    std::unique_ptr<rd_kafka_conf_t, ConfDeleter> conf(rd_kafka_conf_new());
    KafkaProperties base = {{"group.id", options.group_id},
                            {"enable.auto.commit", "false"},
                            {"enable.auto.offset.store", "false"},
                            {"enable.partition.eof", "false"},
                            {"auto.offset.reset", options.auto_offset_reset},
                            {"client.id", "lakestream"},
                            // Prefetch: with librdkafka's default
                            // queued.min.messages (100,000) and 300 partitions
                            // the engine starved for over half the run
                            // (docs/streaming.md, docs/benchmarks.md); raise it
                            // and bound the prefetch by bytes (256 MB) instead,
                            // so RSS stays < 1 GB.
                            {"queued.min.messages", "10000000"},
                            {"queued.max.messages.kbytes", "262144"},
                            // Partitions added to the topic while ingesting are
                            // found (and assigned) within 10 s instead of
                            // librdkafka's default 5 minutes.
                            {"topic.metadata.refresh.interval.ms", "10000"}};
    for (const auto& [k, v] : props) base[k] = v;  // the user's properties win
    char err[512];
    for (const auto& [k, v] : base) {
      if (rd_kafka_conf_set(conf.get(), k.c_str(), v.c_str(), err, sizeof(err)) !=
          RD_KAFKA_CONF_OK) {
        // librdkafka's message names the property, not the value.
        return Status::InvalidArgument("kafka source: property " + k + ": " + err);
      }
    }
    rd_kafka_conf_set_opaque(conf.get(), src.get());
    rd_kafka_conf_set_rebalance_cb(conf.get(), &KafkaSource::RebalanceCb);
    rd_kafka_conf_set_error_cb(conf.get(), &KafkaSource::ErrorCb);
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), err, sizeof(err));
    if (rk == nullptr) return Status::InvalidArgument(std::string("kafka source: ") + err);
    conf.release();  // owned by rk now
    src->rk_ = rk;
    src->max_poll_bytes_ = options.max_poll_bytes;
    rd_kafka_poll_set_consumer(rk);
    src->commit_queue_ = rd_kafka_queue_new(rk);
    return std::unique_ptr<Source>(std::move(src));
  }

  void SetRebalanceListener(RebalanceListener* listener) override { listener_ = listener; }

  Status Subscribe(const std::vector<std::string>& topics) override {
    if (rk_ == nullptr) return Status::Internal("kafka source: closed");
    ListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(topics.size())));
    for (const auto& t : topics) {
      rd_kafka_topic_partition_list_add(list.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
    }
    rd_kafka_resp_err_t e = rd_kafka_subscribe(rk_, list.get());
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::InvalidArgument("kafka source: subscribe: " + KafkaError(e));
    }
    return Status::OK();
  }

  Result<size_t> Poll(size_t max_records, int timeout_ms, std::vector<SourceRecord>* out) override {
    if (rk_ == nullptr) return Status::Internal("kafka source: closed");
    size_t n = 0;
    int64_t bytes = 0;
    int wait = timeout_ms;
    while (n < max_records && bytes < max_poll_bytes_) {
      rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, wait);
      RETURN_IF_ERROR(TakeCallbackStatus());
      if (m == nullptr) break;
      wait = 0;  // drain what is already fetched, then return
      if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        std::string msg = rd_kafka_message_errstr(m);
        rd_kafka_resp_err_t err = m->err;
        rd_kafka_message_destroy(m);
        if (err == RD_KAFKA_RESP_ERR__PARTITION_EOF) continue;
        char fatal[512];
        if (rd_kafka_fatal_error(rk_, fatal, sizeof(fatal)) != RD_KAFKA_RESP_ERR_NO_ERROR) {
          return Status::Internal(std::string("kafka source: fatal: ") + fatal);
        }
        if (err == RD_KAFKA_RESP_ERR__AUTHENTICATION) {
          return Status::InvalidArgument("kafka source: authentication failed: " + msg +
                                         " (check the SASL credentials or the Event Hubs "
                                         "connection string)");
        }
        if (err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
            err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED) {
          return Status::NotFound("kafka source: " + msg);
        }
        // Transient (broker down, rebalancing): librdkafka retries; counted.
        if (observer_ != nullptr) observer_->OnConsumerError(rd_kafka_err2name(err), msg);
        continue;
      }
      if (n == out->size()) out->emplace_back();
      SourceRecord& r = (*out)[n];  // reused: assign() keeps its buffers
      r.topic.assign(rd_kafka_topic_name(m->rkt));
      r.partition = m->partition;
      r.offset = m->offset;
      rd_kafka_timestamp_type_t tstype;
      r.timestamp_ms = rd_kafka_message_timestamp(m, &tstype);
      if (m->key != nullptr) {
        if (!r.key) r.key.emplace();
        r.key->assign(static_cast<const char*>(m->key), m->key_len);
      } else {
        r.key.reset();
      }
      if (m->payload != nullptr) {
        r.payload.reserve(m->len + 64);  // padding for in-place JSON parsing
        r.payload.assign(static_cast<const char*>(m->payload), m->len);
      } else {
        r.payload.clear();
      }
      bytes += static_cast<int64_t>(m->len);
      rd_kafka_message_destroy(m);
      ++n;
    }
    return n;
  }

  Status Seek(const TopicPartition& tp, int64_t offset) override {
    if (rk_ == nullptr) return Status::Internal("kafka source: closed");
    ListPtr list(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset =
        ToRdOffset(offset);
    rd_kafka_error_t* error = rd_kafka_seek_partitions(rk_, list.get(), 10000);
    if (error != nullptr) {
      std::string msg = rd_kafka_error_string(error);
      rd_kafka_error_destroy(error);
      return Status::Unavailable("kafka source: seek " + tp.ToString() + ": " + msg);
    }
    if (list->elems[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::InvalidArgument("kafka source: seek " + tp.ToString() + ": " +
                                     KafkaError(list->elems[0].err));
    }
    return Status::OK();
  }

  Status Commit(const std::map<TopicPartition, int64_t>& next_offsets) override {
    if (rk_ == nullptr) return Status::Internal("kafka source: closed");
    if (commit_in_flight_) {
      return Status::Internal("kafka source: commit offsets: the previous commit is in flight");
    }
    if (next_offsets.empty()) return Status::OK();
    ListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(next_offsets.size())));
    for (const auto& [tp, off] : next_offsets) {
      rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset = off;
    }
    // Asynchronous: the result is posted on commit_queue_ and served by CommitOutcome.
    rd_kafka_resp_err_t e =
        rd_kafka_commit_queue(rk_, list.get(), commit_queue_, &KafkaSource::CommitCb, this);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::Unavailable("kafka source: commit offsets: " + KafkaError(e));
    }
    commit_in_flight_ = true;
    return Status::OK();
  }

  std::optional<Status> CommitOutcome(int timeout_ms) override {
    // Only commit results arrive on this queue and at most one commit is in flight,
    // so one wait serves it (or times out).
    if (commit_queue_ != nullptr && commit_in_flight_) {
      rd_kafka_queue_poll_callback(commit_queue_, timeout_ms);
    }
    std::optional<Status> out = std::move(commit_outcome_);
    commit_outcome_.reset();
    return out;
  }

  Result<std::vector<TopicPartition>> Assignment() override {
    if (rk_ == nullptr) return Status::Internal("kafka source: closed");
    rd_kafka_topic_partition_list_t* list = nullptr;
    rd_kafka_resp_err_t e = rd_kafka_assignment(rk_, &list);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::Internal("kafka source: assignment: " + KafkaError(e));
    }
    ListPtr owned(list);
    return FromList(list);
  }

  Result<std::pair<int64_t, int64_t>> Watermarks(const TopicPartition& tp,
                                                 int timeout_ms) override {
    if (rk_ == nullptr) return Status::Internal("kafka source: closed");
    int64_t lo = 0, hi = 0;
    rd_kafka_resp_err_t e =
        rd_kafka_query_watermark_offsets(rk_, tp.topic.c_str(), tp.partition, &lo, &hi, timeout_ms);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::Unavailable("kafka source: watermarks of " + tp.ToString() + ": " +
                                 KafkaError(e));
    }
    return std::make_pair(lo, hi);
  }

  Status Close() override {
    if (rk_ == nullptr) return Status::OK();
    // Runs the revoke callback (listener flush) on this thread and serves the results
    // of commits in flight, which stay readable through CommitOutcome; bounded by
    // close_timeout_ms_.
    rd_kafka_t* rk = std::exchange(rk_, nullptr);
    internal::ConsumerCloseResult r =
        internal::CloseConsumerWithin(rk, std::exchange(commit_queue_, nullptr), close_timeout_ms_,
                                      [this](rd_kafka_t* client, rd_kafka_resp_err_t err,
                                             rd_kafka_topic_partition_list_t* parts) {
                                        OnRebalance(client, err, parts);
                                      });
    Status st = TakeCallbackStatus();
    if (!r.in_time && r.start_error.empty()) GaveUpClosing();
    commit_in_flight_ = false;
    RETURN_IF_ERROR(st);
    if (!r.start_error.empty()) return Status::Unavailable("kafka source: close: " + r.start_error);
    return Status::OK();
  }

 private:
  KafkaSource() = default;

  // Close() passed close_timeout_ms_ before the consumer left the group: says so, and
  // a commit still unanswered becomes its outcome.
  void GaveUpClosing() {
    const std::string limit = std::to_string(close_timeout_ms_) + " ms (source.close_timeout)";
    if (commit_in_flight_) {
      commit_outcome_ = Status::Unavailable(
          "kafka source: commit offsets: no answer from the group coordinator within " + limit +
          " of closing; not waiting longer");
    }
    if (log_) {
      log_("kafka source: close: group " + group_id_ + " not left within " + limit +
           " (the group coordinator does not answer" +
           (commit_in_flight_ ? std::string(" an offset commit") : std::string()) +
           "); going on without it: the table's txn actions say where the next run starts, "
           "the group's committed offsets catch up with its first commit; the client is "
           "released in the background");
    }
  }

  Status TakeCallbackStatus() {
    Status s = std::move(callback_status_);
    callback_status_ = Status::OK();
    return s;
  }
  void RecordCallbackStatus(Status s) {
    if (!s.ok() && callback_status_.ok()) callback_status_ = std::move(s);
  }

  // Client-level errors, served by consumer_poll on the polling thread. A failed SASL
  // authentication (a wrong or rotated key, e.g. a bad Event Hubs connection string) is
  // not transient: librdkafka would retry it forever, so Poll fails with it instead and
  // the caller (ingest, serve's supervisor with its backoff and alerts) decides. Every
  // error is still printed as librdkafka prints it without an error callback.
  static void ErrorCb(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
    auto* self = static_cast<KafkaSource*>(opaque);
    const auto code = static_cast<rd_kafka_resp_err_t>(err);
    rd_kafka_log_print(rk, 3, "ERROR",
                       (std::string(rd_kafka_err2name(code)) + ": " + reason).c_str());
    if (code == RD_KAFKA_RESP_ERR__AUTHENTICATION) {
      self->RecordCallbackStatus(Status::InvalidArgument(
          std::string("kafka source: authentication failed: ") + reason +
          " (check the SASL credentials or the Event Hubs connection string)"));
    } else if (self->observer_ != nullptr) {
      self->observer_->OnConsumerError(rd_kafka_err2name(code), reason);  // transient: counted
    }
  }

  // The result of a commit started by Commit(), served from commit_queue_ on the
  // polling thread (in CommitOutcome or Close).
  static void CommitCb(rd_kafka_t*, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* offsets,
                       void* opaque) {
    auto* self = static_cast<KafkaSource*>(opaque);
    self->commit_in_flight_ = false;
    Status st;
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      st = Status::Unavailable("kafka source: commit offsets: " + KafkaError(err));
    } else if (offsets != nullptr) {
      for (int i = 0; i < offsets->cnt && st.ok(); ++i) {
        if (offsets->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
          st = Status::Unavailable("kafka source: commit offsets: " +
                                   TopicPartition{offsets->elems[i].topic,
                                                  offsets->elems[i].partition}.ToString() +
                                   ": " + KafkaError(offsets->elems[i].err));
        }
      }
    }
    self->commit_outcome_ = std::move(st);
  }

  static void RebalanceCb(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                          rd_kafka_topic_partition_list_t* parts, void* opaque) {
    static_cast<KafkaSource*>(opaque)->OnRebalance(rk, err, parts);
  }

  void OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                   rd_kafka_topic_partition_list_t* parts) {
    const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      std::map<TopicPartition, int64_t> starts;
      if (listener_ != nullptr) {
        Result<std::map<TopicPartition, int64_t>> r = listener_->OnAssigned(FromList(parts));
        if (!r.ok()) {
          RecordCallbackStatus(r.status().WithContext("kafka source: on assignment"));
          // Take nothing: an incremental assignment of zero partitions (or
          // an empty eager assignment) keeps the group protocol moving.
          if (cooperative) {
            ListPtr none(rd_kafka_topic_partition_list_new(0));
            if (auto* e = rd_kafka_incremental_assign(rk, none.get())) rd_kafka_error_destroy(e);
          } else {
            rd_kafka_assign(rk, nullptr);
          }
          return;
        }
        starts = std::move(*r);
      }
      for (int i = 0; i < parts->cnt; ++i) {
        auto it = starts.find({parts->elems[i].topic, parts->elems[i].partition});
        parts->elems[i].offset = ToRdOffset(it == starts.end() ? kOffsetStored : it->second);
      }
      if (cooperative) {
        if (rd_kafka_error_t* e = rd_kafka_incremental_assign(rk, parts)) {
          RecordCallbackStatus(Status::Internal(std::string("kafka source: incremental assign: ") +
                                                rd_kafka_error_string(e)));
          rd_kafka_error_destroy(e);
        }
      } else {
        rd_kafka_resp_err_t e = rd_kafka_assign(rk, parts);
        if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
          RecordCallbackStatus(Status::Internal("kafka source: assign: " + KafkaError(e)));
        }
      }
      return;
    }
    // Revocation (or an error: treat as losing everything).
    const bool lost = err != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS || rd_kafka_assignment_lost(rk);
    if (listener_ != nullptr) {
      RecordCallbackStatus(
          listener_->OnRevoked(FromList(parts), lost).WithContext("kafka source: on revocation"));
    }
    if (cooperative) {
      if (rd_kafka_error_t* e = rd_kafka_incremental_unassign(rk, parts)) {
        rd_kafka_error_destroy(e);
      }
    } else {
      rd_kafka_assign(rk, nullptr);
    }
  }

  rd_kafka_t* rk_ = nullptr;
  rd_kafka_queue_t* commit_queue_ = nullptr;  // results of Commit(); owned
  bool commit_in_flight_ = false;
  std::optional<Status> commit_outcome_;  // of the last commit, until taken
  RebalanceListener* listener_ = nullptr;
  StreamObserver* observer_ = nullptr;
  std::function<void(std::string_view)> log_;
  std::string group_id_;
  int64_t close_timeout_ms_ = 10000;
  int64_t max_poll_bytes_ = 64LL << 20;
  Status callback_status_;
};

}  // namespace

Result<std::unique_ptr<Source>> NewKafkaSource(const KafkaSourceOptions& options) {
  return KafkaSource::Make(options);
}

}  // namespace lakestream::stream
