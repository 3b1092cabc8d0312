// Dataflow: silver -> gold with select, rename, cast, filter, derived columns
// and group-by aggregates, on real Delta tables in a temp dir.
#include "odata/dataflow.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "delta/operations.h"
#include "delta/table_scan.h"
#include "odata/dataflow_expr.h"

namespace lakestream::odata {
namespace {

namespace fs = std::filesystem;
using parquet::Value;
using K = delta::DeltaType::Kind;

class DataflowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ls_dataflow_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    delta::DeltaType t;
    t.kind = K::kStruct;
    auto add = [&](const char* n, K k, int p = 0, int s = 0) {
      delta::StructField f;
      f.name = n;
      f.type.kind = k;
      f.type.precision = p;
      f.type.scale = s;
      t.fields.push_back(f);
    };
    add("ID", K::kString);
    add("customer", K::kString);
    add("amount", K::kDecimal, 15, 2);
    add("status", K::kString);
    add("quantity", K::kInteger);
    add("orderDate", K::kDate);
    // amount as unscaled cents in an INT64 decimal(15,2).
    auto row = [](const char* id, const char* c, int64_t cents, const char* st, int32_t q,
                  int32_t day) {
      return Value::Struct({Value::Bytes(id), Value::Bytes(c), Value::Int64(cents),
                            Value::Bytes(st), Value::Int32(q), Value::Int32(day)});
    };
    std::vector<Value> rows = {
        row("1", "ACME", 1000, "N", 1, 19724), row("2", "ACME", 2550, "C", 2, 19725),
        row("3", "Globex", 999, "N", 3, 19756), row("4", "ACME", 450, "P", 4, 19757),
        Value::Struct({Value::Bytes("5"), Value::Bytes("Globex"), Value::Null(), Value::Bytes("N"),
                       Value::Int32(5), Value::Int32(19758)})};
    auto store = delta::LogStore::OpenLocal((dir_ / "silver").string());
    ASSERT_TRUE(store.ok());
    auto w = delta::WriteRows(*store, t, rows, {});
    ASSERT_TRUE(w.ok()) << w.status().ToString();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<nlohmann::json> Gold(const std::string& table) {
    auto store = delta::LogStore::OpenLocal(table);
    auto snap = delta::Snapshot::Load(*store);
    EXPECT_TRUE(snap.ok()) << snap.status().ToString();
    std::string text;
    EXPECT_TRUE(delta::ScanNdjson(**snap, {}, [&](std::string_view s) {
                  text.append(s);
                  return Status::OK();
                }).ok());
    std::vector<nlohmann::json> out;
    size_t start = 0, nl;
    while ((nl = text.find('\n', start)) != std::string::npos) {
      out.push_back(nlohmann::json::parse(text.substr(start, nl - start)));
      start = nl + 1;
    }
    return out;
  }

  fs::path dir_;
};

TEST_F(DataflowTest, SelectRenameCastFilterAndDerive) {
  auto flows = ParseDataflows(R"j({"dataflows": [{"name": "clean",
    "source": ")j" + (dir_ / "silver").string() +
                              R"j(", "target": ")j" + (dir_ / "gold_clean").string() + R"j(",
    "filter": "status != 'C'",
    "columns": [{"name": "ID"}, {"name": "buyer", "from": "customer"},
                {"name": "qty", "from": "quantity", "type": "long"},
                {"name": "gross", "expr": "amount * 1.19", "type": "decimal(15,2)"},
                {"name": "label", "expr": "concat(upper(customer), '-', ID)"},
                {"name": "month", "expr": "month(orderDate)"}]}]})j");
  ASSERT_TRUE(flows.ok()) << flows.status().ToString();
  auto r = RunDataflow((*flows)[0]);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows_in, 4);
  EXPECT_EQ(r->rows_out, 4);
  auto rows = Gold((dir_ / "gold_clean").string());
  ASSERT_EQ(rows.size(), 4u);
  std::map<std::string, nlohmann::json> by_id;
  for (auto& row : rows) by_id[row["ID"]] = row;
  EXPECT_EQ(by_id.count("2"), 0u);  // filtered
  EXPECT_EQ(by_id["1"]["buyer"], "ACME");
  EXPECT_EQ(by_id["1"]["qty"], 1);
  EXPECT_EQ(by_id["1"]["gross"], "11.90");
  EXPECT_EQ(by_id["3"]["label"], "GLOBEX-3");
  EXPECT_EQ(by_id["3"]["month"], 2);
  EXPECT_TRUE(by_id["5"]["gross"].is_null());
}

