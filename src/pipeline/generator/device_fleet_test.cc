// DeviceFleet against a loopback HTTP server (cpp-httplib) that answers
// /v1/batch the way the collector does in its bad moments: 503 with
// Retry-After, no answer in time, 400. The real collector is exercised by
// tests/collect_e2e_test.sh; here each device behaviour is pinned.
#include "pipeline/generator/device_fleet.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace lakestream::pipeline {
namespace {

// Answers POST /v1/batch with `answer(body, attempt)`, attempt counted per distinct body.
class FakeCollector {
 public:
  using Answer = std::function<void(int attempt, httplib::Response&)>;
  explicit FakeCollector(Answer answer) : answer_(std::move(answer)) {
    server_.Post("/v1/batch", [this](const httplib::Request& req, httplib::Response& res) {
      int attempt;
      {
        std::lock_guard<std::mutex> lock(mu_);
        attempt = ++attempts_[req.body];
        keys_.insert(req.get_header_value("X-Write-Key"));
      }
      answer_(attempt, res);
    });
    server_.set_keep_alive_timeout(1);  // the fleet's pooled connections must not hold stop()
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeCollector() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::map<std::string, int> attempts() {
    std::lock_guard<std::mutex> lock(mu_);
    return attempts_;
  }
  std::set<std::string> keys() {
    std::lock_guard<std::mutex> lock(mu_);
    return keys_;
  }

 private:
  Answer answer_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::map<std::string, int> attempts_;
  std::set<std::string> keys_;
};

class DeviceFleetTest : public ::testing::Test {
 protected:
  DeviceFleetOptions Options(const FakeCollector& c) {
    DeviceFleetOptions o;
    o.url = c.url();
    o.write_key = "fleet-test-key";
    o.devices = 3;
    o.rate = 3000;
    o.batch_events = 5;
    o.events = 60;
    o.flush_interval_ms = 50;
    o.drain_ms = 20000;
    o.request_timeout_ms = 2000;
    o.retry.initial_backoff_ms = 5;
    o.retry.max_backoff_ms = 50;
    o.on_acked = [this](const std::vector<std::string>& ids, int status) {
      std::lock_guard<std::mutex> lock(mu_);
      for (const std::string& id : ids) acked_.push_back(id);
      statuses_.insert(status);
    };
    return o;
  }
  // The event_ids of a batch body (a JSON array of events).
  static std::vector<std::string> Ids(const std::string& body) {
    std::vector<std::string> ids;
    for (const auto& e : nlohmann::json::parse(body)) ids.push_back(e.at("event_id").get<std::string>());
    return ids;
  }
  std::unique_ptr<io::HttpClient> client_ = io::MakeCurlHttpClient();
  std::mutex mu_;
  std::vector<std::string> acked_;
  std::set<int> statuses_;
};

TEST_F(DeviceFleetTest, ResendsTheSameBatchAfter503UntilAcknowledged) {
  FakeCollector c([](int attempt, httplib::Response& res) {
    if (attempt <= 2) {
      res.status = 503;
      res.set_header("Retry-After", "0");
      res.set_content("{\"error\":\"spool full\"}", "application/json");
      return;
    }
    res.status = attempt == 3 ? 202 : 200;
    res.set_content("{\"accepted\":5}", "application/json");
  });
  Result<DeviceFleetStats> st = RunDeviceFleet(Options(c), *client_);
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  EXPECT_EQ(st->generated, 60);
  EXPECT_EQ(st->acked, 60);
  EXPECT_EQ(st->abandoned, 0);
  EXPECT_EQ(st->rejected, 0);
  // Every batch was sent exactly three times, byte for byte the same (same event_ids).
  std::set<std::string> sent_ids;
  int64_t events_sent = 0;
  for (const auto& [body, n] : c.attempts()) {
    EXPECT_EQ(n, 3) << body.substr(0, 200);
    for (const std::string& id : Ids(body)) sent_ids.insert(id);
    events_sent += static_cast<int64_t>(Ids(body).size());
  }
  EXPECT_EQ(events_sent, 60);
  EXPECT_EQ(sent_ids.size(), 60u);  // one event_id per event, no two alike
  EXPECT_EQ(st->requests, 3 * static_cast<int64_t>(c.attempts().size()));
  EXPECT_EQ(st->resends, 2 * static_cast<int64_t>(c.attempts().size()));
  EXPECT_EQ(st->status_counts.at(503), st->resends);
  EXPECT_EQ(std::set<std::string>(acked_.begin(), acked_.end()), sent_ids);
  EXPECT_EQ(acked_.size(), 60u);
  EXPECT_EQ(statuses_, (std::set<int>{202}));
  EXPECT_EQ(c.keys(), (std::set<std::string>{"fleet-test-key"}));
}

TEST_F(DeviceFleetTest, ABatchWithoutAnAnswerIsResentWithItsEventIds) {
  // The first attempt of each batch gets no answer before the device's timeout (a collector
  // that hangs or was killed); the resend is acknowledged.
  FakeCollector c([](int attempt, httplib::Response& res) {
    if (attempt == 1) std::this_thread::sleep_for(std::chrono::milliseconds(700));
    res.status = 200;
  });
  DeviceFleetOptions o = Options(c);
  o.events = 20;
  o.request_timeout_ms = 200;
  Result<DeviceFleetStats> st = RunDeviceFleet(o, *client_);
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  EXPECT_EQ(st->acked, 20);
  EXPECT_EQ(st->abandoned, 0);
  EXPECT_GE(st->transport_errors, static_cast<int64_t>(c.attempts().size()));
  for (const auto& [body, n] : c.attempts()) EXPECT_GE(n, 2) << body.substr(0, 200);
  EXPECT_EQ(std::set<std::string>(acked_.begin(), acked_.end()).size(), 20u);
}

TEST_F(DeviceFleetTest, ARejectedBatchIsCountedAndNotResent) {
  FakeCollector c([](int, httplib::Response& res) {
    res.status = 400;
    res.set_content("{\"error\":\"event 0: not an object\"}", "application/json");
  });
  DeviceFleetOptions o = Options(c);
  o.events = 10;
  Result<DeviceFleetStats> st = RunDeviceFleet(o, *client_);
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  EXPECT_EQ(st->rejected, 10);
  EXPECT_EQ(st->acked, 0);
  EXPECT_EQ(st->resends, 0);
  EXPECT_NE(st->first_rejection.find("400 {\"error\":\"event 0"), std::string::npos)
      << st->first_rejection;
  for (const auto& [body, n] : c.attempts()) EXPECT_EQ(n, 1);
  EXPECT_TRUE(acked_.empty());
}

TEST_F(DeviceFleetTest, WhatStaysUnacknowledgedPastTheDrainIsAbandoned) {
  FakeCollector c([](int, httplib::Response& res) {
    res.status = 503;
    res.set_header("Retry-After", "0");
  });
  DeviceFleetOptions o = Options(c);
  o.events = 15;
  o.drain_ms = 300;
  Result<DeviceFleetStats> st = RunDeviceFleet(o, *client_);
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  EXPECT_EQ(st->generated, 15);
  EXPECT_EQ(st->abandoned, 15);
  EXPECT_EQ(st->acked, 0);
  EXPECT_GT(st->resends, 0);
}

TEST_F(DeviceFleetTest, AFullQueueStopsGenerationInsteadOfDroppingEvents) {
  // Nothing is acknowledged while generation runs: each device holds at most
  // max_queued_batches batches, so the fleet generates no more than that.
  FakeCollector c([](int, httplib::Response& res) { res.status = 503; });
  DeviceFleetOptions o = Options(c);
  o.events = 0;
  o.duration_ms = 400;
  o.drain_ms = 0;
  o.max_queued_batches = 2;
  Result<DeviceFleetStats> st = RunDeviceFleet(o, *client_);
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  EXPECT_LE(st->generated, 3 * (2 * 5 + 5));  // queued batches plus one filling, per device
  EXPECT_EQ(st->abandoned, st->generated);
}

TEST_F(DeviceFleetTest, OptionsAreValidated) {
  DeviceFleetOptions o;
  o.url = "127.0.0.1:8080";
  o.events = 1;
  auto st = RunDeviceFleet(o, *client_);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.status().message().find("must start with http://"), std::string::npos);
  o.url = "http://127.0.0.1:1";
  o.events = 0;
  st = RunDeviceFleet(o, *client_);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.status().message().find("number of events or a duration"), std::string::npos);
}

}  // namespace
}  // namespace lakestream::pipeline
