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

}  // namespace
}  // namespace lakestream::refresh
