#include "server/http_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>

#include "server/observability_routes.h"

namespace lakestream::server {
namespace {

TEST(HttpServerTest, ServesMetricsHealthAndReadinessOnAFreePort) {
  metrics::Registry reg;
  auto* c = *reg.AddCounter("lakestream_test_total", "A test counter", {"k"});
  c->WithLabels({"v"}).Inc(3);
  std::atomic<bool> ready{false};
  HttpServer server;
  MountObservability(&server, &reg, {{"stream", [&] {
                                        return CheckResult{ready.load(), "no commit yet"};
                                      }}});
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  ASSERT_GT(server.port(), 0);

  httplib::Client cli("127.0.0.1", server.port());
  auto m = cli.Get("/metrics");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 200);
  EXPECT_NE(m->body.find("lakestream_test_total{k=\"v\"} 3\n"), std::string::npos);
  EXPECT_NE(m->get_header_value("Content-Type").find("version=0.0.4"), std::string::npos);
  EXPECT_NE(m->body.find("lakestream_process_start_time_seconds "), std::string::npos);

  auto h = cli.Get("/healthz");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);

  auto r = cli.Get("/readyz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_NE(r->body.find("\"stream\":\"no commit yet\""), std::string::npos) << r->body;
  ready = true;
  r = cli.Get("/readyz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("\"ready\":true"), std::string::npos);
  server.Stop();
}

TEST(HttpServerTest, OtherModulesMountRoutesWithQueryParameters) {
  HttpServer server;
  server.Get("/api/echo", [](const HttpRequest& req) {
    return HttpResponse::Json(200, "{\"x\":\"" + req.Param("x", "none") + "\"}");
  });
  server.Post("/api/refresh", [](const HttpRequest& req) {
    return HttpResponse::Text(202, "accepted " + req.body);
  });
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  httplib::Client cli("127.0.0.1", server.port());
  auto e = cli.Get("/api/echo?x=42");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->body, "{\"x\":\"42\"}");
  // A POST needs a JSON type or a custom header (CSRF; docs/security.md).
  auto p = cli.Post("/api/refresh", {{"X-Requested-By", "test"}}, "table=T", "text/plain");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->status, 202);
  EXPECT_EQ(p->body, "accepted table=T");
  auto missing = cli.Get("/nope");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST(HttpServerTest, RoutesTakePathParametersAndSetResponseHeaders) {
  HttpServer server;
  server.Get("/api/runs/{id}", [](const HttpRequest& req) {
    HttpResponse r = HttpResponse::Json(200, "{\"id\":\"" + req.path_params.at("id") + "\"}");
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  });
  server.Get("/dashboard/app.js", [](const HttpRequest&) {
    return HttpResponse::Text(200, "js");
  }, Access::kPublic);
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  httplib::Client cli("127.0.0.1", server.port());
  auto r = cli.Get("/api/runs/r17-2");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "{\"id\":\"r17-2\"}");
  EXPECT_EQ(r->get_header_value("Cache-Control"), "no-store");
  // One segment only, and the literal parts match literally ('.' is not "any").
  auto nested = cli.Get("/api/runs/a/b");
  ASSERT_TRUE(nested);
  EXPECT_EQ(nested->status, 404);
  auto dot = cli.Get("/dashboard/appXjs");
  ASSERT_TRUE(dot);
  EXPECT_EQ(dot->status, 404);
  EXPECT_EQ(cli.Get("/dashboard/app.js")->body, "js");
}

TEST(HttpServerTest, BadListenAddressesAreRefusedWithTheText) {
  EXPECT_TRUE(ParseListenAddress("localhost").status().IsInvalidArgument());
  EXPECT_TRUE(ParseListenAddress("127.0.0.1:99999").status().IsInvalidArgument());
  EXPECT_TRUE(ParseListenAddress("127.0.0.1:x").status().IsInvalidArgument());
  auto a = ParseListenAddress("[::1]:9464");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->first, "::1");
  EXPECT_EQ(a->second, 9464);
  HttpServer first;
  ASSERT_TRUE(first.Start("127.0.0.1:0").ok());
  HttpServer second;
  Status st = second.Start("127.0.0.1:" + std::to_string(first.port()));
  EXPECT_TRUE(st.IsIOError()) << st.ToString();
}

}  // namespace
}  // namespace lakestream::server
