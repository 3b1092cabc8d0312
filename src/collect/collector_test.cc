#include "collect/collector.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <future>

#include "common/manual_clock.h"
#include "stream/dev/mock_cluster.h"

namespace lakestream::collect {
namespace {

// The collector end to end below HTTP, against librdkafka's in-process mock
// cluster (the real broker's runs are tests/collect_kafka_test.sh).
class CollectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto mc = stream::MockCluster::Start(1);
    ASSERT_TRUE(mc.ok()) << mc.status().ToString();
    cluster_ = std::move(*mc);
    ASSERT_TRUE(cluster_->CreateTopic("events", 2).ok());
    spool_dir_ = (std::filesystem::temp_directory_path() /
                  ("collector_test_" + std::to_string(::getpid()) + "_" +
                   ::testing::UnitTest::GetInstance()->current_test_info()->name())).string();
    std::filesystem::remove_all(spool_dir_);
    config_.collector_id = "c-test";
    config_.kafka.brokers = cluster_->bootstrap_servers();
    config_.ack_timeout_ms = 1500;
    config_.spool_dir = spool_dir_;
    config_.max_batch_bytes = 64 * 1024;
    Source web;
    web.name = "web";
    web.key = "key-web-0001";
    web.topic = "events";
    web.origins = {"https://shop.example"};
    Source slow = web;
    slow.name = "slow";
    slow.key = "key-slow-0002";
    slow.rate_per_second = 1;
    slow.burst = 3;
    config_.sources = {web, slow};
  }
  void TearDown() override {
    collector_.reset();
    cluster_.reset();
    std::filesystem::remove_all(spool_dir_);
  }
  void Start(Clock* clock = nullptr) {
    Collector::Options o;
    o.clock = clock;
    auto c = Collector::Make(config_, o);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    collector_ = std::move(*c);
  }
  HttpResponse Call(HttpRequest r) {
    std::promise<HttpResponse> p;
    auto f = p.get_future();
    collector_->Handle(std::move(r), [&p](HttpResponse resp) { p.set_value(std::move(resp)); });
    return f.get();
  }
  HttpRequest Post(std::string body, std::string key = "key-web-0001") {
    HttpRequest r;
    r.method = "POST";
    r.target = "/v1/batch";
    r.headers["content-type"] = "application/json";
    if (!key.empty()) r.headers["x-write-key"] = key;
    r.body = std::move(body);
    r.peer = "198.51.100.23";
    return r;
  }
  static std::string Header(const HttpResponse& r, const std::string& name) {
    for (auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "";
  }
  double Metric(const std::string& line) {
    std::string text = collector_->registry().Expose();
    size_t at = text.find(line + " ");
    return at == std::string::npos ? 0 : std::stod(text.substr(at + line.size() + 1));
  }

  std::unique_ptr<stream::MockCluster> cluster_;
  std::string spool_dir_;
  CollectConfig config_;
  std::unique_ptr<Collector> collector_;
};

const char kTwo[] = R"([{"event_id":"e1","user_id":"u1"},{"event_id":"e2","user_id":"u2"}])";

TEST_F(CollectorTest, ABatchIsAnswered200OnlyAfterTheBrokerAcknowledged) {
  Start();
  HttpResponse r = Call(Post(kTwo));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"accepted":2,"durable":"broker"})");
  EXPECT_EQ(Metric("lakestream_collect_events_total{outcome=\"acked\"}"), 2);
}

TEST_F(CollectorTest, EveryRefusalHasItsStatusAndReason) {
  Start();
  struct Case {
    HttpRequest req;
    int status;
    std::string reason;
  };
  std::vector<Case> cases;
  cases.push_back({Post(kTwo, ""), 401, "no write key"});
  cases.push_back({Post(kTwo, "key-unknown-9"), 401, "unknown write key"});
  HttpRequest evil = Post(kTwo);
  evil.headers["origin"] = "https://evil.example";
  cases.push_back({evil, 403, "not allowed for source web"});
  HttpRequest xml = Post(kTwo);
  xml.headers["content-type"] = "application/xml";
  cases.push_back({xml, 415, "application/xml"});
  HttpRequest br = Post(kTwo);
  br.headers["content-encoding"] = "br";
  cases.push_back({br, 415, "'br'"});
  cases.push_back({Post("[{\"event_id\":\"x\",\"pad\":\"" + std::string(70000, 'p') + "\"}]"), 413, "bytes"});
  cases.push_back({Post("[{\"event_id\":\"x\",\"pad\":\"" + std::string(40000, 'p') + "\"}]"), 413, "event 0"});
  cases.push_back({Post("[1,2]"), 400, "event 0: not a JSON object"});
  cases.push_back({Post("\xff\xfe"), 400, "UTF-8"});
  HttpRequest get = Post(kTwo);
  get.method = "GET";
  cases.push_back({get, 405, "POST"});
  HttpRequest nowhere = Post(kTwo);
  nowhere.target = "/v2/track";
  cases.push_back({nowhere, 404, "no such endpoint"});
  for (auto& c : cases) {
    HttpResponse r = Call(c.req);
    EXPECT_EQ(r.status, c.status) << c.reason << ": " << r.body;
    EXPECT_NE(r.body.find(c.reason), std::string::npos) << r.body;
  }
  EXPECT_EQ(Metric("lakestream_collect_requests_total{code=\"401\"}"), 2);
}

