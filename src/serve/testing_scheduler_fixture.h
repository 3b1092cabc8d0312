// SchedulerFixture (tests only): a scheduler with a real run log in a fresh
// temporary state directory per test and a metrics registry, as serve wires
// them; the scheduler and the job tests share it.
//
// Thread-safety: as a gtest fixture. Ownership: owns everything; TearDown
// destroys the scheduler before the run log and removes the directory.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "metrics/registry.h"
#include "serve/run_log.h"
#include "serve/scheduler.h"

namespace lakestream::serve::testing {

class SchedulerFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("serve_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    RunLogOptions ro;
    ro.state_dir = (dir_ / "state").string();
    run_log_ = std::move(*RunLog::Open(ro));
    SchedulerOptions so;
    so.registry = &reg_;
    so.run_log = run_log_.get();
    scheduler_ = std::move(*Scheduler::Make(so));
  }
  void TearDown() override {
    scheduler_.reset();
    run_log_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Every run-log row so far (flushed first).
  std::vector<RunRow> Rows() {
    EXPECT_TRUE(run_log_->Flush().ok());
    Result<std::vector<RunRow>> rows = run_log_->Read(0, false);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? *rows : std::vector<RunRow>{};
  }

  std::filesystem::path dir_;
  metrics::Registry reg_;
  std::unique_ptr<RunLog> run_log_;
  std::unique_ptr<Scheduler> scheduler_;
};

}  // namespace lakestream::serve::testing
