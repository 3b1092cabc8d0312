#include "pipeline/generator/device_fleet.h"

#include <algorithm>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "pipeline/generator/clickstream_generator.h"

namespace lakestream::pipeline {
namespace {

constexpr std::string_view kIdPrefix = "{\"event_id\":\"";

// One queued batch: the exact bytes every attempt sends, and its event_ids.
struct Batch {
  std::string body;
  std::vector<std::string> ids;
  int attempts = 0;
};

struct Device {
  std::unique_ptr<ClickstreamGenerator> generator;
  std::unique_ptr<Backoff> backoff;
  std::string building;              // "[e1,e2" while a batch fills
  std::vector<std::string> building_ids;
  int64_t building_since_ms = 0;
  std::deque<Batch> queue;           // sealed, oldest first; the front is sent
  double next_event_ms = 0;          // when the next event is due
  int64_t next_send_ms = 0;          // when the front may be (re)sent
};

// What the workers share.
struct Fleet {
  const DeviceFleetOptions* o;
  io::HttpClient* client;
  Clock* clock;
  const std::atomic<bool>* stop;
  std::string url;
  double interval_ms;  // between two events of one device
  int64_t start_ms;
  std::atomic<int64_t> generated{0};
  std::atomic<bool> generating{true};
  std::mutex mu;  // stats_ and on_acked
  DeviceFleetStats stats;
};

int64_t NowMs(Clock* clock) { return clock->MonotonicMicros() / 1000; }

// The event_id of a generated line (the generator writes it first).
std::string EventId(std::string_view line) {
  if (line.substr(0, kIdPrefix.size()) != kIdPrefix) return "";
  size_t end = line.find('"', kIdPrefix.size());
  return std::string(line.substr(kIdPrefix.size(), end - kIdPrefix.size()));
}

bool StillGenerating(Fleet& f, int64_t now) {
  if (!f.generating.load()) return false;
  const DeviceFleetOptions& o = *f.o;
  bool done = (f.stop != nullptr && f.stop->load()) ||
              (o.events > 0 && f.generated.load() >= static_cast<int64_t>(o.events)) ||
              (o.duration_ms > 0 && now - f.start_ms >= o.duration_ms);
  if (done) f.generating.store(false);
  return !done;
}

void Seal(Device& d) {
  if (d.building_ids.empty()) return;
  Batch b;
  b.body = std::move(d.building);
  b.body.push_back(']');
  b.ids = std::move(d.building_ids);
  d.building.clear();
  d.building_ids.clear();
  d.queue.push_back(std::move(b));
}

// Generates the events due by `now` (as room allows) and seals full or old batches.
void Generate(Fleet& f, Device& d, int64_t now) {
  const DeviceFleetOptions& o = *f.o;
  while (d.next_event_ms <= static_cast<double>(now) && static_cast<int>(d.queue.size()) < o.max_queued_batches &&
         StillGenerating(f, now)) {
    if (o.events > 0 && f.generated.fetch_add(1) >= static_cast<int64_t>(o.events)) {
      f.generated.fetch_sub(1);
      f.generating.store(false);
      break;
    }
    if (o.events == 0) f.generated.fetch_add(1);
    std::string_view line = d.generator->NextView();
    if (d.building_ids.empty()) {
      d.building = "[";
      d.building_since_ms = now;
    } else {
      d.building.push_back(',');
    }
    d.building.append(line);
    d.building_ids.push_back(EventId(line));
    d.next_event_ms += f.interval_ms;
    if (static_cast<int>(d.building_ids.size()) >= o.batch_events) Seal(d);
  }
  // A device that fell behind (a full queue) does not burst to catch up.
  if (d.next_event_ms < static_cast<double>(now - 1000)) d.next_event_ms = static_cast<double>(now);
  if (!d.building_ids.empty() &&
      (now - d.building_since_ms >= o.flush_interval_ms || !f.generating.load())) {
    Seal(d);
  }
}

// Sends the front batch once; updates the queue, the backoff and the stats.
void SendFront(Fleet& f, Device& d) {
  Batch& b = d.queue.front();
  io::HttpRequest req;
  req.method = "POST";
  req.url = f.url;
  req.headers = {{"Content-Type", "application/json"}, {"X-Write-Key", f.o->write_key}};
  req.body = b.body;
  req.timeout_ms = f.o->request_timeout_ms;
  Result<io::HttpResponse> r = f.client->Send(req, f.url);
  bool resend = b.attempts > 0;
  ++b.attempts;
  int64_t retry_after = -1;
  int status = r.ok() ? static_cast<int>(r->status) : 0;
  bool acked = status >= 200 && status < 300;
  bool retry = !r.ok() || io::IsRetryableHttpStatus(status);
  if (r.ok() && retry) retry_after = io::RetryAfterMs(*r, f.clock->NowMicros() / 1000);
  {
    std::lock_guard<std::mutex> lock(f.mu);
    ++f.stats.requests;
    if (resend) ++f.stats.resends;
    if (!r.ok()) {
      ++f.stats.transport_errors;
    } else {
      ++f.stats.status_counts[status];
    }
    if (acked) {
      f.stats.acked += static_cast<int64_t>(b.ids.size());
      if (f.o->on_acked) f.o->on_acked(b.ids, status);
    } else if (!retry) {
      f.stats.rejected += static_cast<int64_t>(b.ids.size());
      if (f.stats.first_rejection.empty()) {
        f.stats.first_rejection = std::to_string(status) + " " + r->body.substr(0, 300);
      }
    }
  }
  if (retry) {
    d.next_send_ms = NowMs(f.clock) + d.backoff->NextDelayMs(retry_after);
    return;
  }
  d.queue.pop_front();
  d.backoff->Reset();
  d.next_send_ms = 0;
}

void Work(Fleet& f, std::vector<Device*> devices) {
  const DeviceFleetOptions& o = *f.o;
  int64_t drain_deadline = -1;
  while (true) {
    int64_t now = NowMs(f.clock);
    bool pending = false;
    int64_t wake = now + 100;
    for (Device* d : devices) {
      Generate(f, *d, now);
      if (!d->queue.empty() && d->next_send_ms <= now) {
        SendFront(f, *d);
        now = NowMs(f.clock);
      }
      if (!d->queue.empty()) wake = std::min(wake, d->next_send_ms);
      if (!d->building_ids.empty()) wake = std::min(wake, d->building_since_ms + o.flush_interval_ms);
      if (f.generating.load() && static_cast<int>(d->queue.size()) < o.max_queued_batches) {
        wake = std::min(wake, static_cast<int64_t>(d->next_event_ms) + 1);
      }
      pending = pending || !d->queue.empty() || !d->building_ids.empty();
    }
    if (!StillGenerating(f, now)) {
      if (!pending) return;
      if (drain_deadline < 0) drain_deadline = now + o.drain_ms;
      if (now >= drain_deadline) break;
    }
    if (wake > now) f.clock->SleepForMicros((wake - now) * 1000);
  }
  // Out of time: what is still queued was never acknowledged.
  int64_t left = 0;
  for (Device* d : devices) {
    Seal(*d);
    for (const Batch& b : d->queue) left += static_cast<int64_t>(b.ids.size());
  }
  std::lock_guard<std::mutex> lock(f.mu);
  f.stats.abandoned += left;
}

Status Validate(const DeviceFleetOptions& o) {
  auto bad = [](const std::string& what) {
    return Status::InvalidArgument("device fleet: " + what);
  };
  if (o.url.rfind("http://", 0) != 0 && o.url.rfind("https://", 0) != 0) {
    return bad("the collector URL '" + o.url + "' must start with http:// or https://");
  }
  if (o.devices < 1) return bad("devices must be at least 1");
  if (!(o.rate > 0)) return bad("rate must be positive (events per second)");
  if (o.batch_events < 1) return bad("batch events must be at least 1");
  if (o.max_queued_batches < 1) return bad("max queued batches must be at least 1");
  if (o.events == 0 && o.duration_ms <= 0) return bad("give a number of events or a duration");
  if (o.flush_interval_ms < 0 || o.drain_ms < 0 || o.request_timeout_ms <= 0) {
    return bad("flush interval and drain time must not be negative, the request timeout positive");
  }
  return ValidateRetryPolicy(o.retry, "device fleet: retry");
}

}  // namespace

Result<DeviceFleetStats> RunDeviceFleet(const DeviceFleetOptions& options, io::HttpClient& client,
                                        Clock* clock, const std::atomic<bool>* stop) {
  RETURN_IF_ERROR(Validate(options));
  Fleet f;
  f.o = &options;
  f.client = &client;
  f.clock = ClockOrReal(clock);
  f.stop = stop;
  f.url = options.url;
  while (!f.url.empty() && f.url.back() == '/') f.url.pop_back();
  f.url += "/v1/batch";
  f.interval_ms = 1000.0 * options.devices / options.rate;
  f.start_ms = NowMs(f.clock);

  std::vector<Device> devices(static_cast<size_t>(options.devices));
  RetryPolicy policy = options.retry;
  policy.clock = f.clock;
  policy.max_attempts = 0;
  policy.deadline_ms = 0;
  for (size_t i = 0; i < devices.size(); ++i) {
    GeneratorOptions g;
    g.seed = options.seed * 1000003ULL + i + 1;
    g.users = 20;
    g.start_time_us = f.clock->NowMicros();
    g.events_per_second = options.rate / options.devices;
    ASSIGN_OR_RETURN(devices[i].generator, ClickstreamGenerator::Create(g));
    policy.seed = g.seed;
    devices[i].backoff = std::make_unique<Backoff>(policy);
    // Spread the devices' first events over one interval.
    devices[i].next_event_ms = static_cast<double>(f.start_ms) +
                               f.interval_ms * static_cast<double>(i) / static_cast<double>(devices.size());
  }
  int workers = options.workers > 0 ? options.workers : std::min(options.devices, 16);
  std::vector<std::vector<Device*>> shares(static_cast<size_t>(workers));
  for (size_t i = 0; i < devices.size(); ++i) shares[i % shares.size()].push_back(&devices[i]);
  std::vector<std::thread> threads;
  for (auto& share : shares) threads.emplace_back([&f, share] { Work(f, share); });
  for (std::thread& t : threads) t.join();
  f.stats.generated = f.generated.load();
  return f.stats;
}

std::string FormatDeviceFleetStats(const DeviceFleetStats& s) {
  std::string out = "generated=" + std::to_string(s.generated) + " acked=" + std::to_string(s.acked) +
                    " rejected=" + std::to_string(s.rejected) +
                    " abandoned=" + std::to_string(s.abandoned) +
                    " requests=" + std::to_string(s.requests) +
                    " resends=" + std::to_string(s.resends) +
                    " no_answer=" + std::to_string(s.transport_errors);
  for (const auto& [status, n] : s.status_counts) {
    out += " status_" + std::to_string(status) + "=" + std::to_string(n);
  }
  return out;
}

}  // namespace lakestream::pipeline
