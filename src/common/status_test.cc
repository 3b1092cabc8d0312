#include "common/status.h"

#include <gtest/gtest.h>

namespace lakestream {
namespace {

Result<int> ParsePositive(int v) {
  if (v <= 0) return Status::InvalidArgument("value " + std::to_string(v) + " is not positive");
  return v;
}

Status Chain(int v, int* out) {
  ASSIGN_OR_RETURN(*out, ParsePositive(v));
  RETURN_IF_ERROR(Status::OK());
  return Status::OK();
}

TEST(StatusTest, OkHasNoMessageAndPrintsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
  EXPECT_EQ(s.message(), "");
}

TEST(StatusTest, ErrorCarriesCodeAndMessage) {
  Status s = Status::Corruption("parquet: f.parquet: bad magic");
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_EQ(s.ToString(), "Corruption: parquet: f.parquet: bad magic");
}

TEST(StatusTest, WithContextPrefixesMessage) {
  Status s = Status::IOError("short read").WithContext("io: /tmp/x");
  EXPECT_EQ(s.message(), "io: /tmp/x: short read");
  EXPECT_TRUE(s.IsIOError());
  EXPECT_TRUE(Status::OK().WithContext("ignored").ok());
}

TEST(StatusTest, OutcomeUnknownFlagKeepsCodeAndSurvivesContext) {
  Status s = Status::IOError("put timed out").WithOutcomeUnknown();
  EXPECT_TRUE(s.outcome_unknown());
  EXPECT_TRUE(s.IsIOError());
  EXPECT_EQ(s.message(), "put timed out");
  Status wrapped = s.WithContext("stream: commit to /t");
  EXPECT_TRUE(wrapped.outcome_unknown());
  EXPECT_EQ(wrapped.message(), "stream: commit to /t: put timed out");
  // The flag is a flag, not words: a message that says so does not set it.
  EXPECT_FALSE(Status::IOError("commit 3 outcome unknown").outcome_unknown());
  EXPECT_FALSE(Status::OK().outcome_unknown());
  EXPECT_TRUE(Status::OK().WithOutcomeUnknown().ok());
}

TEST(StatusTest, MacrosPropagateErrorsAndValues) {
  int out = 0;
  EXPECT_TRUE(Chain(5, &out).ok());
  EXPECT_EQ(out, 5);
  Status s = Chain(-1, &out);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_EQ(out, 5);
}

TEST(StatusTest, ResultValueOr) {
  EXPECT_EQ(ParsePositive(-3).ValueOr(7), 7);
  EXPECT_EQ(ParsePositive(3).ValueOr(7), 3);
}

}  // namespace
}  // namespace lakestream
