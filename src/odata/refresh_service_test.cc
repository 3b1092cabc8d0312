// RefreshService against the SAP CAP fixture (tests/odata_loadjob_test.sh sets
// LAKESTREAM_TEST_ODATA_URL and runs these; ctest lists them only through that
// script): scheduled refreshes, freshness and failures.
#include "odata/refresh_service.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>

#include "common/manual_clock.h"

namespace lakestream::odata {
namespace {

namespace fs = std::filesystem;

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class RefreshServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* url = std::getenv("LAKESTREAM_TEST_ODATA_URL");
    if (!url) GTEST_SKIP() << "LAKESTREAM_TEST_ODATA_URL unset (tests/odata_loadjob_test.sh)";
    dir_ = fs::temp_directory_path() /
           ("ls_refresh_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto store = MetadataStore::Open((dir_ / "meta.db").string());
    ASSERT_TRUE(store.ok());
    store_ = std::move(store).value();
    http_ = MakeCurlHttpClient();
    setenv("LAKESTREAM_CRED_FIXTURE_USER", "lake", 1);
    setenv("LAKESTREAM_CRED_FIXTURE_PASSWORD", "lake-secret", 1);
    SourceConfig s;
    s.id = "scheduled";
    s.service_url = url;
    s.entity_set = "SalesOrders";
    s.target_table = (dir_ / "orders").string();
    s.key_columns = {"ID"};
    s.change_capture = true;
    s.change_capture_column = "modifiedAt";
    s.credential = "fixture";
    s.schedule = "every 1 minutes";
    ASSERT_TRUE(store_->AddSource(s).ok());
    s.id = "manual";
    s.schedule = "";
    s.target_table = (dir_ / "manual").string();
    ASSERT_TRUE(store_->AddSource(s).ok());
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  fs::path dir_;
  std::unique_ptr<MetadataStore> store_;
  std::unique_ptr<HttpClient> http_;
};

TEST_F(RefreshServiceTest, SchedulesStartRefreshesOnlyWhenDue) {
  ManualClock clock(WallMs() * 1000);
  RefreshConfig cfg;
  cfg.sources = {"scheduled"};
  cfg.clock = &clock;
  RefreshService svc(*store_, *http_, cfg);
  auto first = svc.RunDueSchedules();  // never ran: due now
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_FALSE(first->empty());
  svc.Wait();
  auto r = svc.Get(*first);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)["state"], "succeeded") << r->dump();
  EXPECT_EQ((*r)["sources"], nlohmann::json({"scheduled"})) << "the manual source is not scheduled";
  auto again = svc.RunDueSchedules();
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty()) << "not due again within the minute";
  clock.AdvanceMillis(61000);
  auto later = svc.RunDueSchedules();
  ASSERT_TRUE(later.ok());
  EXPECT_FALSE(later->empty()) << "due after the next minute boundary";
  svc.Wait();
  auto runs = store_->ListRuns("scheduled", 10);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].mode, "incremental");
  EXPECT_TRUE(store_->ListRuns("manual", 10)->empty());
}

TEST_F(RefreshServiceTest, FreshnessGatesRefreshesAndFailuresAlert) {
  ManualClock clock(WallMs() * 1000);
  std::vector<std::string> alerts;
  RefreshConfig cfg;
  cfg.sources = {"scheduled"};
  cfg.stale_after_ms = 30 * 60 * 1000;
  cfg.clock = &clock;
  cfg.runbook_url = "https://runbooks.example/odata";
  cfg.on_failure = [&alerts](const std::string& subject, const std::string& body) {
    alerts.push_back(subject + "\n" + body);
  };
  RefreshService svc(*store_, *http_, cfg);
  auto st = svc.Status();
  ASSERT_TRUE(st.ok());
  EXPECT_TRUE((*st)["stale"].get<bool>());
  EXPECT_TRUE((*st)["data_as_of"].is_null());
  auto id = svc.Start({}, false);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  svc.Wait();
  st = svc.Status();
  EXPECT_FALSE((*st)["stale"].get<bool>());
  EXPECT_FALSE((*st)["refresh_allowed"].get<bool>());
  auto refused = svc.Start({}, false);
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("data is fresh"), std::string::npos);
  EXPECT_TRUE(refused.status().IsConflict()) << refused.status().ToString();
  clock.AdvanceMillis(31 * 60 * 1000);  // 31 minutes later
  st = svc.Status();
  EXPECT_TRUE((*st)["stale"].get<bool>());
  EXPECT_TRUE((*st)["refresh_allowed"].get<bool>());

  // A source whose service is gone: the refresh fails, names the load, alerts.
  SourceConfig bad = *store_->GetSource("manual");
  bad.id = "gone";
  bad.service_url = "http://127.0.0.1:1/odata/v4/sales";
  bad.load_attempts = 1;
  ASSERT_TRUE(store_->AddSource(bad).ok());
  RefreshConfig fast = cfg;
  fast.load.retry.initial_backoff_ms = 5;
  RefreshService svc2(*store_, *http_, fast);
  auto id2 = svc2.Start({"gone"}, true);
  ASSERT_TRUE(id2.ok());
  svc2.Wait();
  auto r = svc2.Get(*id2);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)["state"], "failed");
  EXPECT_EQ((*r)["phase"], "loading");
  EXPECT_NE((*r)["error"].get<std::string>().find("load gone"), std::string::npos);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_NE(alerts[0].find(*id2), std::string::npos);
  EXPECT_NE(alerts[0].find("phase: loading"), std::string::npos) << alerts[0];
  EXPECT_NE(alerts[0].find("runbook: https://runbooks.example/odata"), std::string::npos);
}

}  // namespace
}  // namespace lakestream::odata
