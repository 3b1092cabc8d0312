// Catalog name rules: Unity Catalog's character set, lower-casing, and the names an attacker
// would try (.., /, quotes, SQL meta characters, control characters, unicode).
#include "catalog/names.h"

#include <gtest/gtest.h>

#include <vector>

namespace lakestream::catalog {
namespace {

TEST(NamesTest, AcceptsUnityCatalogNamesAndLowerCasesThem) {
  EXPECT_EQ(*NormalizeName("catalog", "clickstream"), "clickstream");
  EXPECT_EQ(*NormalizeName("schema", "Bronze_2024-x@corp"), "bronze_2024-x@corp");
  EXPECT_EQ(*NormalizeName("table", std::string(255, 'a')), std::string(255, 'a'));
}

TEST(NamesTest, RefusesEveryOtherCharacterWithAMessageNamingKindAndRule) {
  for (std::string bad : std::vector<std::string>{"..", "a/b", "a.b", "a b", "a'b", "a\"b", "x;DROP TABLE uc_tables",
                          "a\\b", "caf\xc3\xa9", std::string("a\x01") + "b", "a\x7f", "%",
                          "a*"}) {
    Result<std::string> r = NormalizeName("schema", bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_TRUE(r.status().IsInvalidArgument()) << bad;
    EXPECT_NE(r.status().message().find("schema name"), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find("only ASCII letters"), std::string::npos);
  }
  // Control characters are escaped in the message, never printed raw.
  Result<std::string> r = NormalizeName("table", std::string("t\x1b[2J"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("\\x1b"), std::string::npos) << r.status().message();
  EXPECT_EQ(r.status().message().find('\x1b'), std::string::npos);
}

TEST(NamesTest, RefusesEmptyAndTooLongNames) {
  EXPECT_TRUE(NormalizeName("catalog", "").status().IsInvalidArgument());
  Result<std::string> r = NormalizeName("catalog", std::string(256, 'a'));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("longer than 255"), std::string::npos);
}

TEST(NamesTest, ParsesThreeAndTwoPartNames) {
  Result<TableName> t = ParseTableName("Clickstream.Bronze.Events");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->catalog, "clickstream");
  EXPECT_EQ(t->schema, "bronze");
  EXPECT_EQ(t->table, "events");
  EXPECT_EQ(t->full(), "clickstream.bronze.events");
  Result<SchemaName> s = ParseSchemaName("c.s");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->full(), "c.s");
  EXPECT_TRUE(ParseTableName("a.b").status().IsInvalidArgument());
  EXPECT_TRUE(ParseTableName("a.b.c.d").status().IsInvalidArgument());
  EXPECT_TRUE(ParseTableName("a..c").status().IsInvalidArgument());
  EXPECT_TRUE(ParseSchemaName("a.b.c").status().IsInvalidArgument());
}

TEST(NamesTest, TellsNamesFromLocations) {
  EXPECT_TRUE(LooksLikeTableName("clickstream.bronze.events"));
  EXPECT_TRUE(LooksLikeTableName("a.b.c d"));  // a name, refused later with a clear message
  EXPECT_FALSE(LooksLikeTableName("/data/events"));
  EXPECT_FALSE(LooksLikeTableName("./a.b.c"));
  EXPECT_FALSE(LooksLikeTableName("events"));
  EXPECT_FALSE(LooksLikeTableName("a.b"));
  EXPECT_FALSE(LooksLikeTableName("a..b"));
  EXPECT_FALSE(LooksLikeTableName("az://acct/container/events"));
  EXPECT_FALSE(LooksLikeTableName("c:.b.c"));
}

}  // namespace
}  // namespace lakestream::catalog
