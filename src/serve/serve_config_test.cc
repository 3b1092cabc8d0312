#include "serve/serve_config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace lakestream::serve {
namespace {

TEST(ServeConfigTest, ParsesJobsSchedulesNotifyAndRestartPolicy) {
  auto c = ParseServeConfig(R"(
state_dir: /tmp/s
http: 127.0.0.1:0
log: {format: json, level: warn}
stream: {restart: {initial_backoff: 2s, max_backoff: 1m, jitter: 0.1}, max_commit_age: 5m}
run_log: {keep: 7d}
jobs:
  - {name: v, type: vacuum, table: /t, daily_at: "02:30", retention: 168h}
  - {type: checkpoint, table: /t, every: 1h, run_at_start: true}
notify:
  min_interval: 10m
  email: {smtp_url: "smtp://127.0.0.1:2525", from: a@x, to: b@x}
  webhook: {url: "http://127.0.0.1:1/hook"}
)",
                            "");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->log_format, LogFormat::kJson);
  EXPECT_EQ(c->log_level, LogLevel::kWarn);
  EXPECT_EQ(c->restart.initial_backoff_ms, 2000);
  EXPECT_EQ(c->restart.max_backoff_ms, 60000);
  EXPECT_EQ(c->max_commit_age_ms, 300000);
  EXPECT_EQ(c->run_log_keep_ms, 7 * 86400000LL);
  ASSERT_EQ(c->jobs.size(), 2u);
  EXPECT_EQ(c->jobs[0].schedule.kind, Schedule::Kind::kDaily);
  EXPECT_EQ(c->jobs[0].schedule.daily_at_ms, (2 * 60 + 30) * 60000);
  EXPECT_EQ(c->jobs[0].retention_ms, 168 * 3600000LL);
  EXPECT_EQ(c->jobs[1].name, "checkpoint:/t");
  EXPECT_TRUE(c->jobs[1].schedule.run_at_start);
  EXPECT_EQ(c->notify.min_interval_ms, 600000);
  ASSERT_TRUE(c->notify.email.has_value());
  EXPECT_EQ(c->notify.email->to, std::vector<std::string>{"b@x"});
  ASSERT_TRUE(c->notify.webhook.has_value());
}

TEST(ServeConfigTest, ErrorsNameTheKey) {
  auto expect = [](const std::string& yaml, const std::string& key) {
    auto c = ParseServeConfig(yaml, "");
    ASSERT_FALSE(c.ok()) << yaml;
    EXPECT_NE(c.status().message().find(key), std::string::npos) << c.status().ToString();
  };
  expect("http: x\n", "state_dir");
  expect("state_dir: /s\nbogus: 1\n", "bogus");
  expect("state_dir: /s\nstate_dir: /t\n", "serve config: line 2: duplicate key 'state_dir'");
  std::string deep = "state_dir: ";
  for (int i = 0; i < 5000; ++i) deep += "{a: ";
  deep += "1" + std::string(5000, '}') + "\n";
  expect(deep, "nested deeper than");
  expect("state_dir: /s\njobs: [{type: vacuum, table: /t}]\n", "jobs[0]");
  expect("state_dir: /s\njobs: [{type: zap, table: /t, every: 1h}]\n", "jobs[0].type");
  expect("state_dir: /s\njobs: [{type: vacuum, table: /t, daily_at: '25:00'}]\n",
         "jobs[0].daily_at");
  expect("state_dir: /s\njobs: [{type: vacuum, table: /t, every: 1 hour}]\n", "jobs[0].every");
  expect("state_dir: /s\nstream: {restart: {jitter: 2}}\n", "stream.restart.jitter");
  expect("state_dir: /s\nnotify: {email: {smtp_url: x, from: a}}\n", "notify.email.to");
  expect(
      "state_dir: /s\nnotify: {email: {smtp_url: x, from: a, to: b, password_env: "
      "LAKESTREAM_NO_SUCH_VAR}}\n",
      "LAKESTREAM_NO_SUCH_VAR");
}

