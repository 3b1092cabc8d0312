// Streaming schema evolution through the Delta sink (docs/schema-evolution.md): a column
// the pipeline config gains is added to the events table, nullable, by the commit of the
// first batch after the restart (metaData beside the data, no data rewritten), also on a
// column-mapped table (physical names, field ids); a removed or retyped column is refused
// naming it.
#include <gtest/gtest.h>

#include "delta/alter.h"
#include "delta/column_mapping_writer.h"
#include "delta/snapshot.h"
#include "delta/write_test_util.h"
#include "parquet/file_reader.h"
#include "stream/delta_batch_sink.h"
#include "stream/micro_batch_engine.h"
#include "stream/testing_fake_source.h"
#include "stream/testing_fake_source_config.h"

namespace lakestream::stream {
namespace {

using testing::EventJson;
using testing::FakeSourceConfig;

class SchemaEvolutionTest : public ::testing::Test {
 protected:
  // Runs the pipeline `cfg` over what the source holds; returns the engine's status.
  Status Run(const PipelineConfig& cfg) {
    DeltaSinkOptions so;
    so.fs = fs_;
    so.events_table = cfg.table;
    so.quarantine_table = cfg.quarantine_table;
    auto sink = NewDeltaBatchSink(so);
    if (!sink.ok()) return sink.status();
    auto engine = MicroBatchEngine::Make(cfg, &source_, sink->get(), EngineOptions{});
    if (!engine.ok()) return engine.status();
    return (*engine)->Run();
  }
  static PipelineConfig WithCountry(PipelineConfig cfg) {
    cfg.columns.push_back({"country", pipeline::ColumnType::kString, false, ""});
    return cfg;
  }
  std::string Cat() {
    delta::ScanOptions so;
    so.columns = {"event_id", "n", "country"};
    return delta::testing::ScanText(events_, so);
  }
  std::shared_ptr<const delta::Snapshot> Latest() {
    return delta::Snapshot::Load(events_).value();
  }

  std::shared_ptr<io::FileSystem> fs_ = io::NewMemoryFileSystem();
  std::shared_ptr<delta::LogStore> events_ = std::make_shared<delta::LogStore>(fs_, "/mem/events");
  testing::FakeSource source_;
};

TEST_F(SchemaEvolutionTest, AColumnTheConfigGainsIsAddedByTheNextCommitBesideItsData) {
  source_.Append(0, EventJson("a", "2026-11-24T10:00:00Z", "1"));
  ASSERT_TRUE(Run(FakeSourceConfig()).ok());
  const int64_t before = Latest()->version();
  auto files_before = Latest()->files();
  source_.Append(0, R"({"event_id":"b","event_time":"2026-11-24T11:00:00Z","n":2,)"
                    R"("country":"DE"})");
  Status s = Run(WithCountry(FakeSourceConfig()));
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto snap = Latest();
  EXPECT_EQ(snap->version(), before + 1) << "no commit of its own for the schema change";
  const delta::StructField* country = snap->schema().FindField("country");
  ASSERT_NE(country, nullptr);
  EXPECT_TRUE(country->nullable) << "old rows hold null in it, whatever the config says";
  auto text = events_->ReadCommit(snap->version());
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("\"metaData\""), std::string::npos);
  EXPECT_NE(text->find("\"add\""), std::string::npos);
  for (const auto& f : files_before) {
    EXPECT_NE(std::find(snap->files().begin(), snap->files().end(), f), snap->files().end())
        << "old files stay as they are";
  }
  EXPECT_EQ(Cat(), "{\"event_id\":\"a\",\"n\":1,\"country\":null}\n"
                   "{\"event_id\":\"b\",\"n\":2,\"country\":\"DE\"}\n");
}

TEST_F(SchemaEvolutionTest, AColumnMappedTableGetsTheColumnUnderAFreshPhysicalName) {
  source_.Append(0, EventJson("a", "2026-11-24T10:00:00Z", "1"));
  ASSERT_TRUE(Run(FakeSourceConfig()).ok());
  ASSERT_TRUE(delta::SetColumnMappingMode(events_, delta::ColumnMappingMode::kName).ok());
  source_.Append(0, R"({"event_id":"b","event_time":"2026-11-24T11:00:00Z","n":2,)"
                    R"("country":"FR"})");
  Status s = Run(WithCountry(FakeSourceConfig()));
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto snap = Latest();
  const delta::StructField* country = snap->schema().FindField("country");
  ASSERT_NE(country, nullptr);
  std::string physical = delta::PhysicalNameOf(*country).value_or("");
  EXPECT_EQ(physical.rfind("col-", 0), 0u) << physical;
  // The next id after the table's columns, recorded as the new maximum.
  EXPECT_EQ(delta::ColumnIdOf(*country),
            std::stoll(snap->metadata().Config(delta::kMaxColumnIdKey).value_or("0")));
  int files_with_it = 0;
  for (const delta::AddFile& f : snap->files()) {
    auto reader = parquet::FileReader::Open(*fs_, "/mem/events/" + f.path);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    for (const auto& c : (*reader)->schema().root().children) {
      if (c.name != physical) continue;
      ++files_with_it;
      EXPECT_EQ(c.field_id, delta::ColumnIdOf(*country));
      EXPECT_NE(f.stats->find(physical), std::string::npos) << "stats by physical name";
    }
  }
  EXPECT_EQ(files_with_it, 1);
  std::string rows = Cat();
  EXPECT_NE(rows.find("{\"event_id\":\"a\",\"n\":1,\"country\":null}\n"), std::string::npos);
  EXPECT_NE(rows.find("{\"event_id\":\"b\",\"n\":2,\"country\":\"FR\"}\n"), std::string::npos)
      << rows;
}

TEST_F(SchemaEvolutionTest, RemovedAndRetypedColumnsAreRefusedNamingThem) {
  source_.Append(0, R"({"event_id":"a","event_time":"2026-11-24T10:00:00Z","country":"DE"})");
  ASSERT_TRUE(Run(WithCountry(FakeSourceConfig())).ok());
  Status s = Run(FakeSourceConfig());
  ASSERT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.message().find("has column country the config lacks"), std::string::npos)
      << s.message();
  PipelineConfig retyped = WithCountry(FakeSourceConfig());
  retyped.columns.back().type = pipeline::ColumnType::kInt64;
  s = Run(retyped);
  ASSERT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.message().find("column country is string, the config says long"),
            std::string::npos)
      << s.message();
}

}  // namespace
}  // namespace lakestream::stream
