#include "collect/event_batch.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "collect/query_string.h"

namespace lakestream::collect {
namespace {

using nlohmann::json;

Enrichment En() {
  Enrichment e;
  e.received_at_micros = 1700000000123456;
  e.collector_id = "c1";
  e.client_ip = "203.0.113.0";
  e.user_agent = "Mozilla/5.0";
  return e;
}

class EventBatchTest : public ::testing::Test {};

TEST_F(EventBatchTest, AnArrayIsEnrichedAndKeyedByTheDevice) {
  ParsedBatch b = ParseAndEnrich(
      R"([{"event_id":"e1","user_id":"u1","props":{"a":[1,2.5,"x\"y"]}},{"event_id":"e2","device_id":"d9"}])",
      BodyShape::kBatch, En(), {});
  ASSERT_EQ(b.http_status, 200) << b.reason;
  ASSERT_EQ(b.records.size(), 2u);
  json e = json::parse(b.records[0].value);
  EXPECT_EQ(e["event_id"], "e1");
  EXPECT_EQ(e["props"]["a"][2], "x\"y");
  EXPECT_EQ(e["received_at"], "2023-11-14T22:13:20.123456Z");
  EXPECT_EQ(e["collector_id"], "c1");
  EXPECT_EQ(e["client_ip"], "203.0.113.0");
  EXPECT_EQ(e["user_agent"], "Mozilla/5.0");
  EXPECT_FALSE(e.contains("event_id_assigned"));
  EXPECT_EQ(b.records[0].key, "u1");
  EXPECT_EQ(b.records[1].key, "d9");
  EXPECT_EQ(b.assigned_ids, 0);
}

TEST_F(EventBatchTest, AMissingEventIdIsAssignedAndFlagged) {
  ParsedBatch b = ParseAndEnrich(R"({"type":"click"})", BodyShape::kSingle, En(), {});
  ASSERT_EQ(b.http_status, 200) << b.reason;
  json e = json::parse(b.records[0].value);
  EXPECT_EQ(e["event_id"].get<std::string>().size(), 36u);
  EXPECT_EQ(e["event_id_assigned"], true);
  EXPECT_EQ(b.records[0].key, e["event_id"]);
  EXPECT_EQ(b.assigned_ids, 1);
}

TEST_F(EventBatchTest, ServerFieldsSentByTheDeviceAreReplaced) {
  ParsedBatch b = ParseAndEnrich(
      R"({"event_id":"e1","received_at":"forged","client_ip":"1.2.3.4","event_id_assigned":true})",
      BodyShape::kSingle, En(), {});
  ASSERT_EQ(b.http_status, 200);
  json e = json::parse(b.records[0].value);
  EXPECT_EQ(e["received_at"], "2023-11-14T22:13:20.123456Z");
  EXPECT_EQ(e["client_ip"], "203.0.113.0");
  EXPECT_FALSE(e.contains("event_id_assigned"));
}

TEST_F(EventBatchTest, NdjsonAndTheSegmentEnvelopeAreBatches) {
  ParsedBatch nd = ParseAndEnrich("{\"event_id\":\"a\"}\n\n{\"event_id\":\"b\"}\r\n", BodyShape::kBatch, En(), {});
  ASSERT_EQ(nd.http_status, 200) << nd.reason;
  EXPECT_EQ(nd.records.size(), 2u);
  ParsedBatch env = ParseAndEnrich(R"({"batch":[{"event_id":"a"},{"event_id":"b"},{"event_id":"c"}]})",
                                   BodyShape::kBatch, En(), {});
  ASSERT_EQ(env.http_status, 200) << env.reason;
  EXPECT_EQ(env.records.size(), 3u);
  ParsedBatch one = ParseAndEnrich(R"({"event_id":"solo"})", BodyShape::kBatch, En(), {});
  ASSERT_EQ(one.http_status, 200);
  EXPECT_EQ(one.records.size(), 1u);
}

TEST_F(EventBatchTest, BadEventsAreRefusedNamingTheirIndex) {
  struct Case {
    std::string body;
    int status;
    std::string reason;
  } cases[] = {
      {R"([{"event_id":"a"},42])", 400, "event 1: not a JSON object"},
      {R"([{"event_id":7}])", 400, "event 0: event_id must be a non-empty string"},
      {R"([{"event_id":""}])", 400, "event_id must be a non-empty string"},
      {"[{\"a\":1}", 400, "not JSON"},
      {"{\"a\":1}\n{oops}\n", 400, "event 1 (line): not JSON"},
      {"[]", 400, "no events"},
      {"   ", 400, "empty"},
  };
  for (const auto& c : cases) {
    ParsedBatch b = ParseAndEnrich(c.body, BodyShape::kBatch, En(), {});
    EXPECT_EQ(b.http_status, c.status) << c.body;
    EXPECT_NE(b.reason.find(c.reason), std::string::npos) << c.body << " -> " << b.reason;
    EXPECT_TRUE(b.records.empty());
  }
  ParsedBatch arr = ParseAndEnrich(R"([{"a":1}])", BodyShape::kSingle, En(), {});
  EXPECT_EQ(arr.http_status, 400);
  EXPECT_NE(arr.reason.find("/v1/batch"), std::string::npos);
}

TEST_F(EventBatchTest, EventAndCountLimitsAre413) {
  std::string big = R"([{"event_id":"a"},{"event_id":"b","pad":")" + std::string(40000, 'x') + "\"}]";
  ParsedBatch b = ParseAndEnrich(big, BodyShape::kBatch, En(), {32768, 100});
  EXPECT_EQ(b.http_status, 413);
  EXPECT_NE(b.reason.find("event 1"), std::string::npos) << b.reason;
  std::string many = "[";
  for (int i = 0; i < 11; ++i) many += std::string(i ? "," : "") + "{\"event_id\":\"" + std::to_string(i) + "\"}";
  many += "]";
  b = ParseAndEnrich(many, BodyShape::kBatch, En(), {32768, 10});
  EXPECT_EQ(b.http_status, 413);
  EXPECT_NE(b.reason.find("more than 10 events"), std::string::npos);
}

TEST_F(EventBatchTest, APixelQueryBecomesOneEventWithoutTheKey) {
  std::string ev = PixelEventJson("e=pv&url=https%3A%2F%2Fa.example%2Fx%3Fq%3D1&wk=secret&t=a+b", {"wk"});
  json e = json::parse(ev);
  EXPECT_EQ(e["e"], "pv");
  EXPECT_EQ(e["url"], "https://a.example/x?q=1");
  EXPECT_EQ(e["t"], "a b");
  EXPECT_FALSE(e.contains("wk"));
  EXPECT_EQ(QueryValue("a=1&wk=k%2B1", "wk"), "k+1");
  EXPECT_EQ(PercentDecode("%zz%4"), "%zz%4");
}

}  // namespace
}  // namespace lakestream::collect
