// The pooled libcurl HttpClient and SendWithRetry against a real local HTTP
// server (cpp-httplib on a loopback port).
#include "io/http_client.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/manual_clock.h"

namespace lakestream::io {
namespace {

// A loopback server. The socket listens once bind_to_any_port returns, so
// requests made before the accept loop starts wait in the backlog.
class LocalServer {
 public:
  LocalServer() { port_ = server_.bind_to_any_port("127.0.0.1"); }
  void Start() {
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~LocalServer() {
    Release();
    // stop() before the accept loop started would be lost and join() would hang.
    while (thread_.joinable() && !server_.is_running()) std::this_thread::yield();
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  // Handlers that call Hold() block until Release().
  void Hold() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return released_; });
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    cv_.notify_all();
  }
  httplib::Server& server() { return server_; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
};

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& s = server_.server();
    s.Get("/echo", [](const httplib::Request& req, httplib::Response& res) {
      res.set_header("X-Seen", req.get_header_value("X-Test"));
      res.set_header("X-Port", std::to_string(req.remote_port));
      res.set_content("hello", "text/plain");
    });
    for (const char* m : {"PUT", "POST", "PATCH"}) {
      auto echo = [m](const httplib::Request& req, httplib::Response& res) {
        res.set_content(std::string(m) + " " + req.body + " " + req.get_header_value("Content-Type"),
                        "text/plain");
      };
      if (std::string(m) == "PUT") s.Put("/body", echo);
      if (std::string(m) == "POST") s.Post("/body", echo);
      if (std::string(m) == "PATCH") s.Patch("/body", echo);
    }
    s.Delete("/body", [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
    s.Get("/slow", [this](const httplib::Request&, httplib::Response& res) {
      server_.Hold();
      res.set_content("late", "text/plain");
    });
    s.Get("/flaky", [this](const httplib::Request&, httplib::Response& res) {
      if (++flaky_calls_ <= 2) {
        res.status = 503;
        res.set_header("Retry-After", "2");
        return;
      }
      res.set_content("ok", "text/plain");
    });
    s.Get("/missing", [](const httplib::Request&, httplib::Response& res) { res.status = 404; });
    server_.Start();
    http_ = MakeCurlHttpClient();
  }

  LocalServer server_;
  std::atomic<int> flaky_calls_{0};
  std::unique_ptr<HttpClient> http_;
};

TEST_F(HttpClientTest, GetCarriesHeadersBothWays) {
  HttpRequest req;
  req.url = server_.Url("/echo");
  req.headers.emplace_back("X-Test", "abc");
  auto r = http_->Send(req, "/echo");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello");
  EXPECT_EQ(r->Header("x-seen"), "abc");  // response header names are lowercased
  EXPECT_EQ(r->Header("content-type"), "text/plain");
  EXPECT_EQ(r->Header("x-absent"), "");
}

TEST_F(HttpClientTest, BodiesAreSentForPutPostAndPatch) {
  const std::string body = "{\"a\":1}";
  for (const char* m : {"PUT", "POST", "PATCH"}) {
    HttpRequest req;
    req.method = m;
    req.url = server_.Url("/body");
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = body;
    auto r = http_->Send(req, "/body");
    ASSERT_TRUE(r.ok()) << m << ": " << r.status().ToString();
    EXPECT_EQ(r->body, std::string(m) + " {\"a\":1} application/json");
  }
  HttpRequest del;
  del.method = "DELETE";
  del.url = server_.Url("/body");
  auto r = http_->Send(del, "/body");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 204);
}

TEST_F(HttpClientTest, SequentialRequestsReuseThePooledConnection) {
  HttpRequest req;
  req.url = server_.Url("/echo");
  auto first = http_->Send(req, "/echo");
  auto second = http_->Send(req, "/echo");
  ASSERT_TRUE(first.ok() && second.ok());
  // The same client port: one TCP connection, kept alive between requests.
  EXPECT_EQ(first->Header("x-port"), second->Header("x-port"));
  auto other = MakeCurlHttpClient()->Send(req, "/echo");
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->Header("x-port"), first->Header("x-port"));  // another client, another pool
}

