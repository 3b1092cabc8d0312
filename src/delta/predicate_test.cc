#include "delta/predicate.h"

#include <gtest/gtest.h>

#include "delta/write_test_util.h"

namespace lakestream::delta {
namespace {

using testing::EventRow;
using testing::EventSchema;

BoundPredicate MustBind(const std::string& text, std::vector<std::string> parts = {"country"}) {
  auto e = ParsePredicate(text);
  EXPECT_TRUE(e.ok()) << e.status().ToString();
  auto p = BoundPredicate::Bind(*e, EventSchema(), parts);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return *p;
}

TEST(PredicateTest, ParsesTheGrammar) {
  auto e = ParsePredicate(
      "event_date >= '2026-01-01' AND (country = 'DE' OR country IN ('FR', 'it''s')) "
      "AND amount IS NOT NULL AND id NOT IN (1, 2) AND ts < '2026-01-01T00:00:00Z'");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->ToString(),
            "(event_date >= '2026-01-01' AND (country = 'DE' OR country IN ('FR', 'it''s')) AND "
            "amount IS NOT NULL AND id NOT IN (1, 2) AND ts < '2026-01-01T00:00:00Z')");
  EXPECT_FALSE(ParsePredicate("a = ").ok());
  EXPECT_FALSE(ParsePredicate("a = 'x").ok());
  EXPECT_FALSE(ParsePredicate("(a = 1").ok());
  EXPECT_FALSE(BoundPredicate::Bind(*ParsePredicate("nope = 1"), EventSchema(), {}).ok());
  EXPECT_FALSE(BoundPredicate::Bind(*ParsePredicate("id = 'x'"), EventSchema(), {}).ok());
}

// Untrusted --where text: deep nesting is a clear error at the limit, never a stack overflow.
TEST(PredicateTest, BoundsNestingDepth) {
  auto nested = [](int depth, const std::string& inner) {
    return std::string(depth, '(') + inner + std::string(depth, ')');
  };
  auto ok = ParsePredicate(nested(kMaxPredicateDepth, "a = 1"));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->ToString(), "a = 1");
  // Alternating AND/OR nesting builds a deep tree, not just redundant parentheses.
  std::string tree = "a = 1";
  for (int i = 0; i < kMaxPredicateDepth; ++i) tree = "b = 2 " + std::string(i % 2 ? "AND" : "OR") + " (" + tree + ")";
  EXPECT_TRUE(ParsePredicate(tree).ok());
  for (int depth : {kMaxPredicateDepth + 1, 5000, 200000}) {
    auto e = ParsePredicate(nested(depth, "a = 1"));
    ASSERT_FALSE(e.ok()) << depth;
    EXPECT_TRUE(e.status().IsInvalidArgument()) << e.status().ToString();
    EXPECT_NE(e.status().ToString().find("nested deeper than 100 levels"), std::string::npos)
        << e.status().ToString();
  }
  EXPECT_FALSE(ParsePredicate(std::string(5000, '(')).ok());
}

// ToString is parseable and means the same (it is stored in commitInfo and printed).
TEST(PredicateTest, ToStringQuotesColumnsThatNeedIt) {
  auto e = ParsePredicate(R"("my col" = 1 AND "and" IS NULL AND "a""b" IN ('x') AND plain_1 > 2)");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->ToString(), R"(("my col" = 1 AND "and" IS NULL AND "a""b" IN ('x') AND plain_1 > 2))");
  auto again = ParsePredicate(e->ToString());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->ToString(), e->ToString());
}

TEST(PredicateTest, PrunesByPartitionValues) {
  auto p = MustBind("country = 'DE'");
  AddFile de, fr, null_country;
  de.partition_values["country"] = "DE";
  fr.partition_values["country"] = "FR";
  null_country.partition_values["country"] = std::nullopt;
  EXPECT_EQ(p.EvalFile(de), Tri::kTrue);
  EXPECT_EQ(p.EvalFile(fr), Tri::kFalse);
  EXPECT_EQ(p.EvalFile(null_country), Tri::kFalse);
  EXPECT_EQ(MustBind("country IS NULL").EvalFile(null_country), Tri::kTrue);
}

TEST(PredicateTest, SkipsByStats) {
  AddFile f;
  f.stats = R"({"numRecords":10,"minValues":{"id":10,"ts":"2026-01-01T00:00:00.000Z"},)"
            R"("maxValues":{"id":20,"ts":"2026-01-01T00:00:00.005Z"},"nullCount":{"id":0,"ts":0}})";
  EXPECT_EQ(MustBind("id > 20").EvalFile(f), Tri::kFalse);
  EXPECT_EQ(MustBind("id >= 20").EvalFile(f), Tri::kUnknown);
  EXPECT_EQ(MustBind("id >= 10").EvalFile(f), Tri::kTrue);
  EXPECT_EQ(MustBind("id IN (1, 30)").EvalFile(f), Tri::kFalse);
  EXPECT_EQ(MustBind("id IS NULL").EvalFile(f), Tri::kFalse);
  EXPECT_EQ(MustBind("id < 5 OR id > 25").EvalFile(f), Tri::kFalse);
  EXPECT_EQ(MustBind("amount > 1").EvalFile(f), Tri::kUnknown);  // no stats
  // The max is truncated to ms: .005999 may be in the file.
  EXPECT_EQ(MustBind("ts > '2026-01-01T00:00:00.005500Z'").EvalFile(f), Tri::kUnknown);
  EXPECT_EQ(MustBind("ts > '2026-01-01T00:00:00.006Z'").EvalFile(f), Tri::kFalse);
}

TEST(PredicateTest, EvaluatesRowsWithSqlNulls) {
  auto p = MustBind("country = 'DE' AND amount > 2");
  EXPECT_EQ(p.EvalRow(EventRow(1, "DE", 0, 3.0, 0)), Tri::kTrue);
  EXPECT_EQ(p.EvalRow(EventRow(1, "DE", 0, 1.0, 0)), Tri::kFalse);
  EXPECT_EQ(p.EvalRow(EventRow(1, "", 0, 3.0, 0)), Tri::kUnknown);
  EXPECT_EQ(MustBind("country IS NULL").EvalRow(EventRow(1, "", 0, 3.0, 0)), Tri::kTrue);
  EXPECT_EQ(MustBind("event_date = '1970-01-02'").EvalRow(EventRow(1, "", 1, 3.0, 0)), Tri::kTrue);
}

}  // namespace
}  // namespace lakestream::delta
