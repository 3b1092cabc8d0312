#include "collect/write_keys.h"

#include <gtest/gtest.h>

#include "collect/client_ip.h"
#include "collect/collect_config.h"
#include "common/manual_clock.h"

namespace lakestream::collect {
namespace {

Source Web() {
  Source s;
  s.name = "web";
  s.key = "key-web-0001";
  s.topic = "events";
  s.origins = {"https://shop.example"};
  s.rate_per_second = 100;
  s.burst = 200;
  return s;
}

class WriteKeysTest : public ::testing::Test {
 protected:
  ManualClock clock_{0};
};

TEST_F(WriteKeysTest, KeysMapToSourcesAndOrigins) {
  KeyRing ring(&clock_);
  ring.Replace({Web()});
  EXPECT_EQ(ring.Find("nope"), nullptr);
  auto s = ring.Find("key-web-0001");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->topic, "events");
  EXPECT_TRUE(OriginAllowed(*s, "https://shop.example"));
  EXPECT_FALSE(OriginAllowed(*s, "https://evil.example"));
  EXPECT_TRUE(OriginAllowed(*s, ""));  // a server or device without a browser origin
  Source any = Web();
  any.origins = {"*"};
  EXPECT_TRUE(OriginAllowed(any, "https://evil.example"));
}

TEST_F(WriteKeysTest, TheRateLimitIsATokenBucketOnTheClock) {
  KeyRing ring(&clock_);
  ring.Replace({Web()});
  auto s = ring.Find("key-web-0001");
  EXPECT_EQ(ring.Take(*s, 150), 0);
  EXPECT_EQ(ring.Take(*s, 50), 0);
  EXPECT_EQ(ring.Take(*s, 50), 1);  // empty: 50 events need half a second -> Retry-After 1
  clock_.AdvanceMicros(500000);
  EXPECT_EQ(ring.Take(*s, 50), 0);
  // A reload keeps the bucket of a key that stays.
  ring.Replace({Web()});
  EXPECT_GT(ring.Take(*s, 100), 0);
  clock_.AdvanceMicros(3000000);
  EXPECT_EQ(ring.Take(*s, 100), 0);
}

TEST_F(WriteKeysTest, AReloadDropsRemovedKeys) {
  KeyRing ring(&clock_);
  ring.Replace({Web()});
  Source app = Web();
  app.name = "app";
  app.key = "key-app-0002";
  ring.Replace({app});
  EXPECT_EQ(ring.Find("key-web-0001"), nullptr);
  EXPECT_NE(ring.Find("key-app-0002"), nullptr);
}

class ClientIpTest : public ::testing::Test {};

TEST_F(ClientIpTest, TruncateIsTheDefaultAndCutsToSlash24AndSlash48) {
  auto p = ClientIpPolicy::Make("", "", 0);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->mode(), IpMode::kTruncate);
  EXPECT_EQ(p->Apply("203.0.113.77"), "203.0.113.0");
  EXPECT_EQ(p->Apply("2001:db8:85a3:1234:5678::1"), "2001:db8:85a3::");
  EXPECT_EQ(p->Apply("not an ip"), "");
}

TEST_F(ClientIpTest, HashKeepAndDrop) {
  auto h = ClientIpPolicy::Make("hash", "k1", 0);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->Apply("203.0.113.77").size(), 32u);
  EXPECT_EQ(h->Apply("203.0.113.77"), h->Apply("203.0.113.77"));
  EXPECT_NE(h->Apply("203.0.113.77"), ClientIpPolicy::Make("hash", "k2", 0)->Apply("203.0.113.77"));
  EXPECT_EQ(ClientIpPolicy::Make("keep", "", 0)->Apply("203.0.113.77"), "203.0.113.77");
  EXPECT_EQ(ClientIpPolicy::Make("drop", "", 0)->Apply("203.0.113.77"), "");
  EXPECT_TRUE(ClientIpPolicy::Make("hash", "", 0).status().IsInvalidArgument());
  EXPECT_NE(ClientIpPolicy::Make("mask", "", 0).status().message().find("'mask'"), std::string::npos);
}

TEST_F(ClientIpTest, ForwardedForIsTrustedOnlyForConfiguredHops) {
  auto none = *ClientIpPolicy::Make("keep", "", 0);
  EXPECT_EQ(none.ClientAddress("10.0.0.1", "6.6.6.6, 198.51.100.7"), "10.0.0.1");
  auto one = *ClientIpPolicy::Make("keep", "", 1);
  EXPECT_EQ(one.ClientAddress("10.0.0.1", "6.6.6.6, 198.51.100.7"), "198.51.100.7");
  EXPECT_EQ(one.ClientAddress("10.0.0.1", ""), "10.0.0.1");
}

class CollectConfigTest : public ::testing::Test {};

constexpr char kConfig[] = R"(
listen: 127.0.0.1:0
collector_id: c1
kafka: {brokers: 127.0.0.1:9092}
spool: {dir: /tmp/spool}
sources:
  - {name: web, key: key-web-0001, topic: events, origins: [https://shop.example], rate_limit: 10}
)";

TEST_F(CollectConfigTest, AMinimalConfigHasTheDocumentedDefaults) {
  auto c = ParseCollectConfig(kConfig, "c.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->listen_port, 0);
  EXPECT_EQ(c->max_batch_bytes, 1 << 20);
  EXPECT_EQ(c->max_event_bytes, 32 << 10);
  EXPECT_EQ(c->client_ip_mode, "truncate");
  EXPECT_EQ(c->ack_timeout_ms, 5000);
  ASSERT_EQ(c->sources.size(), 1u);
  EXPECT_EQ(c->sources[0].rate_per_second, 10);
}

TEST_F(CollectConfigTest, ErrorsNameTheFileAndTheKey) {
  struct Case {
    std::string replace, with, expect;
  } cases[] = {
      {"spool: {dir: /tmp/spool}", "spool: {dri: /tmp/spool}", "spool.dri: unknown key"},
      {"key: key-web-0001", "key: short", "sources[0].key"},
      {"listen: 127.0.0.1:0", "listen: 127.0.0.1", "listen"},
      {"spool: {dir: /tmp/spool}", "", "spool.dir: required"},
      {"kafka: {brokers: 127.0.0.1:9092}", "kafka: {}", "kafka: names no brokers"},
  };
  for (const auto& c : cases) {
    std::string text = kConfig;
    text.replace(text.find(c.replace), c.replace.size(), c.with);
    auto r = ParseCollectConfig(text, "c.yaml");
    ASSERT_FALSE(r.ok()) << c.with;
    EXPECT_TRUE(r.status().IsInvalidArgument());
    EXPECT_NE(r.status().message().find("c.yaml"), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos) << r.status().message();
  }
}

}  // namespace
}  // namespace lakestream::collect
