#include "common/logger.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/manual_clock.h"

namespace lakestream {
namespace {

class LoggerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    logger_.SetClock(&clock_);
    logger_.SetSink([this](std::string_view l) { lines_.emplace_back(l); });
  }
  ManualClock clock_{int64_t{1764021600123} * 1000};  // 2025-11-24T22:00:00.123Z
  Logger logger_;
  std::vector<std::string> lines_;
};

TEST_F(LoggerTest, JsonLinesCarryLevelComponentMessageAndFields) {
  logger_.SetFormat(LogFormat::kJson);
  logger_.Error("serve", "stream \"failed\"", {{"job", "stream"}, {"error", "IOError: x\ny"}});
  ASSERT_EQ(lines_.size(), 1u);
  auto j = nlohmann::json::parse(lines_[0]);
  EXPECT_EQ(j["ts"], "2025-11-24T22:00:00.123Z");
  EXPECT_EQ(j["level"], "error");
  EXPECT_EQ(j["component"], "serve");
  EXPECT_EQ(j["msg"], "stream \"failed\"");
  EXPECT_EQ(j["job"], "stream");
  EXPECT_EQ(j["error"], "IOError: x\ny");
}

TEST_F(LoggerTest, TextLinesQuoteValuesWithSpaces) {
  logger_.Info("ingest", "batch committed", {{"rows", "512"}, {"table", "/tmp/a b"}});
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(lines_[0],
            "2025-11-24T22:00:00.123Z INFO ingest: batch committed rows=512 table=\"/tmp/a b\"");
}

TEST_F(LoggerTest, LinesBelowTheMinimumLevelAreDropped) {
  logger_.SetMinLevel(LogLevel::kWarn);
  logger_.Info("x", "dropped");
  logger_.Debug("x", "dropped");
  logger_.Warn("x", "kept");
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_NE(lines_[0].find("WARN x: kept"), std::string::npos);
}

TEST_F(LoggerTest, ParsesLevelsAndFormats) {
  EXPECT_EQ(ParseLogLevel("warn"), LogLevel::kWarn);
  EXPECT_EQ(ParseLogLevel("loud"), std::nullopt);
  EXPECT_EQ(ParseLogFormat("json"), LogFormat::kJson);
  EXPECT_EQ(ParseLogFormat("xml"), std::nullopt);
}

}  // namespace
}  // namespace lakestream
