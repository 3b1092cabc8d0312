// LoadJob's crash, retry and duplicate-key paths against the real SAP CAP
// fixture (tests/odata_loadjob_test.sh starts it, sets LAKESTREAM_TEST_ODATA_URL
// to its V4 service root and runs these; ctest lists them only through that
// script, src/odata/CMakeLists.txt SCRIPT_TESTS). The crashes and races
// between commits go through io::FaultInjectionFileSystem (LoadOptions::fs).
#include "odata/load_job.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include "delta/operations.h"
#include "delta/row_reader.h"
#include "delta/snapshot.h"
#include "io/fault_injection_file_system.h"

namespace lakestream::odata {
namespace {

namespace fs = std::filesystem;

class LoadJobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* url = std::getenv("LAKESTREAM_TEST_ODATA_URL");
    if (!url) GTEST_SKIP() << "LAKESTREAM_TEST_ODATA_URL unset (tests/odata_loadjob_test.sh)";
    url_ = url;
    dir_ = fs::temp_directory_path() /
           ("ls_loadjob_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto store = MetadataStore::Open((dir_ / "meta.db").string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    http_ = MakeCurlHttpClient();
    setenv("LAKESTREAM_CRED_FIXTURE_USER", "lake", 1);
    setenv("LAKESTREAM_CRED_FIXTURE_PASSWORD", "lake-secret", 1);
    source_.id = "orders";
    source_.service_url = url_;
    source_.entity_set = "SalesOrders";
    source_.target_table = (dir_ / "orders").string();
    source_.key_columns = {"ID"};
    source_.change_capture = true;
    source_.change_capture_column = "modifiedAt";
    source_.credential = "fixture";
    source_.page_size = 500;
    source_.paging = PagingMode::kClient;
    source_.load_attempts = 1;
    options_.retry.initial_backoff_ms = 10;
    options_.whole_load_backoff_ms = 10;
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  // Rows of a table and the number of distinct values of column 0.
  std::pair<size_t, size_t> Count(const std::string& table) {
    auto store = delta::LogStore::OpenLocal(table);
    EXPECT_TRUE(store.ok());
    auto snap = delta::Snapshot::Load(*store);
    if (!snap.ok()) return {0, 0};
    std::vector<parquet::Value> rows;
    for (const auto& f : (*snap)->files()) EXPECT_TRUE(delta::ReadFileRows(**snap, f, &rows).ok());
    std::set<std::string> keys;
    for (const auto& r : rows) keys.insert(r.items[0].bytes);
    return {rows.size(), keys.size()};
  }

  int64_t Version(const std::string& table) {
    auto store = delta::LogStore::OpenLocal(table);
    auto snap = delta::Snapshot::Load(*store);
    return snap.ok() ? (*snap)->version() : -1;
  }

  void Patch(const std::string& id, const std::string& json) {
    HttpRequest req;
    req.method = "PATCH";
    req.url = url_ + "/SalesOrders('" + id + "')";
    req.headers = {{"Content-Type", "application/json"},
                   {"Authorization", "Basic bGFrZTpsYWtlLXNlY3JldA=="}};
    req.body = json;
    auto r = http_->Send(req, req.url);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->status, 200) << r->body;
  }

  // options_ with the tables on the local disk through `faults_`, which the test arms.
  LoadOptions Faulty() {
    faults_ = std::make_shared<io::FaultInjectionFileSystem>(io::NewLocalFileSystem());
    LoadOptions o = options_;
    o.fs = faults_;
    return o;
  }
  // Every path of the silver table (not of T_bronze or T_quarantine).
  std::string SilverPaths() const { return source_.target_table + "/"; }

  std::string url_;
  fs::path dir_;
  std::shared_ptr<io::FaultInjectionFileSystem> faults_;
  std::unique_ptr<MetadataStore> store_;
  std::unique_ptr<HttpClient> http_;
  SourceConfig source_;
  LoadOptions options_;
};

TEST_F(LoadJobTest, CrashBetweenBronzeAndSilverIsRepairedByTheNextRun) {
  // The silver table is first touched after the bronze (and quarantine) commits: from then
  // on nothing of it can be read or written, as after a crash there.
  LoadOptions crash = Faulty();
  faults_->FailPaths(SilverPaths(), Status::IOError("simulated crash after bronze"));
  auto r1 = RunLoad(*store_, *http_, source_, 0, crash);
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  EXPECT_FALSE(r1->succeeded);
  EXPECT_NE(r1->error.find("simulated crash"), std::string::npos) << r1->error;
  EXPECT_EQ(Version(source_.target_table), -1) << "silver must not exist after the crash";
  auto wm = store_->GetWatermark("orders");
  ASSERT_TRUE(wm.ok());
  EXPECT_FALSE(wm->has_value()) << "watermark must not move without the silver commit";
  auto run1 = store_->GetRun(r1->run_id);
  ASSERT_TRUE(run1.ok());
  EXPECT_EQ(run1->state, RunState::kFailed);

  auto r2 = RunLoad(*store_, *http_, source_, 0, options_);
  ASSERT_TRUE(r2.ok());
  ASSERT_TRUE(r2->succeeded) << r2->error;
  EXPECT_EQ(r2->mode, "full");
  auto [rows, keys] = Count(source_.target_table);
  EXPECT_GE(rows, 3000u);
  EXPECT_EQ(rows, keys);
  // Bronze keeps both runs' raw pages (the landing log is append-only).
  EXPECT_EQ(Count(BronzeTable(source_)).first, 2 * rows);
}

TEST_F(LoadJobTest, RetriedAttemptSkipsTheBronzeCommitItAlreadyMade) {
  source_.load_attempts = 2;
  LoadOptions o = Faulty();
  // The first call on the silver table, just after the bronze commit, fails.
  faults_->FailPaths(SilverPaths(), Status::Unavailable("transient failure after bronze"), 1);
  auto r = RunLoad(*store_, *http_, source_, 0, o);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->succeeded) << r->error;
  EXPECT_EQ(r->attempts, 2);
  auto [rows, keys] = Count(source_.target_table);
  EXPECT_EQ(rows, keys);
  EXPECT_EQ(Count(BronzeTable(source_)).first, rows) << "bronze written once per run (txn)";
  EXPECT_EQ(Version(BronzeTable(source_)), 0);
  auto events = store_->ListRunEvents(r->run_id);
  ASSERT_TRUE(events.ok());
  bool retried = false;
  for (const auto& e : *events) retried = retried || e.state == RunState::kRetrying;
  EXPECT_TRUE(retried);
}