TEST(ServeConfigTest, JobsTakeTheOneScheduleSyntaxAndTheOlderKeys) {
  auto c = ParseServeConfig(R"(state_dir: /s
refresh: refresh.yaml
jobs:
  - {name: a, type: vacuum, table: /t, schedule: "daily 02:30"}
  - {name: b, type: checkpoint, table: /t, schedule: "every 15m", run_at_start: true}
  - {name: c, type: checkpoint, table: /t, schedule: "hourly :15"}
  - {name: d, type: vacuum, table: /t, daily_at: "02:30"}
)",
                            "/etc/lakestream");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->refresh, "/etc/lakestream/refresh.yaml");
  EXPECT_EQ(c->jobs[0].schedule.kind, Schedule::Kind::kDaily);
  EXPECT_EQ(c->jobs[0].schedule.daily_at_ms, c->jobs[3].schedule.daily_at_ms);
  EXPECT_EQ(c->jobs[1].schedule.interval_ms, 15 * 60000);
  EXPECT_TRUE(c->jobs[1].schedule.aligned);
  EXPECT_TRUE(c->jobs[1].schedule.run_at_start);
  EXPECT_EQ(c->jobs[2].schedule.kind, Schedule::Kind::kHourly);

  auto err = [](const std::string& yaml) {
    auto r = ParseServeConfig("state_dir: /s\n" + yaml, "");
    return r.ok() ? std::string("ok") : r.status().message();
  };
  EXPECT_NE(err("jobs: [{type: vacuum, table: /t, schedule: weekly}]")
                .find("jobs[0].schedule: schedule \"weekly\": expected \"daily HH:MM\""),
            std::string::npos);
  EXPECT_NE(err("jobs: [{type: vacuum, table: /t, schedule: manual}]").find("never runs"),
            std::string::npos);
  EXPECT_NE(err("jobs: [{type: vacuum, table: /t, schedule: daily 02:00, every: 1h}]")
                .find("jobs[0]: give exactly one of schedule"),
            std::string::npos);
  EXPECT_NE(err("jobs: [{type: vacuum, table: /t, daily_at: '02:00', run_at_start: true}]")
                .find("jobs[0].run_at_start: only for interval schedules"),
            std::string::npos);
  EXPECT_NE(err("jobs: [{type: vacuum, tabel: /t, every: 1h}]")
                .find("jobs[0].tabel: unknown key (did you mean 'table'?)"),
            std::string::npos);
  EXPECT_NE(err("refresh: ''").find("refresh: must name the refresh config file"),
            std::string::npos);
}

TEST(ServeConfigTest, CollectNamesTheCollectorConfigRelativeToTheFile) {
  auto c = ParseServeConfig("state_dir: /s\ncollect: collect.yaml\n", "/etc/lakestream");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->collect, "/etc/lakestream/collect.yaml");
  auto empty = ParseServeConfig("state_dir: /s\ncollect: ''\n", "");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("collect: must name"), std::string::npos);
}

TEST(ServeConfigTest, SchedulesFindTheNextSlot) {
  Schedule daily;
  daily.kind = Schedule::Kind::kDaily;
  daily.daily_at_ms = 3 * 3600000;  // 03:00 UTC
  const int64_t day = 86400000;
  const int64_t midnight = 20000 * day;
  EXPECT_EQ(daily.NextAfter(midnight), midnight + 3 * 3600000);
  EXPECT_EQ(daily.NextAfter(midnight + 3 * 3600000), midnight + day + 3 * 3600000);
  EXPECT_EQ(daily.NextAfter(midnight + 5 * 3600000), midnight + day + 3 * 3600000);
  Schedule every;
  every.interval_ms = 60000;
  EXPECT_EQ(every.NextAfter(1000), 61000);
  EXPECT_EQ(daily.ToString(), "daily at 03:00 UTC");
}

