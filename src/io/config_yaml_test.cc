#include "io/config_yaml.h"

#include <gtest/gtest.h>

namespace lakestream::io {
namespace {

class ConfigYamlTest : public ::testing::Test {
 protected:
  ConfigReader reader_{"serve config"};
};

TEST_F(ConfigYamlTest, UnknownKeysNameThePathAndTheClosestKey) {
  Result<YAML::Node> n = LoadYaml("jobs: [{type: vacuum, tabel: /t}]", "serve config");
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  Status st = reader_.CheckKeys((*n)["jobs"][0], ConfigIndex("jobs", 0), {"type", "table"});
  EXPECT_TRUE(st.IsInvalidArgument());
  EXPECT_EQ(st.message(), "serve config: jobs[0].tabel: unknown key (did you mean 'table'?)");
  st = reader_.CheckKeys((*n)["jobs"][0], "jobs[0]", {"type", "archive_table_name"});
  EXPECT_NE(st.message().find("expected one of: type, archive_table_name"), std::string::npos)
      << st.message();
  EXPECT_NE(reader_.CheckKeys((*n)["jobs"], "jobs", {}).message().find("jobs: expected a mapping"),
            std::string::npos);
}

TEST_F(ConfigYamlTest, ScalarsUseTheOneParserOfEachKind) {
  Result<YAML::Node> n =
      LoadYaml("{d: 90s, s: 64MB, i: 12, b: yes, x: 1 hour, l: [a, b], f: 0.5}", "config");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*reader_.DurationMs((*n)["d"], "d"), 90000);
  EXPECT_EQ(*reader_.DurationMicros((*n)["d"], "d"), 90000000);
  EXPECT_EQ(*reader_.Size((*n)["s"], "s"), 64LL << 20);
  EXPECT_EQ(*reader_.Int((*n)["i"], "i"), 12);
  EXPECT_TRUE(*reader_.Bool((*n)["b"], "b"));
  EXPECT_DOUBLE_EQ(*reader_.Double((*n)["f"], "f"), 0.5);
  EXPECT_EQ(reader_.StringList((*n)["l"], "l")->size(), 2u);
  EXPECT_EQ(reader_.StringList((*n)["i"], "i", true)->at(0), "12");
  Result<int64_t> bad = reader_.DurationMs((*n)["x"], "stream.lag_interval");
  EXPECT_TRUE(bad.status().IsInvalidArgument());
  EXPECT_EQ(bad.status().message().rfind("serve config: stream.lag_interval: '1 hour'", 0), 0u)
      << bad.status().message();
  EXPECT_TRUE(reader_.Int((*n)["b"], "b").status().IsInvalidArgument());
  EXPECT_TRUE(reader_.String((*n)["l"], "l").status().IsInvalidArgument());
}

TEST_F(ConfigYamlTest, SyntaxErrorsDuplicatesAndDepthAreReportedWithTheLine) {
  Result<YAML::Node> dup = LoadYaml("a: 1\nb: 2\na: 3\n", "config");
  EXPECT_EQ(dup.status().message(), "config: line 3: duplicate key 'a'");
  Result<YAML::Node> syntax = LoadYaml("a: [1, 2\n", "config");
  EXPECT_TRUE(syntax.status().IsInvalidArgument());
  EXPECT_EQ(syntax.status().message().rfind("config: line ", 0), 0u) << syntax.status().message();
  EXPECT_NE(syntax.status().message().find(", column "), std::string::npos);
  EXPECT_NE(syntax.status().message().find(": not valid YAML: "), std::string::npos);
  std::string deep(5000, '[');
  Result<YAML::Node> d = LoadYaml(deep, "config");
  EXPECT_NE(d.status().message().find("nested deeper than"), std::string::npos)
      << d.status().message();
}

TEST_F(ConfigYamlTest, JsonFilesAreReadByTheSameCode) {
  Result<YAML::Node> n = LoadYaml(R"({"metadata_store": "sqlite:/m.db", "sources": ["a"]})",
                                  "refresh config");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*reader_.String((*n)["metadata_store"], "metadata_store"), "sqlite:/m.db");
}

TEST_F(ConfigYamlTest, ConfigFilesAreReadThroughTheFileSystem) {
  std::shared_ptr<FileSystem> fs = NewMemoryFileSystem();
  ASSERT_TRUE(fs->WriteFile("/etc/serve.yaml", "state_dir: /s\n").ok());
  EXPECT_EQ(*ReadConfigFile(fs.get(), "/etc/serve.yaml"), "state_dir: /s\n");
  Result<std::string> missing = ReadConfigFile(fs.get(), "/etc/nope.yaml");
  EXPECT_TRUE(missing.status().IsNotFound());
  EXPECT_NE(missing.status().message().find("/etc/nope.yaml"), std::string::npos);
  EXPECT_TRUE(ReadConfigFile(nullptr, "/nonexistent/serve.yaml").status().IsNotFound());
}

}  // namespace
}  // namespace lakestream::io
