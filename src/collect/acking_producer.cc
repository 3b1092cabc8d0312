#include "collect/acking_producer.h"

#include <librdkafka/rdkafka.h>

#include <mutex>

namespace lakestream::collect {

struct AckingProducer::Client {
  rd_kafka_t* rk = nullptr;
  ~Client() {
    if (rk != nullptr) rd_kafka_destroy(rk);
  }
};

// One request's records in flight; freed by the last delivery report.
struct AckingProducer::Pending {
  std::atomic<int64_t> left{0};
  std::mutex mu;
  Status first_error;
  Done done;
};

void AckingProducer::DeliveryCb(void*, const void* msg, void* opaque) {
  auto* self = static_cast<AckingProducer*>(opaque);
  const auto* m = static_cast<const rd_kafka_message_t*>(msg);
  auto* p = static_cast<Pending*>(m->_private);
  if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    self->delivered_.fetch_add(1);
    self->reachable_.store(true);
  } else {
    self->failed_.fetch_add(1);
    if (m->err == RD_KAFKA_RESP_ERR__MSG_TIMED_OUT || m->err == RD_KAFKA_RESP_ERR__TIMED_OUT) {
      self->reachable_.store(false);
    }
    std::lock_guard<std::mutex> lock(p->mu);
    if (p->first_error.ok()) {
      std::string what = std::string("kafka: ") + rd_kafka_err2str(m->err);
      if (rd_kafka_message_status(m) == RD_KAFKA_MSG_STATUS_POSSIBLY_PERSISTED) {
        what += " (possibly persisted)";
      }
      p->first_error = m->err == RD_KAFKA_RESP_ERR__MSG_TIMED_OUT ? Status::Unavailable(what)
                                                                  : Status::IOError(what);
    }
  }
  if (p->left.fetch_sub(1) == 1) {
    p->done(p->first_error);
    delete p;
  }
}

void AckingProducer::ErrorCb(void*, int err, void* opaque) {
  if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
    static_cast<AckingProducer*>(opaque)->reachable_.store(false);
  }
}

Result<std::unique_ptr<AckingProducer>> AckingProducer::Make(const Options& options) {
  ASSIGN_OR_RETURN(stream::KafkaProperties props,
                   stream::BuildProducerProperties(options.connection));
  // The collector's durability settings, unless the user set them.
  const stream::KafkaProperties& user = options.connection.properties;
  auto set_default = [&](const char* k, std::string v) {
    if (user.find(k) == user.end()) props[k] = std::move(v);
  };
  props["enable.idempotence"] = "true";
  props["acks"] = "all";
  set_default("linger.ms", "5");
  set_default("message.timeout.ms", std::to_string(options.ack_timeout_ms));
  set_default("queue.buffering.max.messages", std::to_string(options.max_queued * 2));
  if (user.count("enable.idempotence") && user.at("enable.idempotence") != "true") {
    return Status::InvalidArgument("collect: kafka property enable.idempotence must stay true");
  }
  if (user.count("acks") && user.at("acks") != "all" && user.at("acks") != "-1") {
    return Status::InvalidArgument("collect: kafka property acks must stay all");
  }
  auto p = std::unique_ptr<AckingProducer>(new AckingProducer());
  p->options_ = options;
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  for (const auto& [k, v] : props) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return Status::InvalidArgument("collect: kafka property " + k + ": " + err);
    }
  }
  rd_kafka_conf_set_opaque(conf, p.get());
  rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t* rk, const rd_kafka_message_t* m, void* op) {
    DeliveryCb(rk, m, op);
  });
  rd_kafka_conf_set_error_cb(conf, [](rd_kafka_t* rk, int e, const char*, void* op) {
    ErrorCb(rk, e, op);
  });
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Status::InvalidArgument(std::string("collect: kafka producer: ") + err);
  }
  p->client_ = std::make_unique<Client>();
  p->client_->rk = rk;
  p->poller_ = std::thread([raw = p.get()] { raw->PollLoop(); });
  return p;
}

AckingProducer::~AckingProducer() {
  if (client_) rd_kafka_flush(client_->rk, 5000);
  stop_.store(true);
  if (poller_.joinable()) poller_.join();
  // Records still queued get their callbacks (with an error) from rd_kafka_destroy's purge.
  if (client_) {
    rd_kafka_purge(client_->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_poll(client_->rk, 0);
  }
}

void AckingProducer::PollLoop() {
  while (!stop_.load()) rd_kafka_poll(client_->rk, 50);
}

int64_t AckingProducer::in_flight() const { return rd_kafka_outq_len(client_->rk); }

void AckingProducer::Produce(const std::string& topic, const std::vector<EventRecord>& records,
                             Done done) {
  if (records.empty()) {
    done(Status::OK());
    return;
  }
  if (in_flight() + static_cast<int64_t>(records.size()) > options_.max_queued) {
    done(Status::Unavailable("kafka: " + std::to_string(in_flight()) +
                             " records already in flight (the broker is slow)"));
    return;
  }
  auto* p = new Pending();
  p->done = std::move(done);
  p->left.store(static_cast<int64_t>(records.size()) + 1);  // +1: held until all are queued
  int64_t queued = 0;
  for (const auto& r : records) {
    rd_kafka_resp_err_t e = rd_kafka_producev(
        client_->rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(r.key.data(), r.key.size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(r.value.data()), r.value.size()),
        RD_KAFKA_V_OPAQUE(p), RD_KAFKA_V_END);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      // Cannot happen below max_queued unless the client failed; the records
      // not queued count as failed so the request is spooled.
      std::lock_guard<std::mutex> lock(p->mu);
      if (p->first_error.ok()) {
        p->first_error = Status::IOError(std::string("kafka: produce: ") + rd_kafka_err2str(e));
      }
      int64_t not_queued = static_cast<int64_t>(records.size()) - queued;
      p->left.fetch_sub(not_queued);
      break;
    }
    ++queued;
  }
  if (p->left.fetch_sub(1) == 1) {
    p->done(p->first_error);
    delete p;
  }
}

bool AckingProducer::Probe(int timeout_ms) {
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t e = rd_kafka_metadata(client_->rk, 0, nullptr, &md, timeout_ms);
  if (md != nullptr) rd_kafka_metadata_destroy(md);
  bool ok = e == RD_KAFKA_RESP_ERR_NO_ERROR;
  reachable_.store(ok);
  return ok;
}

}  // namespace lakestream::collect