TEST(ServeConfigTest, TheShippedExampleConfigLoads) {
  auto c = LoadServeConfig(std::string(LAKESTREAM_SOURCE_DIR) + "/deploy/serve-clickstream.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_TRUE(c->pipeline.has_value());
  EXPECT_EQ(c->pipeline->pipeline_id, "clickstream");
  ASSERT_EQ(c->jobs.size(), 5u);
  EXPECT_EQ(c->jobs[1].type, "optimize");
  EXPECT_EQ(c->jobs[1].target_file_size, 512LL << 20);
  EXPECT_EQ(c->jobs[2].type, "archive");
  EXPECT_EQ(c->jobs[2].older_than_ms, 365LL * 86400000);
  EXPECT_EQ(c->jobs[2].archive_table, "/tmp/lakestream/archive/events");
}

// A pipeline config file beside the serve config (removed by the caller).
std::string WritePipeline(const std::string& dir, const std::string& source) {
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/pipeline.yaml";
  std::FILE* f = std::fopen(path.c_str(), "w");
  EXPECT_NE(f, nullptr);
  const std::string text = "source: " + source +
                           "\ntarget: {table: /tmp/e}\ncolumns: [{name: event_id, type: string}, "
                           "{name: event_time, type: timestamp}]\n";
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
  return path;
}

TEST(ServeConfigTest, AnEmbeddedSourceIsRefused) {
  const std::string dir = ::testing::TempDir() + "/serve_embedded_" +
                          std::to_string(::testing::UnitTest::GetInstance()->random_seed());
  const std::string path = WritePipeline(dir, "{topic: clicks, embedded: true}");
  auto c = ParseServeConfig("pipeline: pipeline.yaml\nstate_dir: /tmp/s\n", dir);
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.status().IsInvalidArgument());
  const std::string& m = c.status().message();
  EXPECT_NE(m.find(path), std::string::npos) << m;
  EXPECT_NE(m.find("source.embedded: serve does not run the embedded mock broker"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("source.brokers"), std::string::npos) << m;
  // The same pipeline with brokers is fine.
  WritePipeline(dir, "{topic: clicks, brokers: \"127.0.0.1:9092\"}");
  auto ok = ParseServeConfig("pipeline: pipeline.yaml\nstate_dir: /tmp/s\n", dir);
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
  std::filesystem::remove_all(dir);
}

TEST(ServeConfigTest, StreamGenerateIsRefusedWithWhatToDoInstead) {
  auto c = ParseServeConfig("state_dir: /tmp/s\nstream: {generate: 5000}\n", "");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("stream.generate"), std::string::npos)
      << c.status().ToString();
  EXPECT_NE(c.status().message().find("lakestream generate --topic"), std::string::npos)
      << c.status().ToString();
}

TEST(ServeConfigTest, SecretsNamedByEnvComeThroughTheCredentialsResolver) {
  const std::string yaml =
      "state_dir: /s\nnotify: {email: {smtp_url: x, from: a, to: b, password_env: "
      "LAKESTREAM_TEST_SMTP_PW}, webhook: {url_env: LAKESTREAM_TEST_HOOK}}\n";
  ::setenv("LAKESTREAM_TEST_SMTP_PW", "pw-from-env", 1);
  ::setenv("LAKESTREAM_TEST_HOOK", "https://hooks.example/T0/B0/secret-path", 1);
  auto c = ParseServeConfig(yaml, "");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->notify.email->password, "pw-from-env");
  EXPECT_EQ(c->notify.webhook->url, "https://hooks.example/T0/B0/secret-path");
  ::unsetenv("LAKESTREAM_TEST_HOOK");
  c = ParseServeConfig(yaml, "");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find(
                "notify.webhook.url_env: the url: environment variable LAKESTREAM_TEST_HOOK is "
                "not set"),
            std::string::npos)
      << c.status().ToString();
  ::unsetenv("LAKESTREAM_TEST_SMTP_PW");
  c = ParseServeConfig("state_dir: /s\nnotify: {webhook: {url: a, url_env: B}}\n", "");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("exactly one of url and url_env"), std::string::npos)
      << c.status().ToString();
}

}  // namespace
}  // namespace lakestream::serve
