// The refresh API's config file.
#include "refresh/refresh_config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace lakestream::refresh {
namespace {

std::string Write(const std::string& name, const std::string& text) {
  std::string path = "/tmp/ls_refresh_cfg_" + std::to_string(getpid()) + "_" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(RefreshConfigTest, ReadsFieldsAndTheTokenFromTheEnvironment) {
  setenv("MY_TOKEN", "s3cret", 1);
  std::string flows = Write("flows.json", R"({"dataflows": [{"name": "g", "source": "a",
      "target": "b"}]})");
  std::string path = Write("ok.json", R"({"metadata_store": "sqlite:/tmp/m.db",
      "dashboard_table": "/lake/gold", "sources": ["orders"], "stale_after_minutes": 45,
      "api_token_env": "MY_TOKEN", "dataflows": ")" +
                                          flows + "\"}");
  auto c = LoadRefreshServeConfig(path);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->metadata_store, "sqlite:/tmp/m.db");
  EXPECT_EQ(c->api_token, "s3cret");
  EXPECT_EQ(c->service.stale_after_ms, 45 * 60 * 1000);
  EXPECT_EQ(c->service.sources, std::vector<std::string>{"orders"});
  ASSERT_EQ(c->service.dataflows.size(), 1u);
  EXPECT_EQ(c->service.dashboard_table, "/lake/gold");
}

TEST(RefreshConfigTest, ErrorsNameTheField) {
  unsetenv("UNSET_TOKEN_VAR");
  auto c = LoadRefreshServeConfig(Write("a.json", R"({"metadata_store": "x",
      "dashboard_table": "t", "api_token_env": "UNSET_TOKEN_VAR"})"));
  EXPECT_NE(c.status().message().find("UNSET_TOKEN_VAR is not set"), std::string::npos);
  c = LoadRefreshServeConfig(Write("b.json", R"({"dashboard_table": "t"})"));
  EXPECT_NE(c.status().message().find("metadata_store is required"), std::string::npos);
  c = LoadRefreshServeConfig(Write("c.json", R"({"metadata_store": "x", "dashboard_table": "t",
      "stale_after_minutes": -1})"));
  EXPECT_NE(c.status().message().find("stale_after_minutes"), std::string::npos);
  EXPECT_TRUE(LoadRefreshServeConfig("/nonexistent/x.json").status().IsNotFound());
}

TEST(RefreshConfigTest, YamlWithTheOneDurationSyntaxAndUnknownKeysRejected) {
  setenv("MY_TOKEN", "s3cret", 1);
  auto c = LoadRefreshServeConfig(Write("ok.yaml", "metadata_store: sqlite:/tmp/m.db\n"
                                                   "dashboard_table: /lake/gold\n"
                                                   "stale_after: 2h\nschedule_check: 10s\n"
                                                   "api_token_env: MY_TOKEN\n"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->service.stale_after_ms, 2 * 3600 * 1000);
  EXPECT_EQ(c->schedule_check_ms, 10000);
  std::string typo = Write("typo.yaml", "metadata_store: x\ndashboard_table: t\n"
                                        "stale_afterr: 2h\napi_token_env: MY_TOKEN\n");
  c = LoadRefreshServeConfig(typo);
  EXPECT_TRUE(c.status().IsInvalidArgument());
  EXPECT_NE(c.status().message().find(typo + ": refresh config: stale_afterr: unknown key (did "
                                      "you mean 'stale_after'?)"),
            std::string::npos)
      << c.status().ToString();
  c = LoadRefreshServeConfig(Write("dur.yaml", "metadata_store: x\ndashboard_table: t\n"
                                               "stale_after: 30\napi_token_env: MY_TOKEN\n"));
  EXPECT_NE(c.status().message().find("stale_after: '30' is not a duration"), std::string::npos)
      << c.status().ToString();
}

}  // namespace
}  // namespace lakestream::refresh
