#include "collect/collector.h"

#include <algorithm>
#include <cctype>

#include "collect/body_decoder.h"
#include "collect/query_string.h"
#include "collect/tracker_script.h"
#include "common/base64.h"
#include "common/json_escape.h"
#include "common/logger.h"

namespace lakestream::collect {


namespace {

// A 1x1 transparent GIF.
constexpr unsigned char kGif[] = {0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00,
                                  0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x21,
                                  0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00,
                                  0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x01, 0x44,
                                  0x00, 0x3b};

std::string MediaType(std::string_view content_type) {
  std::string t(content_type.substr(0, content_type.find(';')));
  while (!t.empty() && t.back() == ' ') t.pop_back();
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  return t;
}

// The write key: X-Write-Key, Authorization (Basic base64("key:"), Segment's
// form, or Bearer key), or the query's wk / writeKey.
std::string WriteKey(const HttpRequest& req, std::string_view query) {
  std::string k = req.Header("x-write-key");
  if (!k.empty()) return k;
  std::string auth = req.Header("authorization");
  if (auth.rfind("Basic ", 0) == 0) {
    auto decoded = Base64Decode(auth.substr(6));
    if (decoded) return decoded->substr(0, decoded->find(':'));
  } else if (auth.rfind("Bearer ", 0) == 0) {
    return auth.substr(7);
  }
  k = QueryValue(query, "wk");
  return k.empty() ? QueryValue(query, "writeKey") : k;
}

std::vector<std::pair<std::string, std::string>> CorsHeaders(std::string_view origin) {
  if (origin.empty()) return {};
  return {{"Access-Control-Allow-Origin", std::string(origin)}, {"Vary", "Origin"}};
}

}  // namespace

std::string HttpRequest::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

Result<std::unique_ptr<Collector>> Collector::Make(const CollectConfig& config, Options options) {
  auto c = std::unique_ptr<Collector>(new Collector());
  c->config_ = config;
  c->clock_ = ClockOrReal(options.clock);
  if (options.registry == nullptr) {
    c->own_registry_ = std::make_unique<metrics::Registry>();
    options.registry = c->own_registry_.get();
  }
  c->registry_ = options.registry;
  auto& reg = *c->registry_;
  c->m_ = std::make_unique<Metrics>();
  ASSIGN_OR_RETURN(c->m_->requests, reg.AddCounter("lakestream_collect_requests_total",
                                                   "Collector requests by HTTP status", {"code"}));
  ASSIGN_OR_RETURN(c->m_->events, reg.AddCounter("lakestream_collect_events_total",
                                                 "Collected events by outcome (acked: by the broker; "
                                                 "spooled; replayed: from the spool into the topic)",
                                                 {"outcome"}));
  ASSIGN_OR_RETURN(auto* ack, reg.AddHistogram("lakestream_collect_ack_seconds",
                                               "Request arrival to durable answer (200 or 202)",
                                               metrics::ExponentialBuckets(0.001, 2, 14)));
  c->m_->ack_seconds = &ack->WithLabels({});
  ASSIGN_OR_RETURN(auto* g1, reg.AddGauge("lakestream_collect_spool_bytes", "Bytes in the spool, not yet replayed"));
  ASSIGN_OR_RETURN(auto* g2, reg.AddGauge("lakestream_collect_spool_dropped_bytes",
                                          "Torn spool tails skipped since start (never acknowledged)"));
  ASSIGN_OR_RETURN(auto* g3, reg.AddGauge("lakestream_collect_broker_reachable", "1 when the broker answers"));
  ASSIGN_OR_RETURN(auto* g4, reg.AddGauge("lakestream_collect_spooling", "1 while requests go to the spool"));
  c->m_->spool_bytes = &g1->WithLabels({});
  c->m_->spool_dropped = &g2->WithLabels({});
  c->m_->reachable = &g3->WithLabels({});
  c->m_->spooling = &g4->WithLabels({});
  c->keys_ = std::make_unique<KeyRing>(c->clock_);
  c->keys_->Replace(config.sources);
  ASSIGN_OR_RETURN(ClientIpPolicy ip, ClientIpPolicy::Make(config.client_ip_mode, config.client_ip_hash_key,
                                                           config.trusted_proxy_hops));
  c->ip_policy_ = std::make_unique<ClientIpPolicy>(std::move(ip));
  if (!options.spool_dir) {
    ASSIGN_OR_RETURN(options.spool_dir, NewLocalSpoolDir(config.spool_dir));
  }
  ASSIGN_OR_RETURN(c->spool_, Spool::Open(options.spool_dir, {config.spool_max_bytes, config.spool_segment_bytes}));
  c->spooling_ = !c->spool_->empty();
  ASSIGN_OR_RETURN(c->producer_, AckingProducer::Make({config.kafka, config.ack_timeout_ms}));
  Collector* raw = c.get();
  reg.AddCollectHook([raw] {
    raw->m_->spool_bytes->Set(static_cast<double>(raw->spool_->bytes()));
    raw->m_->spool_dropped->Set(static_cast<double>(raw->spool_->dropped_bytes()));
    raw->m_->reachable->Set(raw->producer_ && raw->producer_->reachable() ? 1 : 0);
    raw->m_->spooling->Set(raw->spooling() ? 1 : 0);
  });
  c->writer_ = std::thread([raw] { raw->SpoolWriterLoop(); });
  c->replayer_ = std::thread([raw] { raw->ReplayLoop(); });
  return c;
}

Collector::~Collector() { Stop(); }

void Collector::ReloadSources(std::vector<Source> sources) { keys_->Replace(std::move(sources)); }

bool Collector::spooling() const {
  std::lock_guard<std::mutex> lock(mu_);
  return spooling_;
}

bool Collector::Ready() const {
  return (producer_ && producer_->reachable()) || spool_->bytes() < config_.spool_max_bytes - config_.max_batch_bytes * 2;
}

HttpResponse Collector::Reply(int status, std::string body) const {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

HttpResponse Collector::Error(int status, const std::string& reason) {
  std::string body = "{\"error\":";
  AppendJsonString(reason, &body);
  body += "}";
  return Reply(status, std::move(body));
}

void Collector::Answer(const Respond& respond, HttpResponse r) {
  m_->requests->WithLabels({std::to_string(r.status)}).Inc();
  respond(std::move(r));
}

void Collector::Handle(HttpRequest req, Respond respond) {
  std::string_view target = req.target;
  size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
  if (path == "/healthz") return Answer(respond, Reply(200, "{\"status\":\"ok\"}"));
  if (path == "/readyz") {
    bool ready = Ready();
    return Answer(respond, Reply(ready ? 200 : 503, ready ? "{\"ready\":true}"
                                                         : "{\"ready\":false,\"reason\":\"broker unreachable and spool full\"}"));
  }
  if (path == "/metrics") {
    HttpResponse r = Reply(200, registry_->Expose());
    r.content_type = "text/plain; version=0.0.4";
    return Answer(respond, std::move(r));
  }
  if (path == "/v1/tracker.js") {
    // The browser tracker (tracker_script.h): CORS as for a preflight without a key.
    std::string origin = req.Header("origin");
    bool allowed = false;
    for (const auto& s : config_.sources) allowed = allowed || OriginAllowed(s, origin);
    return Answer(respond, TrackerScriptResponse(req, allowed));
  }
  if (path != "/v1/batch" && path != "/v1/event" && path != "/v1/p.gif") {
    return Answer(respond, Error(404, "no such endpoint: " + std::string(path.substr(0, 100))));
  }
  std::string origin = req.Header("origin");
  if (req.method == "OPTIONS") {
    // A CORS preflight carries no key header; allow an origin some source allows
    // (the request itself is checked against its own key's origins).
    std::string key = WriteKey(req, query);
    bool allowed = false;
    if (!key.empty()) {
      auto src = keys_->Find(key);
      allowed = src && OriginAllowed(*src, origin);
    } else {
      for (const auto& s : config_.sources) allowed = allowed || OriginAllowed(s, origin);
    }
    if (!allowed) return Answer(respond, Error(403, "origin not allowed: " + origin.substr(0, 200)));
    HttpResponse r = Reply(204, "");
    r.headers = CorsHeaders(origin);
    r.headers.push_back({"Access-Control-Allow-Methods", "POST, GET, OPTIONS"});
    r.headers.push_back({"Access-Control-Allow-Headers",
                         "Content-Type, Content-Encoding, X-Write-Key, Authorization"});
    r.headers.push_back({"Access-Control-Max-Age", "86400"});
    return Answer(respond, std::move(r));
  }
  bool pixel = path == "/v1/p.gif";
  if ((pixel && req.method != "GET") || (!pixel && req.method != "POST")) {
    HttpResponse r = Error(405, std::string(path) + " takes " + (pixel ? "GET" : "POST"));
    r.headers.push_back({"Allow", pixel ? "GET" : "POST, OPTIONS"});
    return Answer(respond, std::move(r));
  }
  HandleEvents(req, path, query, std::move(respond));
}

void Collector::HandleEvents(const HttpRequest& req, std::string_view path, std::string_view query,
                             Respond respond) {
  int64_t started = clock_->MonotonicMicros();
  std::string key = WriteKey(req, query);
  if (key.empty()) return Answer(respond, Error(401, "no write key (X-Write-Key header, Basic auth or ?wk=)"));
  std::shared_ptr<const Source> source = keys_->Find(key);
  if (!source) return Answer(respond, Error(401, "unknown write key"));
  std::string origin = req.Header("origin");
  if (!OriginAllowed(*source, origin)) {
    return Answer(respond, Error(403, "origin " + origin.substr(0, 200) + " is not allowed for source " +
                                          source->name));
  }
  auto cors = CorsHeaders(origin);
  std::string body;
  BodyShape shape = path == "/v1/batch" ? BodyShape::kBatch : BodyShape::kSingle;
  if (path == "/v1/p.gif") {
    body = PixelEventJson(query, {"wk", "writeKey"});
    if (!IsValidUtf8(body)) return Answer(respond, Error(400, "query is not valid UTF-8"));
  } else {
    std::string media = MediaType(req.Header("content-type"));
    if (media != "application/json" && media != "application/x-ndjson" && media != "application/ndjson" &&
        media != "text/plain") {
      HttpResponse r = Error(415, "Content-Type '" + media.substr(0, 100) +
                                      "' is not accepted (application/json, application/x-ndjson, text/plain)");
      r.headers = cors;
      return Answer(respond, std::move(r));
    }
    DecodeResult d = DecodeBody(req.Header("content-encoding"), req.body,
                                {config_.max_batch_bytes, config_.max_decompression_ratio});
    if (d.http_status != 200) {
      HttpResponse r = Error(d.http_status, d.reason);
      r.headers = cors;
      return Answer(respond, std::move(r));
    }
    body = std::move(d.body);
  }
  Enrichment en;
  en.received_at_micros = clock_->NowMicros();
  en.collector_id = config_.collector_id;
  en.client_ip = ip_policy_->Apply(ip_policy_->ClientAddress(req.peer, req.Header("x-forwarded-for")));
  en.user_agent = req.Header("user-agent").substr(0, 512);
  ParsedBatch batch = ParseAndEnrich(body, shape, en, {config_.max_event_bytes, config_.max_events});
  if (batch.http_status != 200) {
    HttpResponse r = Error(batch.http_status, batch.reason);
    r.headers = cors;
    return Answer(respond, std::move(r));
  }
  int64_t wait = keys_->Take(*source, static_cast<int64_t>(batch.records.size()));
  if (wait > 0) {
    HttpResponse r = Error(429, "source " + source->name + " is over its rate limit");
    r.headers = cors;
    r.headers.push_back({"Retry-After", std::to_string(wait)});
    return Answer(respond, std::move(r));
  }
  if (path == "/v1/p.gif") {
    // A pixel answers with the image; a browser ignores the status.
    Respond inner = std::move(respond);
    respond = [inner](HttpResponse r) {
      if (r.status < 300) {
        r.content_type = "image/gif";
        r.body.assign(reinterpret_cast<const char*>(kGif), sizeof(kGif));
        r.headers.push_back({"Cache-Control", "no-store"});
      }
      inner(std::move(r));
    };
  }
  Deliver(source, std::move(batch.records), started, std::move(respond), std::move(cors));
}

}  // namespace lakestream::collect
