// The OData refresh as a serve job: scheduled and on-demand refreshes reach
// the run log and the metrics. The source's credential is missing, so every
// load fails at once without any network (the happy path runs against the
// CAP fixture in tests/serve_refresh_test.sh).
#include "serve/odata_refresh_job.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <algorithm>
#include <fstream>

#include "odata/metadata_store.h"
#include "serve/scheduler.h"
#include "serve/serve_app.h"
#include "serve/testing_scheduler_fixture.h"

namespace lakestream::serve {
namespace {

class ODataRefreshJobTest : public testing::SchedulerFixture {
 protected:
  void SetUp() override {
    SchedulerFixture::SetUp();
    unsetenv("LAKESTREAM_SECRETS_FILE");
    setenv("ODATA_JOB_TEST_TOKEN", "job-test-token", 1);
    {
      auto store = odata::MetadataStore::Open((dir_ / "meta.db").string());
      ASSERT_TRUE(store.ok()) << store.status().ToString();
      odata::SourceConfig s;
      s.id = "orders";
      s.service_url = "http://127.0.0.1:1/odata/v4/sales";
      s.entity_set = "SalesOrders";
      s.target_table = (dir_ / "silver" / "orders").string();
      s.key_columns = {"ID"};
      s.schedule = "every 1 minutes";
      s.credential = "odata_job_test_missing";
      s.load_attempts = 1;
      ASSERT_TRUE((*store)->AddSource(s).ok());
    }
    config_ = (dir_ / "refresh.yaml").string();
    std::ofstream(config_) << "metadata_store: " << (dir_ / "meta.db").string() << "\n"
                           << "dashboard_table: " << (dir_ / "gold").string() << "\n"
                           << "api_token_env: ODATA_JOB_TEST_TOKEN\nschedule_check: 1m\n";
  }
  bool Exposes(const std::string& line) {
    return reg_.Expose().find(line + "\n") != std::string::npos;
  }

  std::string config_;
};

TEST_F(ODataRefreshJobTest, ADueScheduleIsARunOfTheJobAndItsFailureIsCountedAndLogged) {
  auto job = ODataRefreshJob::Make(config_, &reg_, run_log_.get(), nullptr);
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ((*job)->name(), "odata-refresh");
  EXPECT_EQ((*job)->schedule().interval_ms, 60000);
  EXPECT_TRUE((*job)->schedule().run_at_start);
  scheduler_->Add(std::move(job).value());

  Status st = scheduler_->RunNow("odata-refresh");  // never loaded: due now
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("failed in phase loading"), std::string::npos) << st.ToString();
  EXPECT_NE(st.message().find("odata_job_test_missing"), std::string::npos) << st.ToString();
  // It ran a moment ago and is due again in a minute: an idle run leaves no row.
  EXPECT_TRUE(scheduler_->RunNow("odata-refresh").ok());

  std::vector<RunRow> rows = Rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].job, "odata-refresh");
  EXPECT_EQ(rows[0].status, "failed");
  EXPECT_NE(rows[0].error.find("odata_job_test_missing"), std::string::npos) << rows[0].error;
  EXPECT_TRUE(Exposes("lakestream_odata_refreshes_total{trigger=\"schedule\",status=\"failed\"} 1"))
      << reg_.Expose();
  EXPECT_TRUE(Exposes("lakestream_odata_refreshes_total{trigger=\"api\",status=\"failed\"} 0"));
  EXPECT_TRUE(Exposes("lakestream_odata_refresh_last_failed 1"));
  EXPECT_TRUE(Exposes("lakestream_job_last_run_failed{job_name=\"odata-refresh\"} 1"));
  EXPECT_TRUE(Exposes("lakestream_job_runs_total{job_name=\"odata-refresh\",status=\"failed\"} 1"));
  EXPECT_TRUE(Exposes("lakestream_job_runs_total{job_name=\"odata-refresh\",status=\"ok\"} 0"));
}

TEST_F(ODataRefreshJobTest, RefreshNowThroughTheMountedApiIsRecordedAsARunToo) {
  auto job = ODataRefreshJob::Make(config_, &reg_, run_log_.get(), nullptr);
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ((*job)->api_token(), "job-test-token");
  server::HttpServer no_token;
  EXPECT_TRUE((*job)->Mount(no_token).IsInvalidArgument());

  server::HttpServer server;
  server.SetApiToken((*job)->api_token());
  ASSERT_TRUE((*job)->Mount(server).ok());
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  httplib::Client cli("127.0.0.1", server.port());
  auto page = cli.Get("/dashboard");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(cli.Get("/api/status")->status, 401);
  httplib::Headers auth = {{"Authorization", "Bearer job-test-token"}};
  auto started = cli.Post("/api/refresh", auth, "{}", "application/json");
  ASSERT_TRUE(started);
  ASSERT_EQ(started->status, 202) << started->body;
  std::string id = started->body.substr(started->body.find("\"id\":\"") + 6);
  id = id.substr(0, id.find('"'));
  Result<odata::RefreshSummary> done = (*job)->service().WaitFor(id);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_FALSE(done->succeeded);
  EXPECT_EQ(done->trigger, "api");
  auto run = cli.Get("/api/runs/" + id, auth);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->status, 200);
  EXPECT_NE(run->body.find("\"state\":\"failed\""), std::string::npos) << run->body;
  EXPECT_EQ(run->get_header_value("Cache-Control"), "no-store");
  server.Stop();

  std::vector<RunRow> rows = Rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].job, "odata-refresh");
  EXPECT_EQ(rows[0].status, "failed");
  EXPECT_NE(rows[0].error.find("refresh " + id + " failed in phase loading"), std::string::npos)
      << rows[0].error;
  EXPECT_TRUE(Exposes("lakestream_odata_refreshes_total{trigger=\"api\",status=\"failed\"} 1"))
      << reg_.Expose();
  EXPECT_TRUE(Exposes("lakestream_odata_refresh_last_failed 1"));
}

TEST_F(ODataRefreshJobTest, ServeRunsItAsAJobUnderOneApiToken) {
  ServeConfig c;
  c.state_dir = (dir_ / "serve-state").string();
  c.http = "127.0.0.1:0";
  c.refresh = config_;
  auto app = ServeApp::Make(c);
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  std::vector<std::string> jobs = (*app)->scheduler().job_names();
  EXPECT_NE(std::find(jobs.begin(), jobs.end(), "odata-refresh"), jobs.end());
  app->reset();

  c.api_token = "a-different-token";  // LAKESTREAM_API_TOKEN
  auto two = ServeApp::Make(c);
  EXPECT_TRUE(two.status().IsInvalidArgument());
  EXPECT_NE(two.status().message().find("serve has one API token"), std::string::npos)
      << two.status().ToString();
  c.api_token = "job-test-token";
  EXPECT_TRUE(ServeApp::Make(c).ok());
}

}  // namespace
}  // namespace lakestream::serve
