#include "stream/kafka_producer.h"

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <thread>

namespace lakestream::stream {

struct KafkaProducer::Handle {
  rd_kafka_t* rk = nullptr;
  ~Handle() {
    if (rk != nullptr) rd_kafka_destroy(rk);
  }
};

namespace {

Result<rd_kafka_conf_t*> MakeConf(const KafkaProperties& props, std::string_view who) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  for (const auto& [k, v] : props) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return Status::InvalidArgument(std::string(who) + ": property " + k + ": " + err);
    }
  }
  return conf;
}

}  // namespace

void KafkaProducer::DeliveryCb(void* rk, const void* msg, void* opaque) {
  auto* self = static_cast<KafkaProducer*>(opaque);
  const auto* m = static_cast<const rd_kafka_message_t*>(msg);
  if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    self->delivered_.fetch_add(1);
  } else {
    if (self->failed_.fetch_add(1) == 0) self->first_error_ = rd_kafka_err2str(m->err);
  }
}

Result<std::unique_ptr<KafkaProducer>> KafkaProducer::Make(const KafkaConnection& conn) {
  ASSIGN_OR_RETURN(KafkaProperties base, BuildProducerProperties(conn));
  auto p = std::unique_ptr<KafkaProducer>(new KafkaProducer());
  ASSIGN_OR_RETURN(rd_kafka_conf_t * conf, MakeConf(base, "kafka producer"));
  rd_kafka_conf_set_opaque(conf, p.get());
  rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t* rk, const rd_kafka_message_t* m, void* op) {
    DeliveryCb(rk, m, op);
  });
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Status::InvalidArgument(std::string("kafka producer: ") + err);
  }
  p->h_ = std::make_unique<Handle>();
  p->h_->rk = rk;
  return p;
}

KafkaProducer::~KafkaProducer() {
  if (h_ && h_->rk) rd_kafka_flush(h_->rk, 5000);
}

Status KafkaProducer::Produce(const std::string& topic, std::optional<std::string_view> key,
                              std::string_view payload, int32_t partition) {
  const void* key_data = key ? key->data() : nullptr;
  const size_t key_len = key ? key->size() : 0;
  while (true) {
    rd_kafka_resp_err_t e = rd_kafka_producev(
        h_->rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(key_data, key_len),
        RD_KAFKA_V_VALUE(const_cast<char*>(payload.data()), payload.size()), RD_KAFKA_V_END);
    if (e == RD_KAFKA_RESP_ERR_NO_ERROR) break;
    if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(h_->rk, 50);
      continue;
    }
    return Status::Internal("kafka producer: " + topic + ": " + rd_kafka_err2str(e));
  }
  rd_kafka_poll(h_->rk, 0);  // serve delivery reports
  return Status::OK();
}

Status KafkaProducer::Flush(int timeout_ms) {
  rd_kafka_resp_err_t e = rd_kafka_flush(h_->rk, timeout_ms);
  if (failed_.load() > 0) {
    return Status::IOError("kafka producer: " + std::to_string(failed_.load()) +
                           " records failed, first: " + first_error_);
  }
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::Unavailable("kafka producer: flush: " + std::string(rd_kafka_err2str(e)) +
                               " (" + std::to_string(rd_kafka_outq_len(h_->rk)) + " in flight)");
  }
  return Status::OK();
}

struct ConsumerLag::Handle {
  rd_kafka_t* rk = nullptr;
  ~Handle() {
    if (rk != nullptr) rd_kafka_destroy(rk);
  }
};

Result<std::unique_ptr<ConsumerLag>> ConsumerLag::Make(const KafkaConnection& conn,
                                                       const std::string& group_id) {
  auto lag = std::unique_ptr<ConsumerLag>(new ConsumerLag());
  ASSIGN_OR_RETURN(lag->props_, BuildKafkaProperties(conn));
  lag->props_["group.id"] = group_id;
  lag->props_["enable.auto.commit"] = "false";
  RETURN_IF_ERROR(lag->Connect());
  return lag;
}

