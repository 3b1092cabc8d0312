#include "stream/pipeline_config.h"

#include <gtest/gtest.h>

namespace lakestream::stream {
namespace {

constexpr const char* kMinimal = R"(
source: {topic: clicks}
target: {table: /tmp/events}
columns:
  - {name: event_id, type: string, nullable: false}
  - {name: event_time, type: timestamp, nullable: false}
  - {name: duration_ms, type: int32}
)";

TEST(PipelineConfigTest, MinimalConfigGetsTheDocumentedDefaults) {
  Result<PipelineConfig> cfg = ParsePipelineConfig(kMinimal);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->pipeline_id, "clickstream");
  EXPECT_EQ(cfg->source.group, "lakestream-clickstream");
  EXPECT_TRUE(cfg->source.uses_embedded_broker());
  EXPECT_EQ(cfg->quarantine_table, "/tmp/events_quarantine");
  ASSERT_EQ(cfg->partition_by.size(), 1u);
  EXPECT_EQ(cfg->partition_by[0].name, "event_date");
  EXPECT_EQ(cfg->partition_by[0].source, "event_time");
  EXPECT_EQ(cfg->dedup.key, "event_id");
  EXPECT_EQ(cfg->dedup.window_us, 24LL * 3600 * 1000000);
  EXPECT_EQ(cfg->trigger.interval_ms, 10000);
  EXPECT_EQ(cfg->zstd_level, 1);
  EXPECT_FALSE(cfg->available_now);
  ASSERT_EQ(cfg->columns.size(), 3u);
  EXPECT_EQ(cfg->columns[2].type, pipeline::ColumnType::kInt32);
}

TEST(PipelineConfigTest, FullConfigIsReadBack) {
  Result<PipelineConfig> cfg = ParsePipelineConfig(R"(
pipeline_id: web-1
source:
  topic: clicks
  group: g1
  starting_offsets: latest
  event_hubs: {connection_string_env: EH_CONN}
  properties: {fetch.max.bytes: 1048576, partition.assignment.strategy: cooperative-sticky}
target: {table: /t/e/, quarantine_table: /t/q, file_size_target: 64MB, zstd_level: 5}
columns:
  - {name: id, type: string, nullable: false, source: event_id}
  - {name: t, type: timestamp, source: ts}
partition_by: []
dedup: {key: id, window: 2h, time_column: t}
trigger: {interval: 500ms, max_records: 1000, max_bytes: 8MiB}
available_now: true
)");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->pipeline_id, "web-1");
  EXPECT_EQ(cfg->table, "/t/e");
  EXPECT_EQ(cfg->quarantine_table, "/t/q");
  EXPECT_EQ(cfg->file_size_target, 64LL << 20);
  EXPECT_EQ(cfg->zstd_level, 5);
  EXPECT_TRUE(cfg->source.uses_event_hubs());
  EXPECT_FALSE(cfg->source.uses_embedded_broker());
  EXPECT_EQ(cfg->source.properties.at("fetch.max.bytes"), "1048576");
  EXPECT_TRUE(cfg->partition_by.empty());
  EXPECT_EQ(cfg->dedup.window_us, 2LL * 3600 * 1000000);
  EXPECT_EQ(cfg->trigger.interval_ms, 500);
  EXPECT_EQ(cfg->trigger.max_bytes, 8LL << 20);
  EXPECT_TRUE(cfg->available_now);
  EXPECT_EQ(cfg->columns[0].source, "event_id");
}

void ExpectError(const std::string& yaml, const std::string& fragment) {
  Result<PipelineConfig> cfg = ParsePipelineConfig(yaml);
  ASSERT_FALSE(cfg.ok()) << yaml;
  EXPECT_TRUE(cfg.status().IsInvalidArgument());
  EXPECT_NE(cfg.status().message().find(fragment), std::string::npos)
      << cfg.status().message() << " lacks " << fragment;
}

TEST(PipelineConfigTest, ErrorsNameTheKey) {
  std::string base = kMinimal;
  ExpectError(base + "trigger: {interval: 10x}\n", "trigger.interval: '10x' is not a duration");
  ExpectError(base + "trigger: {intervall: 10s}\n", "trigger.intervall: unknown key");
  ExpectError(base + "dedup: {key: nope}\n", "dedup.key: 'nope' is not one of the columns");
  ExpectError(base + "dedup: {time_column: duration_ms}\n", "dedup.time_column");
  ExpectError(base + "target2: 1\n", "target2: unknown key");
  ExpectError(base + "available_now: maybe\n", "available_now: 'maybe' is not true or false");
  ExpectError(R"(
source: {topic: clicks}
target: {table: /tmp/events}
columns: [{name: a, type: decimal128}]
dedup: {key: ""}
)",
              "columns[0].type: unknown type 'decimal128'");
  ExpectError(R"(
source: {topic: clicks}
target: {table: /tmp/events}
columns: [{name: a, type: string}, {name: a, type: int64}]
dedup: {key: ""}
)",
              "columns[1].name: duplicate column 'a'");
  ExpectError("target: {table: /x}\ncolumns: []\n", "source: required");
  ExpectError(R"(
source: {topic: clicks}
target: {table: /tmp/events, zstd_level: 30}
columns: [{name: event_id, type: string}, {name: event_time, type: timestamp}]
)",
              "target.zstd_level: must be 1..19");
  ExpectError("source: {topic: [}\n", "config: line 1");
  ExpectError(R"(
source: {topic: c, brokers: b:1, event_hubs: {connection_string_env: X}}
target: {table: /tmp/events}
columns: [{name: event_id, type: string}, {name: event_time, type: timestamp}]
)",
              "source.brokers: not allowed together with source.event_hubs");
}

