// MetadataStore against SQLite (always) and PostgreSQL (the /postgres cases:
// tests/odata_pg_test.sh starts a real server, sets LAKESTREAM_TEST_PG to its
// connection string and runs them; ctest lists them only through that script).
#include "odata/metadata_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

namespace lakestream::odata {
namespace {

SourceConfig Orders(const std::string& id) {
  SourceConfig s;
  s.id = id;
  s.service_url = "http://127.0.0.1:1/odata/v4/sales";
  s.entity_set = "SalesOrders";
  s.filter = "status ne 'C'";
  s.select = {"ID", "amount", "modifiedAt"};
  s.page_size = 250;
  s.paging = PagingMode::kClient;
  s.top = 1000;
  s.skip = 5;
  s.target_table = "/tmp/x/sales_orders";
  s.change_capture = true;
  s.change_capture_column = "modifiedAt";
  s.key_columns = {"ID"};
  s.schedule = "daily 02:00";
  s.credential = "sap";
  s.load_attempts = 3;
  return s;
}

class MetadataStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string url;
    if (GetParam() == "sqlite") {
      dir_ = std::filesystem::temp_directory_path() /
             ("ls_meta_" + std::to_string(getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name());
      std::filesystem::remove_all(dir_);
      std::filesystem::create_directories(dir_);
      url = "sqlite:" + (dir_ / "meta.db").string();
    } else {
      const char* pg = std::getenv("LAKESTREAM_TEST_PG");
      if (!pg) GTEST_SKIP() << "LAKESTREAM_TEST_PG unset (tests/odata_pg_test.sh sets it)";
      url = pg;
      // A clean slate per test on the shared server.
      auto store = MetadataStore::Open(url);
      ASSERT_TRUE(store.ok()) << store.status().ToString();
      auto conn = sql::OpenPostgres(url);
      ASSERT_TRUE(conn.ok());
      ASSERT_TRUE((*conn)
                      ->Exec("TRUNCATE odata_sources, odata_runs, odata_run_events, "
                             "odata_watermarks")
                      .ok());
    }
    url_ = url;
    auto store = MetadataStore::Open(url);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }
  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  std::string url_;
  std::unique_ptr<MetadataStore> store_;
};

TEST_P(MetadataStoreTest, SourcesRoundTripWithEveryField) {
  ASSERT_TRUE(store_->AddSource(Orders("orders")).ok());
  auto got = store_->GetSource("orders");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  SourceConfig want = Orders("orders");
  EXPECT_EQ(got->service_url, want.service_url);
  EXPECT_EQ(got->entity_set, want.entity_set);
  EXPECT_EQ(got->filter, want.filter);
  EXPECT_EQ(got->select, want.select);
  EXPECT_EQ(got->page_size, 250);
  EXPECT_EQ(got->paging, PagingMode::kClient);
  EXPECT_EQ(got->top, 1000);
  EXPECT_EQ(got->skip, 5);
  EXPECT_EQ(got->target_table, want.target_table);
  EXPECT_TRUE(got->change_capture);
  EXPECT_EQ(got->change_capture_column, "modifiedAt");
  EXPECT_EQ(got->key_columns, want.key_columns);
  EXPECT_TRUE(got->active);
  EXPECT_EQ(got->schedule, "daily 02:00");
  EXPECT_EQ(got->credential, "sap");
  EXPECT_EQ(got->load_attempts, 3);
}

// Issue 14, item 6: `sources add --url http://user:PASSWORD@host/` stored and
// listed the password. Refused, with where credentials go instead.
TEST_P(MetadataStoreTest, AServiceUrlWithCredentialsIsRefusedWithAPointerToCredentials) {
  SourceConfig s = Orders("withpw");
  s.service_url = "http://alice:Sup3rSecret@127.0.0.1:4004/odata/v4/sales";
  Status st = store_->AddSource(s);
  EXPECT_TRUE(st.IsInvalidArgument()) << st.ToString();
  EXPECT_NE(st.message().find("--credential"), std::string::npos) << st.ToString();
  EXPECT_EQ(st.message().find("Sup3rSecret"), std::string::npos) << st.ToString();
  EXPECT_TRUE(store_->GetSource("withpw").status().IsNotFound());
  s.service_url = "https://token@sap.example/odata/v4/sales";
  EXPECT_TRUE(store_->AddSource(s).IsInvalidArgument());
}

TEST_P(MetadataStoreTest, DuplicateAndInvalidSourcesAreRejected) {
  ASSERT_TRUE(store_->AddSource(Orders("orders")).ok());
  Status dup = store_->AddSource(Orders("orders"));
  EXPECT_TRUE(dup.IsAlreadyExists()) << dup.ToString();
  SourceConfig bad = Orders("bad");
  bad.key_columns.clear();
  Status s = store_->AddSource(bad);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("source bad: key columns"), std::string::npos) << s.ToString();
  bad = Orders("bad2");
  bad.change_capture_column.clear();
  EXPECT_TRUE(store_->AddSource(bad).IsInvalidArgument());
  EXPECT_TRUE(store_->GetSource("missing").status().IsNotFound());
}