TEST_F(LoadJobTest, RetryAfterTheSilverMergeCommittedDoesNotMergeTwice) {
  auto r1 = RunLoad(*store_, *http_, source_, 0, options_);
  ASSERT_TRUE(r1.ok());
  ASSERT_TRUE(r1->succeeded) << r1->error;
  int64_t v0 = Version(source_.target_table);
  Patch("SO000077", "{\"quantity\": 4242}");
  source_.load_attempts = 2;
  LoadOptions o = Faulty();
  // Once the merge's commit landed, the next call on silver fails.
  faults_->AfterNth(io::FsOp::kPutIfAbsent, 1, [this] {
    faults_->FailPaths(SilverPaths(), Status::Unavailable("lost the connection after the merge"), 1);
  }, SilverPaths() + "_delta_log/");
  auto r2 = RunLoad(*store_, *http_, source_, 0, o);
  ASSERT_TRUE(r2.ok());
  ASSERT_TRUE(r2->succeeded) << r2->error;
  EXPECT_EQ(r2->attempts, 2);
  EXPECT_EQ(Version(source_.target_table), v0 + 1) << "the merge is committed once per run";
  auto wm = store_->GetWatermark("orders");
  ASSERT_TRUE(wm.ok() && wm->has_value());
  EXPECT_GT(**wm, std::string("2025")) << "watermark moved to the PATCH time";
}

TEST_F(LoadJobTest, DuplicateKeyAfterCommitRestoresThePreviousVersionAndFails) {
  auto r1 = RunLoad(*store_, *http_, source_, 0, options_);
  ASSERT_TRUE(r1.ok());
  ASSERT_TRUE(r1->succeeded) << r1->error;
  int64_t v0 = Version(source_.target_table);
  auto wm0 = store_->GetWatermark("orders");
  ASSERT_TRUE(wm0.ok());
  size_t rows0 = Count(source_.target_table).first;
  Patch("SO000042", "{\"status\":\"D\"}");

  LoadOptions o = Faulty();
  Status sneaked = Status::Internal("the other writer never ran");
  const std::string silver = source_.target_table;
  // Just after the merge's commit landed, before the duplicate-key check.
  faults_->AfterNth(io::FsOp::kPutIfAbsent, 1, [&sneaked, silver]() {
    sneaked = [&silver]() -> Status {
      // Another writer sneaks in a second row for an existing key.
      auto store = delta::LogStore::OpenLocal(silver);
      if (!store.ok()) return store.status();
      auto snap = delta::Snapshot::Load(*store);
      if (!snap.ok()) return snap.status();
      std::vector<parquet::Value> rows;
      RETURN_IF_ERROR(delta::ReadFileRows(**snap, (*snap)->files()[0], &rows));
      delta::WriteRequest req;
      return delta::WriteRows(*store, (*snap)->schema(), {rows[0]}, req).status();
    }();
  }, SilverPaths() + "_delta_log/");
  auto r2 = RunLoad(*store_, *http_, source_, 0, o);
  ASSERT_TRUE(sneaked.ok()) << sneaked.ToString();
  ASSERT_TRUE(r2.ok());
  EXPECT_FALSE(r2->succeeded);
  EXPECT_NE(r2->error.find("duplicate-key check failed"), std::string::npos) << r2->error;
  EXPECT_NE(r2->error.find("restored to v" + std::to_string(v0)), std::string::npos) << r2->error;
  EXPECT_EQ(r2->attempts, 1) << "a failed key check is not retried";
  auto [rows, keys] = Count(source_.target_table);
  EXPECT_EQ(rows, rows0);
  EXPECT_EQ(rows, keys);
  auto wm = store_->GetWatermark("orders");
  ASSERT_TRUE(wm.ok());
  EXPECT_EQ(*wm, *wm0) << "watermark unchanged after a restored load";
  auto run = store_->GetRun(r2->run_id);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->state, RunState::kFailed);

  // The next clean run picks the change up.
  auto r3 = RunLoad(*store_, *http_, source_, 0, options_);
  ASSERT_TRUE(r3.ok());
  EXPECT_TRUE(r3->succeeded) << r3->error;
  EXPECT_EQ(r3->mode, "incremental");
  EXPECT_GE(r3->rows_upserted, 1);
}

}  // namespace
}  // namespace lakestream::odata