Status ConsumerLag::Connect() {
  ASSIGN_OR_RETURN(rd_kafka_conf_t * conf, MakeConf(props_, "kafka lag"));
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Status::InvalidArgument(std::string("kafka lag: ") + err);
  }
  h_ = std::make_unique<Handle>();
  h_->rk = rk;
  return Status::OK();
}

ConsumerLag::~ConsumerLag() = default;

Result<int64_t> ConsumerLag::Lag(const std::string& topic, int timeout_ms) {
  ASSIGN_OR_RETURN(auto by_partition, LagByPartition(topic, timeout_ms));
  int64_t lag = 0;
  for (const auto& [p, l] : by_partition) lag += l;
  return lag;
}

namespace {

Result<std::map<int32_t, int64_t>> QueryLag(rd_kafka_t* rk, const std::string& topic,
                                            int timeout_ms) {
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 0, rkt, &md, timeout_ms);
  rd_kafka_topic_destroy(rkt);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::Unavailable("kafka lag: metadata of " + topic + ": " + rd_kafka_err2str(e));
  }
  int partitions = md->topic_cnt > 0 ? md->topics[0].partition_cnt : 0;
  rd_kafka_metadata_destroy(md);
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p) rd_kafka_topic_partition_list_add(list, topic.c_str(), p);
  e = rd_kafka_committed(rk, list, timeout_ms);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    rd_kafka_topic_partition_list_destroy(list);
    return Status::Unavailable("kafka lag: committed offsets of " + topic + ": " +
                               rd_kafka_err2str(e));
  }
  std::map<int32_t, int64_t> lag;
  for (int i = 0; i < list->cnt; ++i) {
    // A partition whose committed offset could not be fetched (its coordinator moving, say)
    // leaves the lag unknown; counting it as nothing committed would stall a paced producer.
    if (list->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      Status st = Status::Unavailable("kafka lag: committed offset of " + topic + "[" +
                                      std::to_string(list->elems[i].partition) +
                                      "]: " + rd_kafka_err2str(list->elems[i].err));
      rd_kafka_topic_partition_list_destroy(list);
      return st;
    }
    int64_t lo = 0, hi = 0;
    e = rd_kafka_query_watermark_offsets(rk, topic.c_str(), list->elems[i].partition, &lo, &hi,
                                         timeout_ms);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_topic_partition_list_destroy(list);
      return Status::Unavailable("kafka lag: watermarks of " + topic + ": " + rd_kafka_err2str(e));
    }
    // Without a committed offset everything counts as unread (also what the
    // mock broker may already have dropped), so pacing errs on the safe side.
    int64_t committed = list->elems[i].offset >= 0 ? list->elems[i].offset : 0;
    (void)lo;
    lag[list->elems[i].partition] = hi > committed ? hi - committed : 0;
  }
  rd_kafka_topic_partition_list_destroy(list);
  return lag;
}

}  // namespace

Result<std::map<int32_t, int64_t>> ConsumerLag::LagByPartition(const std::string& topic,
                                                               int timeout_ms) {
  if (h_ == nullptr) RETURN_IF_ERROR(Connect());
  Result<std::map<int32_t, int64_t>> lag = QueryLag(h_->rk, topic, timeout_ms);
  if (!lag.ok()) h_.reset();  // start afresh from the bootstrap brokers next time
  return lag;
}

std::optional<std::string_view> GeneratedEventKey(std::string_view line) {
  constexpr std::string_view kPrefix = "{\"event_id\":\"";
  if (!line.starts_with(kPrefix)) return std::nullopt;
  size_t end = line.find('"', kPrefix.size());
  if (end == std::string_view::npos) return std::nullopt;
  return line.substr(kPrefix.size(), end - kPrefix.size());
}

}  // namespace lakestream::stream
