// Collector: what `lakestream collect` serves, independent of the HTTP
// transport (http_listener.h carries requests to it). For each request it
// checks the route, the write key (401), the browser origin (403), the
// media type and encoding (415), sizes (413), UTF-8 and JSON (400) and the
// source's rate (429), enriches the events (event_batch.h) and makes them
// durable before it answers:
//
//   200  every event was acknowledged by the broker (acks=all, idempotent)
//   202  the broker did not acknowledge in time (timeouts.ack) or is away:
//        the request is in the local spool, fsync'd; it is replayed into
//        the topic, in order, when the broker is back
//   503  neither: the spool is full or failing (Retry-After says when to retry)
//
// While the spool holds anything, new requests go to the spool too, so a
// device's events reach the topic in the order they were accepted. The
// replayer produces spooled requests and advances the spool's cursor after
// their acknowledgements; a crash between the two replays them again, and a
// request spooled after a timeout may also have reached the broker: both
// are duplicates with the same event_id, which ingest's dedup removes
// (docs/collector.md "Delivery semantics").
//
// Also GET /healthz (the process answers), /readyz (503 while the broker is
// unreachable and the spool is full), /metrics, /v1/p.gif, CORS preflights and
// the browser tracker /v1/tracker.js (tracker_script.h).
//
// Thread-safety: Handle may be called from any thread; `respond` is called
// once, from the caller's thread or from the producer's or the spool's
// thread. Ownership: owns its producer, spool and their threads; Stop()
// (or the destructor) answers what is pending and joins them.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "collect/acking_producer.h"
#include "collect/client_ip.h"
#include "collect/collect_config.h"
#include "collect/spool.h"
#include "collect/write_keys.h"
#include "common/clock.h"
#include "metrics/registry.h"

namespace lakestream::collect {

struct HttpRequest {
  std::string method;
  std::string target;  // path and query
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string peer;  // the socket's remote address
  std::string Header(const std::string& lower_name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

using Respond = std::function<void(HttpResponse)>;

class Collector {
 public:
  struct Options {
    Clock* clock = nullptr;                   // borrowed; RealClock() when null
    metrics::Registry* registry = nullptr;    // borrowed; a private one when null
    std::shared_ptr<SpoolDir> spool_dir;      // null: a local dir at config.spool_dir
  };
  // Opens the spool (recovering it) and the producer. Errors name what failed.
  static Result<std::unique_ptr<Collector>> Make(const CollectConfig& config, Options options);
  ~Collector();

  void Handle(HttpRequest request, Respond respond);
  // Swaps the write keys (the config file changed).
  void ReloadSources(std::vector<Source> sources);
  // Broker reachable, or room in the spool.
  bool Ready() const;
  // Waits up to timeout_ms until nothing waits in the spool or for it (the
  // replayer caught up and requests go to the broker directly); true then.
  bool WaitDrained(int64_t timeout_ms);
  // Stops taking requests to the spool, waits for the spool writer, stops the replayer.
  void Stop();

  const CollectConfig& config() const { return config_; }
  metrics::Registry& registry() { return *registry_; }
  bool spooling() const;
  Spool& spool() { return *spool_; }

 private:
  // The collector's metrics (docs/collector.md "Metrics").
  struct Metrics {
    metrics::CounterFamily* requests;
    metrics::CounterFamily* events;
    metrics::Histogram* ack_seconds;
    metrics::Gauge* spool_bytes;
    metrics::Gauge* spool_dropped;
    metrics::Gauge* reachable;
    metrics::Gauge* spooling;
  };
  struct SpoolItem {
    SpoolRequest request;
    int64_t events = 0;
    int64_t started_micros = 0;
    Respond respond;
  };
  Collector() = default;
  void HandleEvents(const HttpRequest& req, std::string_view path, std::string_view query,
                    Respond respond);
  void Deliver(const std::shared_ptr<const Source>& source, std::vector<EventRecord> records,
               int64_t started, Respond respond, std::vector<std::pair<std::string, std::string>> cors);
  void EnqueueSpool(SpoolItem item);
  HttpResponse Reply(int status, std::string body) const;
  HttpResponse Error(int status, const std::string& reason);
  void Answer(const Respond& respond, HttpResponse r);
  void SpoolWriterLoop();
  void ReplayLoop();
  bool ReplayOnce();

  CollectConfig config_;
  Clock* clock_ = nullptr;
  std::unique_ptr<metrics::Registry> own_registry_;
  metrics::Registry* registry_ = nullptr;
  std::unique_ptr<Metrics> m_;
  std::unique_ptr<KeyRing> keys_;
  std::unique_ptr<ClientIpPolicy> ip_policy_;
  std::unique_ptr<Spool> spool_;
  std::unique_ptr<AckingProducer> producer_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;   // the spool writer drains its queue and ends
  bool replaying_ = true;   // the replayer runs
  bool spooling_ = false;     // route new requests to the spool
  int64_t spool_pending_ = 0; // queued for the spool writer, not yet durable
  std::deque<SpoolItem> spool_queue_;
  std::thread writer_;
  std::thread replayer_;
};

}  // namespace lakestream::collect