TEST_F(DataflowTest, GroupByAggregatesAndRebuildsOnEveryRun) {
  std::string cfg = R"j({"dataflows": [{"name": "by_customer",
    "source": ")j" + (dir_ / "silver").string() +
                    R"j(", "target": ")j" + (dir_ / "gold").string() + R"j(",
    "group_by": ["customer"],
    "aggregates": [{"name": "orders", "fn": "count"},
                   {"name": "revenue", "fn": "sum", "column": "amount"},
                   {"name": "avg_qty", "fn": "avg", "column": "quantity"},
                   {"name": "first", "fn": "min", "column": "orderDate"},
                   {"name": "biggest", "fn": "max", "column": "amount"}]}]})j";
  auto flows = ParseDataflows(cfg);
  ASSERT_TRUE(flows.ok()) << flows.status().ToString();
  for (int run = 0; run < 2; ++run) {
    auto r = RunDataflow((*flows)[0]);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->version, run);
  }
  auto rows = Gold((dir_ / "gold").string());
  ASSERT_EQ(rows.size(), 2u);  // overwritten, not appended
  std::map<std::string, nlohmann::json> by;
  for (auto& row : rows) by[row["customer"]] = row;
  EXPECT_EQ(by["ACME"]["orders"], 3);
  EXPECT_DOUBLE_EQ(by["ACME"]["revenue"].get<double>(), 40.0);
  EXPECT_DOUBLE_EQ(by["ACME"]["avg_qty"].get<double>(), 7.0 / 3);
  EXPECT_EQ(by["ACME"]["first"], "2024-01-02");
  EXPECT_EQ(by["ACME"]["biggest"], "25.50");
  EXPECT_EQ(by["Globex"]["orders"], 2);
  EXPECT_DOUBLE_EQ(by["Globex"]["revenue"].get<double>(), 9.99);  // null amount skipped
}

TEST_F(DataflowTest, BadConfigsAndExpressionsNameTheProblem) {
  // The one config reader: unknown keys name their path, YAML works as well as JSON.
  auto typo = ParseDataflows(R"j({"dataflows": [{"name": "x", "source": "a", "target": "b",
      "aggregates": [{"name": "n", "fn": "sum", "colum": "v"}]}]})j");
  EXPECT_NE(typo.status().message().find(
                "dataflow config: dataflows[0].aggregates[0].colum: unknown key (did you mean "
                "'column'?)"),
            std::string::npos)
      << typo.status().ToString();
  auto yaml = ParseDataflows("dataflows:\n  - {name: y, source: a, target: b, group_by: [k],\n"
                             "     aggregates: [{name: n, fn: count}]}\n");
  ASSERT_TRUE(yaml.ok()) << yaml.status().ToString();
  EXPECT_EQ((*yaml)[0].group_by, std::vector<std::string>{"k"});
  EXPECT_TRUE(ParseDataflows("[]").status().IsInvalidArgument());
  auto s = ParseDataflows(R"j({"dataflows": [{"name": "x", "source": "a", "target": "b",
      "aggregates": [{"name": "n", "fn": "median", "column": "q"}]}]})j");
  EXPECT_NE(s.status().message().find("unknown function \"median\""), std::string::npos);
  Dataflow d;
  d.name = "bad";
  d.source = (dir_ / "silver").string();
  d.target = (dir_ / "g").string();
  d.columns = {{"x", "", "amount * nope", ""}};
  auto r = RunDataflow(d);
  EXPECT_TRUE(r.status().IsInvalidArgument());
  EXPECT_NE(r.status().message().find("unknown source column nope"), std::string::npos);
  d.columns = {{"x", "", "amount * (2", ""}};
  EXPECT_NE(RunDataflow(d).status().message().find("missing ')'"), std::string::npos);
  d.columns = {{"x", "", "customer * 2", ""}};
  EXPECT_NE(RunDataflow(d).status().message().find("operands must be numbers"), std::string::npos);
  d.source = (dir_ / "missing").string();
  EXPECT_TRUE(RunDataflow(d).status().IsNotFound());
}

}  // namespace
}  // namespace lakestream::odata
