#include "collect/tracker_script.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>

#include "collect/body_decoder.h"
#include "stream/dev/mock_cluster.h"

namespace lakestream::collect {
namespace {

std::string RepoScript() {
  std::ifstream in(std::string(LAKESTREAM_SOURCE_DIR) + "/src/collect/tracker/tracker.js",
                   std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Header(const HttpResponse& r, const std::string& name) {
  for (auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

HttpRequest Get(std::map<std::string, std::string> headers = {}) {
  HttpRequest r;
  r.method = "GET";
  r.target = "/v1/tracker.js";
  r.headers = std::move(headers);
  r.peer = "198.51.100.23";
  return r;
}

TEST(TrackerScriptTest, TheBinaryServesTheRepositorysFileByteForByte) {
  std::string file = RepoScript();
  ASSERT_GT(file.size(), 1000u);
  EXPECT_EQ(std::string(TrackerScript()), file);
  EXPECT_EQ(TrackerScriptSha256().size(), 64u);
  HttpResponse r = TrackerScriptResponse(Get(), false);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, file);
  EXPECT_EQ(r.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(Header(r, "Cache-Control"), "public, max-age=3600");
  EXPECT_EQ(Header(r, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(Header(r, "Content-Encoding"), "");
  EXPECT_EQ(Header(r, "Vary"), "Accept-Encoding");
  EXPECT_EQ(Header(r, "ETag"), "\"" + std::string(TrackerScriptSha256().substr(0, 32)) + "\"");
}

TEST(TrackerScriptTest, GzipWhenAcceptedAndTheBytesInflateToTheScript) {
  HttpResponse r = TrackerScriptResponse(Get({{"accept-encoding", "gzip, deflate, br, zstd"}}), false);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Header(r, "Content-Encoding"), "gzip");
  EXPECT_LT(r.body.size(), TrackerScript().size() / 2);
  DecodeResult d = DecodeBody("gzip", r.body, {1 << 22, 100});
  ASSERT_EQ(d.http_status, 200) << d.reason;
  EXPECT_EQ(d.body, TrackerScript());
  // A representation of its own: a different strong ETag.
  EXPECT_EQ(Header(r, "ETag"), "\"" + std::string(TrackerScriptSha256().substr(0, 32)) + "-gz\"");

  for (std::string refused : {"gzip;q=0", "br, gzip; q=0.0", "identity", "deflate"}) {
    HttpResponse plain = TrackerScriptResponse(Get({{"accept-encoding", refused}}), false);
    EXPECT_EQ(Header(plain, "Content-Encoding"), "") << refused;
    EXPECT_EQ(plain.body, TrackerScript()) << refused;
  }
  HttpResponse weighted = TrackerScriptResponse(Get({{"accept-encoding", "GZIP;q=0.5"}}), false);
  EXPECT_EQ(Header(weighted, "Content-Encoding"), "gzip");
}

TEST(TrackerScriptTest, IfNoneMatchWithTheETagIsA304WithoutBody) {
  HttpResponse first = TrackerScriptResponse(Get(), false);
  std::string etag = Header(first, "ETag");
  for (std::string inm : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
    HttpResponse r = TrackerScriptResponse(Get({{"if-none-match", inm}}), false);
    EXPECT_EQ(r.status, 304) << inm;
    EXPECT_TRUE(r.body.empty()) << inm;
    EXPECT_EQ(Header(r, "ETag"), etag) << inm;
    EXPECT_EQ(Header(r, "Cache-Control"), "public, max-age=3600") << inm;
  }
  // The gzip'd representation's ETag does not validate the plain one, nor a stale one.
  for (std::string inm : {etag.substr(0, etag.size() - 1) + "-gz\"", std::string("\"0123\"")}) {
    HttpResponse r = TrackerScriptResponse(Get({{"if-none-match", inm}}), false);
    EXPECT_EQ(r.status, 200) << inm;
    EXPECT_EQ(r.body, TrackerScript()) << inm;
  }
}

TEST(TrackerScriptTest, CorsEchoesAnAllowedOriginOnlyAndOnlyGetIsServed) {
  HttpResponse allowed = TrackerScriptResponse(Get({{"origin", "https://shop.example"}}), true);
  EXPECT_EQ(Header(allowed, "Access-Control-Allow-Origin"), "https://shop.example");
  EXPECT_EQ(Header(allowed, "Vary"), "Origin, Accept-Encoding");
  HttpResponse other = TrackerScriptResponse(Get({{"origin", "https://evil.example"}}), false);
  EXPECT_EQ(other.status, 200);  // a plain <script src> needs no CORS
  EXPECT_EQ(Header(other, "Access-Control-Allow-Origin"), "");
  HttpRequest post = Get();
  post.method = "POST";
  HttpResponse r = TrackerScriptResponse(post, true);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(Header(r, "Allow"), "GET");
  EXPECT_NE(r.body.find("takes GET"), std::string::npos) << r.body;
}

// Through the collector's router: the route exists, CORS follows the sources' origins.
TEST(TrackerScriptTest, TheCollectorRoutesTrackerJsWithTheSourcesOrigins) {
  auto mc = stream::MockCluster::Start(1);
  ASSERT_TRUE(mc.ok()) << mc.status().ToString();
  std::string spool = (std::filesystem::temp_directory_path() /
                       ("tracker_script_test_" + std::to_string(::getpid()))).string();
  std::filesystem::remove_all(spool);
  CollectConfig config;
  config.collector_id = "c-test";
  config.kafka.brokers = (*mc)->bootstrap_servers();
  config.spool_dir = spool;
  Source web;
  web.name = "web";
  web.key = "key-web-0001";
  web.topic = "events";
  web.origins = {"https://shop.example"};
  config.sources = {web};
  auto c = Collector::Make(config, {});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  auto call = [&](HttpRequest req) {
    std::promise<HttpResponse> p;
    auto f = p.get_future();
    (*c)->Handle(std::move(req), [&p](HttpResponse resp) { p.set_value(std::move(resp)); });
    return f.get();
  };
  HttpResponse shop = call(Get({{"origin", "https://shop.example"}}));
  EXPECT_EQ(shop.status, 200);
  EXPECT_EQ(shop.body, TrackerScript());
  EXPECT_EQ(Header(shop, "Access-Control-Allow-Origin"), "https://shop.example");
  HttpResponse evil = call(Get({{"origin", "https://evil.example"}}));
  EXPECT_EQ(evil.status, 200);
  EXPECT_EQ(Header(evil, "Access-Control-Allow-Origin"), "");
  HttpRequest query = Get();
  query.target = "/v1/tracker.js?v=3";
  EXPECT_EQ(call(query).status, 200);
  EXPECT_NE((*c)->registry().Expose().find("lakestream_collect_requests_total{code=\"200\"} 3"),
            std::string::npos);
  c->reset();
  std::filesystem::remove_all(spool);
}

}  // namespace
}  // namespace lakestream::collect
