#include "delta/table_query.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "delta/operations.h"
#include "delta/write_test_util.h"

namespace lakestream::delta {
namespace {

using nlohmann::json;
using testing::EventRows;
using testing::EventSchema;

class TableQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteRequest req;
    req.partition_columns = {"event_date"};
    // ids 0..29: countries cycle DE/FR/US, days alternate, amount = 1.5 * id.
    ASSERT_TRUE(WriteRows(store_, EventSchema(), EventRows(0, 30), req).ok());
  }
  std::vector<json> Run(const QuerySpec& spec, ScanStats* stats = nullptr) {
    std::string out;
    ScanStats local;
    Status s = RunQuery(
        *Snapshot::Load(store_).value(), spec,
        [&](std::string_view c) {
          out.append(c);
          return Status::OK();
        },
        stats ? stats : &local);
    EXPECT_TRUE(s.ok()) << s.ToString();
    std::vector<json> rows;
    size_t pos = 0;
    while (pos < out.size()) {
      size_t nl = out.find('\n', pos);
      rows.push_back(json::parse(out.substr(pos, nl - pos)));
      pos = nl + 1;
    }
    return rows;
  }
  std::shared_ptr<io::FileSystem> fs_ = io::NewMemoryFileSystem();
  std::shared_ptr<LogStore> store_ = std::make_shared<LogStore>(fs_, "/t");
};

TEST_F(TableQueryTest, ParsesAggregateLists) {
  auto a = ParseAggregates("count, SUM(amount),min(id),max(ts),avg(amount),count(*),count(country)")
               .value();
  ASSERT_EQ(a.size(), 7u);
  EXPECT_EQ(a[0].name, "count");
  EXPECT_EQ(a[1].kind, Aggregate::Kind::kSum);
  EXPECT_EQ(a[1].name, "sum(amount)");
  EXPECT_EQ(a[5].name, "count");
  EXPECT_EQ(a[6].name, "count(country)");
  EXPECT_TRUE(ParseAggregates("median(x)").status().IsInvalidArgument());
  EXPECT_TRUE(ParseAggregates("sum").status().IsInvalidArgument());
  EXPECT_TRUE(ParseAggregates("sum(x").status().IsInvalidArgument());
  EXPECT_TRUE(ParseAggregates("").status().IsInvalidArgument());
}

TEST_F(TableQueryTest, GroupsAndAggregatesMatchAHandComputation) {
  QuerySpec spec;
  spec.group_by = {"country"};
  spec.aggregates = ParseAggregates("count,sum(id),min(amount),max(id),avg(id)").value();
  spec.where = "id >= 3";
  auto rows = Run(spec);
  ASSERT_EQ(rows.size(), 3u);
  // DE: ids 3,6,...,27 (9 rows); FR: 4..28 (9); US: 5..29 (9).
  for (int g = 0; g < 3; ++g) {
    int64_t first = 3 + g, count = 0, sum = 0;
    for (int64_t id = first; id < 30; id += 3) {
      ++count;
      sum += id;
    }
    const json& r = rows[g];
    EXPECT_EQ(r["country"], std::vector<std::string>({"DE", "FR", "US"})[g]);
    EXPECT_EQ(r["count"], count);
    EXPECT_EQ(r["sum(id)"], sum);
    EXPECT_DOUBLE_EQ(r["min(amount)"].get<double>(), first * 1.5);
    EXPECT_EQ(r["max(id)"], first + 3 * (count - 1));
    EXPECT_DOUBLE_EQ(r["avg(id)"].get<double>(), static_cast<double>(sum) / count);
  }
}

TEST_F(TableQueryTest, UngroupedCountOverNothingIsZeroAndStatsShowPruning) {
  QuerySpec spec;
  spec.aggregates = ParseAggregates("count,sum(amount),max(country)").value();
  spec.where = "event_date = '2030-01-01'";
  ScanStats st;
  auto rows = Run(spec, &st);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["count"], 0);
  EXPECT_TRUE(rows[0]["sum(amount)"].is_null());
  EXPECT_TRUE(rows[0]["max(country)"].is_null());
  EXPECT_EQ(st.files, 0);
  EXPECT_EQ(st.files_pruned, 2);
  EXPECT_GT(st.bytes_skipped, 0);
}

TEST_F(TableQueryTest, SelectWithoutAggregatesAndLimits) {
  QuerySpec spec;
  spec.select = {"id", "country"};
  spec.where = "country = 'FR' AND id < 10";
  auto rows = Run(spec);
  ASSERT_EQ(rows.size(), 3u);  // 1, 4, 7
  EXPECT_EQ(rows[0].size(), 2u);
  spec.limit = 2;
  EXPECT_EQ(Run(spec).size(), 2u);
  QuerySpec grouped;
  grouped.group_by = {"event_date"};
  grouped.aggregates = ParseAggregates("count").value();
  grouped.limit = 1;
  EXPECT_EQ(Run(grouped).size(), 1u);
}

TEST_F(TableQueryTest, BadQueriesFailWithContext) {
  auto snap = Snapshot::Load(store_).value();
  auto sink = [](std::string_view) { return Status::OK(); };
  ScanStats st;
  QuerySpec spec;
  spec.aggregates = ParseAggregates("sum(country)").value();
  Status s = RunQuery(*snap, spec, sink, &st);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("not numeric"), std::string::npos) << s.ToString();
  spec.aggregates = ParseAggregates("min(nope)").value();
  EXPECT_TRUE(RunQuery(*snap, spec, sink, &st).IsInvalidArgument());
  QuerySpec g;
  g.group_by = {"country"};
  EXPECT_TRUE(RunQuery(*snap, g, sink, &st).IsInvalidArgument());
}

}  // namespace
}  // namespace lakestream::delta