TEST_F(HttpClientTest, ConcurrentSendsFromManyThreads) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        HttpRequest req;
        req.url = server_.Url("/echo");
        auto r = http_->Send(req, "/echo");
        if (r.ok() && r->body == "hello") ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 40);
}

TEST_F(HttpClientTest, SinkTakesTheBodyAndOverflowIsCorruption) {
  char buf[8];
  HttpRequest req;
  req.url = server_.Url("/echo");
  req.sink = buf;
  req.sink_capacity = sizeof(buf);
  auto r = http_->Send(req, "/echo");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::string(buf, r->sink_bytes), "hello");
  EXPECT_TRUE(r->body.empty());
  req.sink_capacity = 3;
  auto over = http_->Send(req, "/echo");
  ASSERT_FALSE(over.ok());
  EXPECT_TRUE(over.status().IsCorruption()) << over.status().ToString();
}

TEST_F(HttpClientTest, RequestTimeoutIsUnavailableAndNamesTheRedactedUrl) {
  HttpRequest req;
  req.url = server_.Url("/slow?sig=secret");
  req.timeout_ms = 300;
  auto r = http_->Send(req, "/slow?sig=REDACTED");
  server_.Release();  // the handler finishes after the client gave up
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsUnavailable()) << r.status().ToString();
  EXPECT_NE(r.status().message().find("GET /slow?sig=REDACTED"), std::string::npos);
  EXPECT_EQ(r.status().message().find("secret"), std::string::npos);
}

TEST_F(HttpClientTest, RefusedConnectionIsUnavailableAndMalformedUrlInvalid) {
  HttpRequest req;
  req.url = "http://127.0.0.1:1/x";
  auto r = http_->Send(req, "http://127.0.0.1:1/x");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsUnavailable()) << r.status().ToString();
  req.url = "ftp://127.0.0.1/x";
  auto bad = http_->Send(req, "ftp://127.0.0.1/x");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsInvalidArgument()) << bad.status().ToString();
}

TEST_F(HttpClientTest, SendWithRetryHonoursRetryAfterOnTheClock) {
  ManualClock clock;
  RetryPolicy p;
  p.clock = &clock;
  HttpRequest req;
  req.url = server_.Url("/flaky");
  auto r = SendWithRetry(*http_, req, "/flaky", p);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(flaky_calls_.load(), 3);
  EXPECT_EQ(clock.SleepsMillis(), (std::vector<int64_t>{2000, 2000}));
}

TEST_F(HttpClientTest, SendWithRetryReturnsTheLastResponseWhenAttemptsRunOut) {
  ManualClock clock;
  RetryPolicy p;
  p.clock = &clock;
  p.max_attempts = 2;
  HttpRequest req;
  req.url = server_.Url("/flaky");
  auto r = SendWithRetry(*http_, req, "/flaky", p);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 503);  // the caller decides what a 503 means
  req.url = server_.Url("/missing");
  auto missing = SendWithRetry(*http_, req, "/missing", p);
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(clock.SleepsMillis().size(), 1u);  // a 404 is not retried
}

TEST(HttpRetryAfterTest, SecondsDatesAndAzureMilliseconds) {
  EXPECT_EQ(ParseRetryAfter("3", 0), 3000);
  EXPECT_EQ(ParseRetryAfter("", 0), -1);
  EXPECT_EQ(ParseRetryAfter("soon", 0), -1);
  EXPECT_EQ(ParseRetryAfter("Thu, 01 Jan 1970 00:00:10 GMT", 4000), 6000);
  HttpResponse r;
  EXPECT_EQ(RetryAfterMs(r, 0), -1);
  r.headers["retry-after"] = "1";
  EXPECT_EQ(RetryAfterMs(r, 0), 1000);
  r.headers["x-ms-retry-after-ms"] = "250";
  EXPECT_EQ(RetryAfterMs(r, 0), 250);
  EXPECT_TRUE(IsRetryableHttpStatus(408));
  EXPECT_TRUE(IsRetryableHttpStatus(504));
  EXPECT_FALSE(IsRetryableHttpStatus(501));
  EXPECT_FALSE(IsRetryableHttpStatus(409));
}

}  // namespace
}  // namespace lakestream::io
