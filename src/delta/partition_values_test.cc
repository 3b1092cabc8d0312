#include "delta/partition_values.h"

#include <gtest/gtest.h>

#include "delta/uri.h"

namespace lakestream::delta {
namespace {

StructField Field(const std::string& type) {
  auto t = ParseTypeJson("\"" + type + "\"");
  EXPECT_TRUE(t.ok()) << type;
  return StructField{"c", t.ok() ? *t : DeltaType{}, true, "{}"};
}

std::string Json(const std::string& type, std::optional<std::string> text) {
  auto r = PartitionValueJson(Field(type), text);
  return r.ok() ? *r : r.status().ToString();
}

TEST(PartitionValuesTest, EveryPrimitiveTypePrintsLikeData) {
  EXPECT_EQ(Json("string", "a b"), R"j("a b")j");
  EXPECT_EQ(Json("long", "-9223372036854775808"), "-9223372036854775808");
  EXPECT_EQ(Json("integer", "42"), "42");
  EXPECT_EQ(Json("short", "-7"), "-7");
  EXPECT_EQ(Json("byte", "127"), "127");
  EXPECT_EQ(Json("double", "1.5"), "1.5");
  EXPECT_EQ(Json("float", "NaN"), R"j("NaN")j");
  EXPECT_EQ(Json("boolean", "true"), "true");
  EXPECT_EQ(Json("date", "2021-02-03"), R"j("2021-02-03")j");
  EXPECT_EQ(Json("timestamp", "2021-02-03 04:05:06.123456"), R"j("2021-02-03T04:05:06.123456Z")j");
  EXPECT_EQ(Json("timestamp", "1970-01-01T00:00:01.5Z"), R"j("1970-01-01T00:00:01.500000Z")j");
  EXPECT_EQ(Json("timestamp_ntz", "2021-02-03 04:05:06"), R"j("2021-02-03T04:05:06.000000Z")j");
  EXPECT_EQ(Json("decimal(5,2)", "-1.5"), R"j("-1.50")j");
  EXPECT_EQ(Json("decimal(18,3)", "123456789012345.678"), R"j("123456789012345.678")j");
  EXPECT_EQ(Json("decimal(38,2)", "-12345678901234567890123.45"),
            R"j("-12345678901234567890123.45")j");
}

TEST(PartitionValuesTest, EmptyAndMissingAreNull) {
  EXPECT_EQ(Json("string", ""), "null");
  EXPECT_EQ(Json("integer", std::nullopt), "null");
  EXPECT_EQ(Json("date", ""), "null");
}

TEST(PartitionValuesTest, BadValuesAreCorruptionNamingTheColumn) {
  auto r = PartitionValueJson(Field("integer"), std::string("abc"));
  ASSERT_TRUE(r.status().IsCorruption());
  EXPECT_EQ(r.status().message(), "delta: partition column c: \"abc\" is not an integer");
  EXPECT_TRUE(PartitionValueJson(Field("byte"), std::string("300")).status().IsCorruption());
  EXPECT_TRUE(
      PartitionValueJson(Field("decimal(5,1)"), std::string("1.25")).status().IsCorruption());
  EXPECT_TRUE(PartitionValueJson(Field("date"), std::string("2021-13-01")).status().IsCorruption());
}

TEST(PartitionValuesTest, PathsAreUriDecodedOnlyWhenResolved) {
  EXPECT_EQ(*DecodeUriPath("x=A%2FA/a%20b.parquet"), "x=A/A/a b.parquet");
  EXPECT_TRUE(DecodeUriPath("bad%2").status().IsCorruption());
  EXPECT_TRUE(DecodeUriPath("bad%zz").status().IsCorruption());
  EXPECT_EQ(EncodeUriPath("x=A/A/a b.parquet"), "x=A/A/a%20b.parquet");
  EXPECT_EQ(*ResolveDataPath("/t", "p=1/f%25.parquet"), "/t/p=1/f%.parquet");
  EXPECT_EQ(*ResolveDataPath("/t", "file:///abs/f.parquet"), "/abs/f.parquet");
  EXPECT_TRUE(ResolveDataPath("/t", "s3://bucket/f.parquet").status().IsNotSupported());
  EXPECT_EQ(*NormalizeTableRoot("file:///data/t/"), "/data/t");
  EXPECT_TRUE(NormalizeTableRoot("s3://bucket/t").status().IsNotSupported());
}

TEST(PartitionValuesTest, AzureTableRootsAreCanonicalAndDataPathsJoinThem) {
  EXPECT_EQ(*NormalizeTableRoot("abfss://c1@acct.dfs.core.windows.net/t/"), "az://acct/c1/t");
  EXPECT_EQ(*NormalizeTableRoot("az://acct/c1/t"), "az://acct/c1/t");
  EXPECT_TRUE(
      NormalizeTableRoot("abfss://acct.dfs.core.windows.net/t").status().IsInvalidArgument());
  EXPECT_EQ(*ResolveDataPath("az://acct/c1/t", "d=A%2FB/f%20x.parquet"),
            "az://acct/c1/t/d=A/B/f x.parquet");
  EXPECT_EQ(*ResolveDataPath("az://acct/c1/t",
                             "abfss://c1@acct.dfs.core.windows.net/other/f%20x.parquet"),
            "az://acct/c1/other/f x.parquet");
}

}  // namespace
}  // namespace lakestream::delta
