// The control API's access rules and the connection limits (issue 14, items
// 5 and 7): tokens, CSRF, loopback-only without a token, slowloris.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "server/http_server.h"
#include "server/observability_routes.h"

namespace lakestream::server {
namespace {

// A raw client socket connected to 127.0.0.1:port (-1 on failure).
int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

void SendText(int fd, const std::string& s) {
  (void)!send(fd, s.data(), s.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

// Everything the server sends until it closes the connection, or until
// `bound_ms` passes (a hang guard, not a timing assertion). *closed tells
// which happened.
std::string ReadUntilClosed(int fd, int bound_ms, bool* closed) {
  std::string out;
  *closed = false;
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(bound_ms);
  char buf[4096];
  while (std::chrono::steady_clock::now() < until) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) {
      *closed = true;
      break;
    }
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// True when the server has closed `fd` (reads what is pending, never waits).
bool ClosedByServer(int fd) {
  char buf[4096];
  while (true) {
    ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
    if (n == 0) return true;
    if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK;
  }
}

std::unique_ptr<httplib::Client> ClientFor(const HttpServer& server) {
  auto c = std::make_unique<httplib::Client>("127.0.0.1", server.port());
  c->set_connection_timeout(10);  // hang guards: the test fails, it never waits forever
  c->set_read_timeout(10);
  return c;
}

void MountControl(HttpServer* server, std::atomic<int>* stops) {
  server->Post("/api/stream/stop", [stops](const HttpRequest&) {
    stops->fetch_add(1);
    return HttpResponse::Json(200, "{\"stream\":\"stopped\"}\n");
  });
  server->Get("/api/runs",
              [](const HttpRequest&) { return HttpResponse::Json(200, "{\"job\":\"x\"}\n"); });
  server->Get(
      "/healthz", [](const HttpRequest&) { return HttpResponse::Text(200, "ok\n"); },
      Access::kPublic);
}

TEST(HttpServerSecurityTest, WithATokenEveryControlRouteNeedsItAndHealthStaysOpen) {
  std::atomic<int> stops{0};
  HttpServerOptions o;
  o.api_token = "s3cret-api-token";
  HttpServer server(o);
  MountControl(&server, &stops);
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  auto cli = ClientFor(server);

  auto r = cli->Post("/api/stream/stop", "{}", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->get_header_value("WWW-Authenticate"), "Bearer");
  r = cli->Post("/api/stream/stop", {{"Authorization", "Bearer s3cret-api-tokeX"}}, "{}",
                "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  r = cli->Get("/api/runs");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->body.find("job"), std::string::npos);
  EXPECT_EQ(stops.load(), 0);

  r = cli->Post("/api/stream/stop", {{"Authorization", "Bearer s3cret-api-token"}}, "", "");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  r = cli->Get("/api/runs", {{"X-API-Token", "s3cret-api-token"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(stops.load(), 1);

  r = cli->Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(HttpServerSecurityTest, APostMustBeJsonOrCarryACustomHeaderSoABrowserCannotForgeIt) {
  std::atomic<int> stops{0};
  HttpServer server;  // no token: loopback only
  MountControl(&server, &stops);
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  auto cli = ClientFor(server);
  // What an HTML form or fetch(..., {mode: "no-cors"}) can send cross-site.
  const std::string multipart =
      "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--x--\r\n";
  for (const char* type : {"", "text/plain", "application/x-www-form-urlencoded",
                           "multipart/form-data; boundary=x"}) {
    std::string body = std::string(type).starts_with("multipart") ? multipart : "a=1";
    auto r = cli->Post("/api/stream/stop", *type ? body : "", type);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 415) << type;
  }
  EXPECT_EQ(stops.load(), 0);
  auto r = cli->Post("/api/stream/stop", "{}", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  r = cli->Post("/api/stream/stop", {{"X-Requested-By", "cli"}}, "", "");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(stops.load(), 2);
}

TEST(HttpServerSecurityTest, WithoutATokenOnlyLoopbackHostNamesAreAnswered) {
  std::atomic<int> stops{0};
  HttpServer server;
  MountControl(&server, &stops);
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  auto cli = ClientFor(server);
  // A page on evil.example whose name was rebound to 127.0.0.1.
  auto r = cli->Get("/api/runs", {{"Host", "evil.example:9464"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  r = cli->Post("/api/stream/stop", {{"Host", "evil.example"}}, "{}", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(stops.load(), 0);
  r = cli->Get("/api/runs", {{"Host", "localhost:9464"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(HttpServerSecurityTest, ANonLoopbackAddressIsRefusedWithoutAToken) {
  std::atomic<int> stops{0};
  HttpServer open_api;
  MountControl(&open_api, &stops);
  Status st = open_api.Start("0.0.0.0:0");
  EXPECT_TRUE(st.IsInvalidArgument()) << st.ToString();
  EXPECT_NE(st.message().find("LAKESTREAM_API_TOKEN"), std::string::npos) << st.ToString();

  HttpServerOptions o;
  o.api_token = "another-token";
  HttpServer with_token(o);
  MountControl(&with_token, &stops);
  EXPECT_TRUE(with_token.Start("0.0.0.0:0").ok());
  with_token.Stop();

  // Only public routes (ingest --http): nothing to protect.
  metrics::Registry reg;
  HttpServer metrics_only;
  MountObservability(&metrics_only, &reg, {});
  EXPECT_TRUE(metrics_only.Start("0.0.0.0:0").ok());
}

TEST(HttpServerSecurityTest, TokenComparisonChecksEveryByte) {
  EXPECT_TRUE(ConstantTimeEquals("abcdef", "abcdef"));
  EXPECT_FALSE(ConstantTimeEquals("abcdeF", "abcdef"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcdef"));
  EXPECT_FALSE(ConstantTimeEquals("abcdefg", "abcdef"));
  EXPECT_FALSE(ConstantTimeEquals("", "abcdef"));
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("::1"));
  EXPECT_FALSE(IsLoopbackHost("0.0.0.0"));
  EXPECT_FALSE(IsLoopbackHost("10.0.0.1"));
}

// Slowloris: 64 connections sending their head a byte at a time and 16 that
// send nothing, all from the probe's own address, then /healthz and /readyz.
TEST(HttpServerSecurityTest, HealthAnswersWhileSlowAndSilentConnectionsAreOpen) {
  metrics::Registry reg;
  HttpServer server;
  MountObservability(&server, &reg, {});
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  std::vector<int> slow, silent;
  for (int i = 0; i < 64; ++i) {
    int fd = Connect(server.port());
    ASSERT_GE(fd, 0);
    SendText(fd, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: ");
    slow.push_back(fd);
  }
  for (int i = 0; i < 16; ++i) {
    int fd = Connect(server.port());
    ASSERT_GE(fd, 0);
    silent.push_back(fd);
  }
  std::atomic<bool> stop{false};
  std::thread drip([&] {
    while (!stop.load()) {
      for (int fd : slow) SendText(fd, "a");
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  auto cli = ClientFor(server);
  for (int round = 0; round < 3; ++round) {
    auto h = cli->Get("/healthz");
    ASSERT_TRUE(h) << "round " << round << ": /healthz did not answer";
    EXPECT_EQ(h->status, 200);
    auto r = cli->Get("/readyz");
    ASSERT_TRUE(r) << "round " << round << ": /readyz did not answer";
    EXPECT_EQ(r->status, 200);
  }
  stop = true;
  drip.join();
  for (int fd : slow) close(fd);
  for (int fd : silent) close(fd);
}

// One client keeps at most max_connections_per_client connections: its
// oldest unfinished ones are closed (503) to make room.
TEST(HttpServerSecurityTest, OneClientKeepsAtMostItsConnectionLimit) {
  HttpServerOptions o;
  o.limits.max_connections_per_client = 8;
  metrics::Registry reg;
  HttpServer server(o);
  MountObservability(&server, &reg, {});
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  std::vector<int> fds;
  for (int i = 0; i < 40; ++i) {
    int fd = Connect(server.port());
    ASSERT_GE(fd, 0);
    SendText(fd, "GET /metrics HTTP/1.1\r\n");
    fds.push_back(fd);
  }
  int open = 0;
  for (int wait = 0; wait < 100; ++wait) {  // bounded: at most ~10 s
    open = 0;
    for (int fd : fds) open += ClosedByServer(fd) ? 0 : 1;
    if (open <= 8) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_LE(open, 8);
  // The newest ones are the ones kept.
  EXPECT_FALSE(ClosedByServer(fds.back()));
  for (int fd : fds) close(fd);
}

TEST(HttpServerSecurityTest, HealthAnswersWhileEveryWorkerIsBusy) {
  HttpServerOptions o;
  o.limits.workers = 2;
  metrics::Registry reg;
  HttpServer server(o);
  MountObservability(&server, &reg, {});
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::atomic<int> running{0};
  server.Post("/api/jobs/run", [&](const HttpRequest&) {
    running.fetch_add(1);
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return release; });
    return HttpResponse::Json(200, "{}");
  });
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  std::vector<std::thread> jobs;
  for (int i = 0; i < 4; ++i) {
    jobs.emplace_back([&] {
      auto c = ClientFor(server);
      (void)c->Post("/api/jobs/run", "{}", "application/json");
    });
  }
  for (int wait = 0; wait < 100 && running.load() < 2; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(running.load(), 2);  // both workers held, two more requests queued
  auto cli = ClientFor(server);
  auto h = cli->Get("/healthz");
  ASSERT_TRUE(h) << "/healthz did not answer while the workers were busy";
  EXPECT_EQ(h->status, 200);
  auto m = cli->Get("/metrics");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 200);
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  for (std::thread& t : jobs) t.join();
  EXPECT_EQ(running.load(), 4);
}

TEST(HttpServerSecurityTest, SlowHeadsSlowBodiesAndOversizedRequestsAreCutOff) {
  HttpServerOptions o;
  o.limits.header_timeout_ms = 300;
  o.limits.body_timeout_ms = 300;
  o.limits.max_body_bytes = 1024;
  HttpServer server(o);
  std::atomic<int> calls{0};
  server.Post(
      "/api/echo",
      [&](const HttpRequest& r) {
        calls.fetch_add(1);
        return HttpResponse::Json(200, r.body);
      },
      Access::kPublic);
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  bool closed = false;

  int head = Connect(server.port());
  SendText(head, "POST /api/echo HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  std::thread drip([&] {
    for (int i = 0; i < 20; ++i) {
      SendText(head, "X");
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  std::string out = ReadUntilClosed(head, 10000, &closed);
  drip.join();
  EXPECT_TRUE(closed);
  EXPECT_EQ(out.rfind("HTTP/1.1 408", 0), 0u) << out;
  close(head);

  int body = Connect(server.port());
  SendText(body,
           "POST /api/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
           "Content-Length: 100\r\n\r\n{\"a\":");
  out = ReadUntilClosed(body, 10000, &closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(out.find(" 200 "), std::string::npos) << out;
  close(body);

  int big_head = Connect(server.port());
  SendText(big_head, "GET /x HTTP/1.1\r\nX-Big: " + std::string(20000, 'a'));
  out = ReadUntilClosed(big_head, 10000, &closed);
  EXPECT_EQ(out.rfind("HTTP/1.1 431", 0), 0u) << out;
  close(big_head);

  auto cli = ClientFor(server);
  auto r = cli->Post("/api/echo", std::string(2048, ' '), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(calls.load(), 0);
  r = cli->Post("/api/echo", "{\"ok\":1}", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "{\"ok\":1}");
}

// `curl -X POST URL` sends neither Content-Length nor a body: answered at
// once, not after the body deadline.
TEST(HttpServerSecurityTest, ABodylessPostWithoutContentLengthIsAnsweredAtOnce) {
  HttpServer server;
  server.Post(
      "/api/echo", [](const HttpRequest& r) { return HttpResponse::Json(200, "[" + r.body + "]"); },
      Access::kPublic);
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  int fd = Connect(server.port());
  SendText(fd, "POST /api/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Requested-By: t\r\n\r\n");
  bool closed = false;
  std::string out = ReadUntilClosed(fd, 10000, &closed);  // the body deadline is 30 s
  close(fd);
  EXPECT_TRUE(closed);
  EXPECT_EQ(out.rfind("HTTP/1.1 200", 0), 0u) << out;
  EXPECT_NE(out.find("[]"), std::string::npos) << out;
}

// A client stuck in its body must not hold up shutdown (SIGTERM of serve)
// until the body deadline, here an hour.
TEST(HttpServerSecurityTest, StopDoesNotWaitForAClientStuckInItsBody) {
  HttpServerOptions o;
  o.limits.body_timeout_ms = 3600 * 1000;
  auto server = std::make_unique<HttpServer>(o);
  std::atomic<int> calls{0};
  server->Post(
      "/api/echo",
      [&](const HttpRequest&) {
        calls.fetch_add(1);
        return HttpResponse::Json(200, "{}");
      },
      Access::kPublic);
  ASSERT_TRUE(server->Start("127.0.0.1:0").ok());
  int fd = Connect(server->port());
  SendText(fd, "POST /api/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               "Content-Length: 100\r\n\r\n{");
  // Let the gate hand it to a worker (if it has not yet, Stop drops it from the queue).
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto stopped = std::async(std::launch::async, [&] { server->Stop(); });
  ASSERT_EQ(stopped.wait_for(std::chrono::seconds(60)), std::future_status::ready)
      << "Stop() hangs on a client stuck in its body";
  bool closed = false;
  ReadUntilClosed(fd, 10000, &closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(calls.load(), 0);
  close(fd);
}

}  // namespace
}  // namespace lakestream::server
