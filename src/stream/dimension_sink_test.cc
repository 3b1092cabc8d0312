// The dimension's txn appIds ("<pipeline_id>:<name>:<partition>", dimension_sink.h) cannot be
// ambiguous as the old events TxnAppId was (stream/txn_app_id.h): the pipeline id and the
// dimension name may not hold ':' (ValidatePipelineConfig, which WithDimension and the parser
// both apply), and the partition is a number after the last ':'.
#include "stream/dimension_sink.h"

#include <gtest/gtest.h>

#include <memory>

#include "stream/testing_fake_source_config.h"
#include "stream/testing_memory_sink.h"

namespace lakestream::stream {
namespace {

PipelineConfig WithDimensionNamed(const std::string& pipeline_id, const std::string& name) {
  PipelineConfig cfg = testing::FakeSourceConfig(
      1, "dimension: {name: by_id, table: /mem/by_id, key: event_id, track: [n]}\n");
  cfg.pipeline_id = pipeline_id;
  cfg.dimension.name = name;
  return cfg;
}

TEST(DimensionTxnAppIdTest, NamesThatWouldCollideAcrossTheSeparatorAreRefused) {
  // Pipeline "a:b" with dimension "c" and pipeline "a" with dimension "b:c" would both record
  // partition 0 as "a:b:c:0"; neither sink can be built.
  EXPECT_EQ(DimensionTxnAppId("a:b", "c", 0), DimensionTxnAppId("a", "b:c", 0));
  auto first = WithDimension(std::make_unique<testing::MemoryBatchSink>(),
                             WithDimensionNamed("a:b", "c"));
  ASSERT_FALSE(first.ok());
  EXPECT_TRUE(first.status().IsInvalidArgument()) << first.status().ToString();
  EXPECT_NE(first.status().message().find("pipeline_id"), std::string::npos)
      << first.status().ToString();
  auto second = WithDimension(std::make_unique<testing::MemoryBatchSink>(),
                              WithDimensionNamed("a", "b:c"));
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(second.status().IsInvalidArgument()) << second.status().ToString();
  EXPECT_NE(second.status().message().find("dimension.name"), std::string::npos)
      << second.status().ToString();
  // Nor can a config file name them.
  auto parsed = ParsePipelineConfig(R"(
pipeline_id: "a:b"
source: {topic: clicks, brokers: "127.0.0.1:9092"}
target: {table: /mem/events}
columns:
  - {name: event_id, type: string, nullable: false}
  - {name: event_time, type: timestamp, nullable: false}
)");
  EXPECT_TRUE(parsed.status().IsInvalidArgument()) << parsed.status().ToString();
}

TEST(DimensionTxnAppIdTest, AllowedNamesGiveOneAppIdPerPipelineDimensionAndPartition) {
  ASSERT_TRUE(WithDimension(std::make_unique<testing::MemoryBatchSink>(),
                            WithDimensionNamed("a.b-c_d", "user_profile"))
                  .ok());
  EXPECT_EQ(DimensionTxnAppId("clickstream", "user_profile", 3), "clickstream:user_profile:3");
  EXPECT_NE(DimensionTxnAppId("a", "b", 12), DimensionTxnAppId("a", "b", 1));
  EXPECT_NE(DimensionTxnAppId("a-b", "c", 0), DimensionTxnAppId("a", "b-c", 0));
}

}  // namespace
}  // namespace lakestream::stream
