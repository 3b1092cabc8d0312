#include "common/config_values.h"

#include <gtest/gtest.h>

namespace lakestream {
namespace {

TEST(ConfigValuesTest, DurationsTakeEveryUnitTheConfigsUsed) {
  EXPECT_EQ(*ParseDurationMicros("250ms"), 250000);
  EXPECT_EQ(*ParseDurationMicros("7d"), 7LL * 86400 * 1000000);
  EXPECT_EQ(*ParseDurationMicros("10 s"), 10000000);
  EXPECT_EQ(*ParseDurationMs("10min"), 600000);
  EXPECT_EQ(*ParseDurationMs("10m"), 600000);
  EXPECT_EQ(*ParseDurationMs("2h"), 7200000);
  EXPECT_EQ(*ParseDurationMs("0s"), 0);
}

TEST(ConfigValuesTest, BadDurationsNameTheTextAndTheForms) {
  for (const char* bad : {"10", "-1s", "1 hour", "s", "", "99999999999999999d", "1.5h"}) {
    Result<int64_t> d = ParseDurationMs(bad);
    ASSERT_TRUE(d.status().IsInvalidArgument()) << bad;
    EXPECT_NE(d.status().message().find(std::string("'") + bad + "'"), std::string::npos)
        << d.status().message();
    EXPECT_NE(d.status().message().find("e.g. 30s"), std::string::npos);
  }
}

TEST(ConfigValuesTest, SizesArePowersOf1024InAnyCase) {
  EXPECT_EQ(*ParseByteSize("1024"), 1024);
  EXPECT_EQ(*ParseByteSize("128MB"), 128LL << 20);
  EXPECT_EQ(*ParseByteSize("1GiB"), 1LL << 30);
  EXPECT_EQ(*ParseByteSize("64kb"), 64LL << 10);
  EXPECT_EQ(*ParseByteSize("2g"), 2LL << 30);
  for (const char* bad : {"1TB", "-1", "MB", "99999999999G"}) {
    EXPECT_TRUE(ParseByteSize(bad).status().IsInvalidArgument()) << bad;
  }
}

TEST(ConfigValuesTest, IntegersAreDigitsOnly) {
  EXPECT_EQ(*ParseInt64("-42"), -42);
  EXPECT_EQ(*ParseInt64("200"), 200);
  for (const char* bad : {"", "12x", "1.0", " 1", "99999999999999999999"}) {
    EXPECT_TRUE(ParseInt64(bad).status().IsInvalidArgument()) << bad;
  }
}

}  // namespace
}  // namespace lakestream