TEST_P(MetadataStoreTest, DisableHidesFromActiveList) {
  ASSERT_TRUE(store_->AddSource(Orders("a")).ok());
  ASSERT_TRUE(store_->AddSource(Orders("b")).ok());
  ASSERT_TRUE(store_->SetActive("a", false).ok());
  EXPECT_TRUE(store_->SetActive("nope", false).IsNotFound());
  auto all = store_->ListSources();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  auto active = store_->ListSources(true);
  ASSERT_TRUE(active.ok());
  ASSERT_EQ(active->size(), 1u);
  EXPECT_EQ((*active)[0].id, "b");
}

TEST_P(MetadataStoreTest, RunsRecordEveryStateChange) {
  auto id = store_->CreateRun("orders", "r1");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  RunUpdate u;
  u.state = RunState::kRunning;
  u.mode = "incremental";
  u.attempt = 1;
  ASSERT_TRUE(store_->UpdateRun(*id, u).ok());
  u = RunUpdate{};
  u.state = RunState::kRetrying;
  u.detail = "Unavailable: HTTP 503";
  ASSERT_TRUE(store_->UpdateRun(*id, u).ok());
  u = RunUpdate{};
  u.state = RunState::kFailed;
  u.detail = "Unavailable: HTTP 503 after 3 attempts";
  u.rows_read = 10;
  u.rows_quarantined = 2;
  ASSERT_TRUE(store_->UpdateRun(*id, u).ok());
  auto run = store_->GetRun(*id);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->state, RunState::kFailed);
  EXPECT_EQ(run->reason, "Unavailable: HTTP 503 after 3 attempts");
  EXPECT_EQ(run->mode, "incremental");
  EXPECT_EQ(run->rows_read, 10);
  EXPECT_EQ(run->rows_quarantined, 2);
  EXPECT_EQ(run->attempt, 1);
  EXPECT_GT(run->started_at_ms, 0);
  EXPECT_GE(run->finished_at_ms, run->started_at_ms);
  auto events = store_->ListRunEvents(*id);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 4u);
  EXPECT_EQ((*events)[0].state, RunState::kQueued);
  EXPECT_EQ((*events)[1].state, RunState::kRunning);
  EXPECT_EQ((*events)[2].state, RunState::kRetrying);
  EXPECT_EQ((*events)[3].state, RunState::kFailed);
  auto id2 = store_->CreateRun("other", "r2");
  ASSERT_TRUE(id2.ok());
  auto runs = store_->ListRuns("", 10);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].id, *id2);  // newest first
  auto by_refresh = store_->ListRuns("", 10, "r1");
  ASSERT_TRUE(by_refresh.ok());
  ASSERT_EQ(by_refresh->size(), 1u);
  EXPECT_TRUE(store_->UpdateRun(999999, u).IsNotFound());
}

TEST_P(MetadataStoreTest, WatermarkIsUpsertedPerSource) {
  auto none = store_->GetWatermark("orders");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(store_->SetWatermark("orders", "2024-01-01T00:00:00Z", 1).ok());
  ASSERT_TRUE(store_->SetWatermark("orders", "2024-02-01T00:00:00Z", 2).ok());
  auto wm = store_->GetWatermark("orders");
  ASSERT_TRUE(wm.ok());
  EXPECT_EQ(wm->value_or(""), "2024-02-01T00:00:00Z");
}

TEST_P(MetadataStoreTest, ConcurrentWritersFromThreadsAndASecondConnection) {
  auto other = MetadataStore::Open(url_);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    MetadataStore* s = t % 2 ? other->get() : store_.get();
    threads.emplace_back([s, t] {
      for (int i = 0; i < 25; ++i) {
        auto id = s->CreateRun("src" + std::to_string(t), "");
        ASSERT_TRUE(id.ok()) << id.status().ToString();
        RunUpdate u;
        u.state = RunState::kSucceeded;
        ASSERT_TRUE(s->UpdateRun(*id, u).ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  auto runs = store_->ListRuns("", 1000);
  ASSERT_TRUE(runs.ok());
  EXPECT_EQ(runs->size(), 100u);
}

TEST(MetadataStoreOpenTest, UnreachablePostgresIsUnavailableWithoutThePassword) {
  auto s = MetadataStore::Open("postgresql://u:hunter2@127.0.0.1:1/db?connect_timeout=2");
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.status().IsUnavailable()) << s.status().ToString();
  EXPECT_EQ(s.status().message().find("hunter2"), std::string::npos) << s.status().ToString();
}

INSTANTIATE_TEST_SUITE_P(Backends, MetadataStoreTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace lakestream::odata
