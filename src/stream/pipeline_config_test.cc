#include "stream/pipeline_config.h"
#include "stream/txn_app_id.h"

#include "common/config_values.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace lakestream::stream {
namespace {

constexpr const char* kMinimal = R"(
source: {topic: clicks, brokers: "127.0.0.1:9092"}
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
  EXPECT_FALSE(cfg->source.uses_embedded_broker());
  EXPECT_EQ(cfg->source.brokers, "127.0.0.1:9092");
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
  // A key given twice is an error, not a silent pick of one of the values.
  ExpectError(base + "available_now: true\navailable_now: false\n",
              "line 9: duplicate key 'available_now'");
  ExpectError(base + "trigger: {interval: 1s, interval: 2s}\n", "duplicate key 'interval'");
  // Deep nesting (flow and block) is named as such, not "bad file", and does not crash.
  ExpectError(base + "x: " + std::string(5000, '[') + std::string(5000, ']') + "\n",
              "nested deeper than");
  std::string block = base + "x:\n";
  for (int i = 0; i < 3000; ++i) block += std::string(i + 1, ' ') + "k:\n";
  ExpectError(block, "nested deeper than");
  ExpectError(R"(
source: {topic: clicks, brokers: "127.0.0.1:9092"}
target: {table: /tmp/events}
columns: [{name: a, type: decimal128}]
dedup: {key: ""}
)",
              "columns[0].type: unknown type 'decimal128'");
  ExpectError(R"(
source: {topic: clicks, brokers: "127.0.0.1:9092"}
target: {table: /tmp/events}
columns: [{name: a, type: string}, {name: a, type: int64}]
dedup: {key: ""}
)",
              "columns[1].name: duplicate column 'a'");
  ExpectError("target: {table: /x}\ncolumns: []\n", "source: required");
  ExpectError(R"(
source: {topic: clicks, brokers: "127.0.0.1:9092"}
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

constexpr const char* kTargetAndColumns = R"(
target: {table: /tmp/events}
columns: [{name: event_id, type: string}, {name: event_time, type: timestamp}]
)";

TEST(PipelineConfigTest, ASourceWithoutBrokersIsAnErrorSayingWhatToAdd) {
  // The mock broker is never a silent default.
  Result<PipelineConfig> cfg =
      ParsePipelineConfig(std::string("source: {topic: clicks}") + kTargetAndColumns);
  ASSERT_FALSE(cfg.ok());
  EXPECT_TRUE(cfg.status().IsInvalidArgument());
  const std::string& m = cfg.status().message();
  EXPECT_NE(m.find("config: source: names no Kafka brokers"), std::string::npos) << m;
  EXPECT_NE(m.find("brokers: host:port"), std::string::npos) << m;
  EXPECT_NE(m.find("event_hubs:"), std::string::npos) << m;
  EXPECT_NE(m.find("embedded: true"), std::string::npos) << m;
  // `embedded: false` says the same as nothing.
  ExpectError(std::string("source: {topic: clicks, embedded: false}") + kTargetAndColumns,
              "names no Kafka brokers");
}

TEST(PipelineConfigTest, EmbeddedTrueSelectsTheMockBrokerAndExcludesRealOnes) {
  Result<PipelineConfig> cfg =
      ParsePipelineConfig(std::string("source: {topic: clicks, embedded: true}") +
                          kTargetAndColumns);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_TRUE(cfg->source.uses_embedded_broker());
  ExpectError(std::string("source: {topic: c, embedded: true, brokers: b:1}") + kTargetAndColumns,
              "source.embedded: true is not allowed together with source.brokers");
  ExpectError(std::string("source: {topic: c, embedded: true, event_hubs: "
                          "{connection_string_env: X}}") +
                  kTargetAndColumns,
              "source.embedded");
  ExpectError(std::string("source: {topic: c, embedded: yes please}") + kTargetAndColumns,
              "source.embedded: 'yes please' is not true or false");
}

TEST(PipelineConfigTest, BrokersMayComeFromEventHubsOrBootstrapServers) {
  Result<PipelineConfig> eh = ParsePipelineConfig(
      std::string("source: {topic: c, event_hubs: {connection_string_env: EH}}") +
      kTargetAndColumns);
  ASSERT_TRUE(eh.ok()) << eh.status().ToString();
  EXPECT_FALSE(eh->source.uses_embedded_broker());
  Result<PipelineConfig> props = ParsePipelineConfig(
      std::string("source: {topic: c, properties: {bootstrap.servers: \"k:9092\"}}") +
      kTargetAndColumns);
  ASSERT_TRUE(props.ok()) << props.status().ToString();
  EXPECT_FALSE(props->source.uses_embedded_broker());
}

TEST(PipelineConfigTest, LoadNamesTheFileOfASourceWithoutBrokers) {
  const std::string path = ::testing::TempDir() + "/no_brokers_" +
                           std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                           ".yaml";
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::string text = std::string("source: {topic: clicks}") + kTargetAndColumns;
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }
  Result<PipelineConfig> cfg = LoadPipelineConfig(path);
  std::remove(path.c_str());
  ASSERT_FALSE(cfg.ok());
  EXPECT_TRUE(cfg.status().IsInvalidArgument());
  EXPECT_NE(cfg.status().message().find(path), std::string::npos) << cfg.status().ToString();
  EXPECT_NE(cfg.status().message().find("names no Kafka brokers"), std::string::npos);
}

TEST(PipelineConfigTest, DurationsAndSizes) {
  // The one parser of each kind (common/config_values.h).
  EXPECT_EQ(*ParseDurationMicros("250ms"), 250000);
  EXPECT_EQ(*ParseDurationMicros("7d"), 7LL * 86400 * 1000000);
  EXPECT_FALSE(ParseDurationMicros("10").ok());
  EXPECT_FALSE(ParseDurationMicros("-1s").ok());
  EXPECT_EQ(*ParseByteSize("1024"), 1024);
  EXPECT_EQ(*ParseByteSize("128MB"), 128LL << 20);
  EXPECT_EQ(*ParseByteSize("1GiB"), 1LL << 30);
  EXPECT_FALSE(ParseByteSize("1TB").ok());
  EXPECT_EQ(LegacyTxnAppId("clickstream", "clicks", 3), "clickstream-clicks-3");
}

TEST(PipelineConfigTest, CloseTimeoutBoundsLeavingTheGroup) {
  Result<PipelineConfig> cfg = ParsePipelineConfig(kMinimal);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->source.close_timeout_ms, 10000);
  std::string yaml = kMinimal;
  yaml.replace(yaml.find("brokers:"), 0, "close_timeout: 2500ms, ");
  cfg = ParsePipelineConfig(yaml);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->source.close_timeout_ms, 2500);
  yaml = kMinimal;
  yaml.replace(yaml.find("brokers:"), 0, "close_timeout: soon, ");
  cfg = ParsePipelineConfig(yaml);
  ASSERT_FALSE(cfg.ok());
  EXPECT_NE(cfg.status().ToString().find("source.close_timeout"), std::string::npos)
      << cfg.status().ToString();
}

constexpr const char* kWithUsers = R"(
source: {topic: clicks, brokers: "127.0.0.1:9092"}
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
