#include "serve/metered_file_system.h"

#include <gtest/gtest.h>

#include "io/fault_injection_file_system.h"

namespace lakestream::serve {
namespace {

double Sample(const std::string& text, const std::string& series) {
  size_t at = text.find("\n" + series + " ");
  EXPECT_NE(at, std::string::npos) << series << " not in\n" << text;
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

TEST(MeteredFileSystemTest, CountsRequestsAndRealErrorsButNotExpectedOutcomes) {
  metrics::Registry reg;
  auto fs = NewMeteredFileSystem(io::NewMemoryFileSystem(), &reg);
  ASSERT_TRUE(fs.ok());
  ASSERT_TRUE((*fs)->PutIfAbsent("/t/_delta_log/0.json", "{}").ok());
  EXPECT_TRUE((*fs)->PutIfAbsent("/t/_delta_log/0.json", "{}").IsAlreadyExists());
  EXPECT_TRUE((*fs)->Stat("/t/missing").status().IsNotFound());
  ASSERT_TRUE((*fs)->ReadFile("/t/_delta_log/0.json").ok());
  ASSERT_TRUE((*fs)->List("/t/").ok());
  const std::string text = reg.Expose();
  EXPECT_EQ(Sample(text, "lakestream_storage_requests_total{op=\"put_if_absent\"}"), 2);
  EXPECT_EQ(Sample(text, "lakestream_storage_errors_total{op=\"put_if_absent\"}"), 0);
  EXPECT_EQ(Sample(text, "lakestream_storage_errors_total{op=\"stat\"}"), 0);
  EXPECT_GE(Sample(text, "lakestream_storage_requests_total{op=\"read\"}"), 1);
  EXPECT_EQ(Sample(text, "lakestream_storage_requests_total{op=\"list\"}"), 1);
}

TEST(MeteredFileSystemTest, InjectedStorageFailuresAreCountedByOperation) {
  metrics::Registry reg;
  auto faulty = std::make_shared<io::FaultInjectionFileSystem>(io::NewMemoryFileSystem());
  faulty->FailNth(io::FsOp::kPutIfAbsent, 1, io::FaultInjectionFileSystem::Fault::kIOError, 2);
  faulty->FailNth(io::FsOp::kList, 1);
  auto fs = NewMeteredFileSystem(faulty, &reg);
  ASSERT_TRUE(fs.ok());
  EXPECT_TRUE((*fs)->PutIfAbsent("/a", "x").IsIOError());
  EXPECT_TRUE((*fs)->PutIfAbsent("/a", "x").IsIOError());
  EXPECT_TRUE((*fs)->PutIfAbsent("/a", "x").ok());
  EXPECT_TRUE((*fs)->List("/").status().IsIOError());
  const std::string text = reg.Expose();
  EXPECT_EQ(Sample(text, "lakestream_storage_errors_total{op=\"put_if_absent\"}"), 2);
  EXPECT_EQ(Sample(text, "lakestream_storage_requests_total{op=\"put_if_absent\"}"), 3);
  EXPECT_EQ(Sample(text, "lakestream_storage_errors_total{op=\"list\"}"), 1);
}

}  // namespace
}  // namespace lakestream::serve
