#include "delta/table_identity.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace lakestream::delta {
namespace {

namespace fs = std::filesystem;

// A temporary directory on local disk (identity is about real paths: ".", "..", symlinks).
class TableIdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/lakestream_identity_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A minimal one-commit table with table id `id`.
  void MakeTable(const std::string& path, const std::string& id) {
    fs::create_directories(path + "/_delta_log");
    std::ofstream(path + "/_delta_log/00000000000000000000.json")
        << R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})" << "\n"
        << R"({"metaData":{"id":")" << id
        << R"(","format":{"provider":"parquet","options":{}},"schemaString":"{\"type\":\"struct\",\"fields\":[{\"name\":\"a\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]}","partitionColumns":[],"configuration":{},"createdTime":1})"
        << "}\n";
  }

  std::string dir_;
};

TEST_F(TableIdentityTest, EverySpellingOfOneLocationIsOneKey) {
  const std::string t = dir_ + "/live";
  MakeTable(t, "id-1");
  fs::create_directory_symlink(t, dir_ + "/link");
  const std::string cwd = fs::current_path();
  ASSERT_EQ(chdir(dir_.c_str()), 0);
  std::vector<std::string> spellings = {"live", "./live", "live/", "./live/../live",
                                        t, "file://" + t, "file:" + t, "file://localhost" + t,
                                        dir_ + "/link"};
  for (const auto& s : spellings) {
    Result<std::string> k = TableLocationKey(s);
    ASSERT_TRUE(k.ok()) << s << ": " << k.status().ToString();
    EXPECT_EQ(*k, fs::canonical(t).string()) << s;
    Status st = RequireDistinctTables("archive", "live", "live", "archive", s);
    EXPECT_TRUE(st.IsInvalidArgument()) << s << ": " << st.ToString();
    EXPECT_NE(st.message().find("they must differ"), std::string::npos) << st.ToString();
  }
  // Not yet created: the lexical form still matches.
  EXPECT_TRUE(RequireDistinctTables("x", "a", "new", "b", "./new/").IsInvalidArgument());
  EXPECT_TRUE(RequireDistinctTables("x", "a", "new", "b", "new2").ok());
  ASSERT_EQ(chdir(cwd.c_str()), 0);
}

TEST_F(TableIdentityTest, ACopyWithTheSameTableIdIsTheSameTable) {
  MakeTable(dir_ + "/live", "id-1");
  fs::copy(dir_ + "/live", dir_ + "/copy", fs::copy_options::recursive);
  MakeTable(dir_ + "/other", "id-2");
  Status st = RequireDistinctTables("merge", "target", dir_ + "/live", "source", dir_ + "/copy");
  EXPECT_TRUE(st.IsInvalidArgument()) << st.ToString();
  EXPECT_NE(st.message().find("table id id-1"), std::string::npos) << st.ToString();
  EXPECT_TRUE(RequireDistinctTables("merge", "target", dir_ + "/live", "source", dir_ + "/other").ok());
  // An archive table that does not exist yet is distinct.
  EXPECT_TRUE(RequireDistinctTables("archive", "live", dir_ + "/live", "archive", dir_ + "/arch").ok());
}

TEST_F(TableIdentityTest, AFileUriWithAHostIsRefusedNotMadeRelative) {
  Result<std::string> k = TableLocationKey("file://tmp/x");
  ASSERT_FALSE(k.ok());
  EXPECT_TRUE(k.status().IsInvalidArgument()) << k.status().ToString();
  EXPECT_NE(k.status().message().find("host 'tmp'"), std::string::npos) << k.status().ToString();
  EXPECT_EQ(*TableLocationKey("file:///tmp/x"), fs::weakly_canonical("/tmp/x").string());
}

}  // namespace
}  // namespace lakestream::delta