TEST_F(CollectorTest, OverTheRateLimitIs429WithRetryAfter) {
  ManualClock clock;  // the bucket refills only when the test says
  Start(&clock);
  EXPECT_EQ(Call(Post(kTwo, "key-slow-0002")).status, 200);
  HttpResponse r = Call(Post(kTwo, "key-slow-0002"));
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(Header(r, "Retry-After"), "1");
  EXPECT_EQ(Call(Post(kTwo)).status, 200);  // other sources are not affected
}

TEST_F(CollectorTest, CorsPreflightAndResponsesNameTheAllowedOrigin) {
  Start();
  HttpRequest pre;
  pre.method = "OPTIONS";
  pre.target = "/v1/batch";
  pre.headers["origin"] = "https://shop.example";
  HttpResponse r = Call(pre);
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(Header(r, "Access-Control-Allow-Origin"), "https://shop.example");
  EXPECT_NE(Header(r, "Access-Control-Allow-Headers").find("X-Write-Key"), std::string::npos);
  pre.headers["origin"] = "https://evil.example";
  EXPECT_EQ(Call(pre).status, 403);
  HttpRequest post = Post(kTwo);
  post.headers["origin"] = "https://shop.example";
  r = Call(post);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Header(r, "Access-Control-Allow-Origin"), "https://shop.example");
}

TEST_F(CollectorTest, KeysInTheQueryOrBasicAuthAndThePixel) {
  Start();
  HttpRequest q = Post(kTwo, "");
  q.target = "/v1/batch?wk=key-web-0001";
  EXPECT_EQ(Call(q).status, 200);
  HttpRequest basic = Post(kTwo, "");
  basic.headers["authorization"] = "Basic a2V5LXdlYi0wMDAxOg==";  // "key-web-0001:"
  EXPECT_EQ(Call(basic).status, 200);
  HttpRequest px;
  px.method = "GET";
  px.target = "/v1/p.gif?wk=key-web-0001&e=pv&event_id=p1";
  HttpResponse r = Call(px);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "image/gif");
  EXPECT_EQ(r.body.substr(0, 6), "GIF89a");
}

TEST_F(CollectorTest, ABrokerOutageSpools202AndTheSpoolReplaysWhenItIsBack) {
  Start();
  ASSERT_EQ(Call(Post(kTwo)).status, 200);
  ASSERT_TRUE(cluster_->SetBrokerDown(1).ok());
  HttpResponse r = Call(Post(R"([{"event_id":"s1"},{"event_id":"s2"},{"event_id":"s3"}])"));
  EXPECT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.body, R"({"accepted":3,"durable":"spool"})");
  EXPECT_TRUE(collector_->spooling());
  EXPECT_EQ(Call(Post(R"([{"event_id":"s4"}])")).status, 202);  // in order behind the spool
  EXPECT_GT(collector_->spool().bytes(), 0);
  ASSERT_TRUE(cluster_->SetBrokerUp(1).ok());
  ASSERT_TRUE(collector_->WaitDrained(30000));
  EXPECT_EQ(Metric("lakestream_collect_events_total{outcome=\"replayed\"}"), 4);
  EXPECT_EQ(collector_->spool().bytes(), 0);
  EXPECT_EQ(Call(Post(kTwo)).status, 200);
}

TEST_F(CollectorTest, ASpoolLeftByACrashIsReplayedAfterARestart) {
  {
    auto dir = NewLocalSpoolDir(spool_dir_);
    auto spool = Spool::Open(*dir, {});
    ASSERT_TRUE(spool.ok());
    SpoolRequest req{"events", {{"u1", R"({"event_id":"left-1"})"}, {"u1", R"({"event_id":"left-2"})"}}};
    ASSERT_TRUE((*spool)->Append(req).ok());
    ASSERT_TRUE((*spool)->Sync().ok());
  }
  Start();
  EXPECT_TRUE(collector_->WaitDrained(30000));
  EXPECT_EQ(Metric("lakestream_collect_events_total{outcome=\"replayed\"}"), 2);
}

TEST_F(CollectorTest, AFullSpoolIs503AndNotReady) {
  config_.spool_max_bytes = 600;
  Start();
  ASSERT_TRUE(cluster_->SetBrokerDown(1).ok());
  int spooled = 0;
  HttpResponse r;
  while ((r = Call(Post(kTwo))).status == 202) ++spooled;
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_NE(r.body.find("spool full"), std::string::npos);
  EXPECT_FALSE(Header(r, "Retry-After").empty());
  EXPECT_GT(spooled, 0);
  HttpRequest ready;
  ready.method = "GET";
  ready.target = "/readyz";
  EXPECT_EQ(Call(ready).status, 503);
  ASSERT_TRUE(cluster_->SetBrokerUp(1).ok());
  ASSERT_TRUE(collector_->WaitDrained(30000));
  EXPECT_EQ(Call(ready).status, 200);
}

}  // namespace
}  // namespace lakestream::collect