TEST(PipelineConfigTest, DurationsAndSizes) {
  EXPECT_EQ(ParseDurationMicros("250ms"), 250000);
  EXPECT_EQ(ParseDurationMicros("7d"), 7LL * 86400 * 1000000);
  EXPECT_EQ(ParseDurationMicros("10"), std::nullopt);
  EXPECT_EQ(ParseDurationMicros("-1s"), std::nullopt);
  EXPECT_EQ(ParseByteSize("1024"), 1024);
  EXPECT_EQ(ParseByteSize("128MB"), 128LL << 20);
  EXPECT_EQ(ParseByteSize("1GiB"), 1LL << 30);
  EXPECT_EQ(ParseByteSize("1TB"), std::nullopt);
  EXPECT_EQ(TxnAppId("clickstream", "clicks", 3), "clickstream-clicks-3");
}

constexpr const char* kWithUsers = R"(
source: {topic: clicks}
target: {table: /tmp/events}
columns:
  - {name: event_id, type: string, nullable: false}
  - {name: user_id, type: int64, nullable: false}
  - {name: event_time, type: timestamp, nullable: false}
  - {name: country, type: string}
  - {name: os, type: string}
  - {name: revenue, type: double}
)";

TEST(PipelineConfigTest, DimensionSectionDefaultsAndExplicitValues) {
  Result<PipelineConfig> none = ParsePipelineConfig(kWithUsers);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE(none->dimension.enabled());
  Result<PipelineConfig> cfg =
      ParsePipelineConfig(std::string(kWithUsers) + "dimension: {table: /tmp/users/}\n");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_TRUE(cfg->dimension.enabled());
  EXPECT_EQ(cfg->dimension.name, "user_profile");
  EXPECT_EQ(cfg->dimension.table, "/tmp/users");
  EXPECT_EQ(cfg->dimension.key, "user_id");
  EXPECT_EQ(cfg->dimension.sequence_by, "event_time");
  // Default tracked columns: those of the usual attributes that exist.
  EXPECT_EQ(cfg->dimension.track, (std::vector<std::string>{"country", "os"}));
  cfg = ParsePipelineConfig(std::string(kWithUsers) +
                            "dimension: {name: buyers, table: /b, key: event_id, "
                            "sequence_by: event_time, track: [revenue]}\n");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->dimension.name, "buyers");
  EXPECT_EQ(cfg->dimension.key, "event_id");
  EXPECT_EQ(cfg->dimension.track, std::vector<std::string>{"revenue"});
}

TEST(PipelineConfigTest, BadDimensionSectionsNameTheKey) {
  auto err = [](const std::string& dim) {
    Result<PipelineConfig> cfg = ParsePipelineConfig(std::string(kWithUsers) + dim + "\n");
    return cfg.ok() ? std::string("ok") : cfg.status().message();
  };
  EXPECT_NE(err("dimension: {key: user_id}").find("dimension.table: required"), std::string::npos);
  EXPECT_NE(err("dimension: {table: /tmp/events}").find("dimension.table: must differ"),
            std::string::npos);
  EXPECT_NE(err("dimension: {table: /d, key: nope}").find("dimension.key: 'nope'"),
            std::string::npos);
  EXPECT_NE(err("dimension: {table: /d, key: revenue}").find("dimension.key"), std::string::npos);
  EXPECT_NE(err("dimension: {table: /d, sequence_by: country}").find("dimension.sequence_by"),
            std::string::npos);
  EXPECT_NE(err("dimension: {table: /d, track: [country, city]}").find("dimension.track[1]"),
            std::string::npos);
  EXPECT_NE(err("dimension: {table: /d, track: [os, os]}").find("listed twice"), std::string::npos);
  EXPECT_NE(err("dimension: {table: /d, track: [user_id]}").find("the key or sequence"),
            std::string::npos);
  EXPECT_NE(err("dimension: {table: /d, tracked: [os]}").find("dimension.tracked: unknown key"),
            std::string::npos);
  EXPECT_NE(err("dimension: {table: /d, name: \"a b\"}").find("dimension.name"), std::string::npos);
}

}  // namespace
}  // namespace lakestream::stream
