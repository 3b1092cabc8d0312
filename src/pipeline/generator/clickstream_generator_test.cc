#include "pipeline/generator/clickstream_generator.h"

#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/time_format.h"

namespace lakestream::pipeline {
namespace {

using nlohmann::json;

std::unique_ptr<ClickstreamGenerator> MakeGenerator(const GeneratorOptions& options) {
  auto result = ClickstreamGenerator::Create(options);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return std::move(result).value();
}

bool IsUuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (s[i] == '-')) return false;
    if (!dash && !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// The fields of a good event, in order, with the JSON type each must have.
const std::vector<std::pair<std::string, json::value_t>>& ExpectedFields() {
  static const std::vector<std::pair<std::string, json::value_t>> fields = {
      {"event_id", json::value_t::string},
      {"user_id", json::value_t::number_unsigned},
      {"session_id", json::value_t::string},
      {"device_id", json::value_t::string},
      {"event_type", json::value_t::string},
      {"event_time", json::value_t::string},
      {"page_url", json::value_t::string},
      {"referrer", json::value_t::string},
      {"user_agent", json::value_t::string},
      {"ip", json::value_t::string},
      {"country", json::value_t::string},
      {"city", json::value_t::string},
      {"os", json::value_t::string},
      {"browser", json::value_t::string},
      {"screen_width", json::value_t::number_unsigned},
      {"screen_height", json::value_t::number_unsigned},
      {"duration_ms", json::value_t::number_unsigned},
      {"revenue", json::value_t::number_float},
      {"app_version", json::value_t::string},
      {"logged_in", json::value_t::boolean},
      {"properties", json::value_t::object},
  };
  return fields;
}

// Returns "" if `line` is a well-formed event, else why not.
std::string CheckEvent(const std::string& line) {
  json event = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (event.is_discarded()) return "not JSON";
  if (!event.is_object()) return "not an object";
  if (event.size() != ExpectedFields().size()) return "wrong field count";
  for (const auto& [name, type] : ExpectedFields()) {
    if (!event.contains(name)) return "missing " + name;
    const json& v = event[name];
    const bool nullable = name == "referrer" || name == "revenue";
    if (v.is_null() && nullable) continue;
    if (v.type() != type) return "wrong type for " + name;
  }
  if (!IsUuid(event["event_id"])) return "event_id is not a UUID";
  if (!IsUuid(event["device_id"])) return "device_id is not a UUID";
  const std::string time = event["event_time"];
  std::optional<int64_t> parsed = ParseTimestampMicros(time);
  if (!parsed || FormatTimestampMicros(*parsed) != time) return "bad event_time " + time;
  if (event["screen_width"].get<int64_t>() > INT32_MAX) return "screen_width overflows int32";
  if (event["duration_ms"].get<int64_t>() > INT32_MAX) return "duration_ms overflows int32";
  if (event["revenue"].is_null() == (event["event_type"] == "purchase")) {
    return "revenue must be set exactly for purchases";
  }
  return "";
}

TEST(ClickstreamGeneratorTest, SameSeedGivesSameBytesDifferentSeedDoesNot) {
  GeneratorOptions options;
  options.seed = 1234;
  options.malformed_rate = 0.05;
  options.duplicate_rate = 0.05;
  auto a = MakeGenerator(options);
  auto b = MakeGenerator(options);
  options.seed = 1235;
  auto c = MakeGenerator(options);
  int differing = 0;
  for (int i = 0; i < 5000; ++i) {
    const std::string line = a->Next();
    ASSERT_EQ(line, b->Next()) << "line " << i;
    differing += line != c->Next();
  }
  EXPECT_GT(differing, 4900);
}

TEST(ClickstreamGeneratorTest, EveryGoodLineParsesWithTheExpectedFieldsAndTypes) {
  auto gen = MakeGenerator(GeneratorOptions{});
  std::set<std::string> event_types;
  int purchases = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::string line = gen->Next();
    ASSERT_EQ(gen->last_kind(), EventKind::kGood);
    ASSERT_EQ(CheckEvent(line), "") << line;
    // Field order is part of the format.
    const auto ordered = nlohmann::ordered_json::parse(line);
    size_t field = 0;
    for (const auto& item : ordered.items()) {
      ASSERT_EQ(item.key(), ExpectedFields()[field++].first);
    }
    const json event = json::parse(line);
    event_types.insert(event["event_type"]);
    purchases += event["event_type"] == "purchase";
  }
  EXPECT_GE(event_types.size(), 10u);
  EXPECT_GT(purchases, 50);
  EXPECT_EQ(gen->malformed(), 0u);
  EXPECT_EQ(gen->duplicates(), 0u);
}

TEST(ClickstreamGeneratorTest, EventTypesAreSkewedTowardsPageViewsAndClicks) {
  auto gen = MakeGenerator(GeneratorOptions{});
  std::map<std::string, int> counts;
  constexpr int kEvents = 50000;
  for (int i = 0; i < kEvents; ++i) counts[json::parse(gen->NextView())["event_type"]]++;
  EXPECT_GT(counts["page_view"], kEvents * 0.35);
  EXPECT_GT(counts["page_view"], counts["click"]);
  EXPECT_GT(counts["click"], counts["add_to_cart"]);
  EXPECT_GT(counts["add_to_cart"], counts["purchase"]);
  EXPECT_LT(counts["purchase"], kEvents * 0.03);
}

TEST(ClickstreamGeneratorTest, MalformedAndDuplicateRatesAreWithinTolerance) {
  GeneratorOptions options;
  options.seed = 99;
  options.malformed_rate = 0.05;
  options.duplicate_rate = 0.03;
  options.duplicate_window = 500;
  auto gen = MakeGenerator(options);
  constexpr int kLines = 100000;
  std::unordered_set<std::string> seen_ids;
  std::deque<std::string> recent_good;
  std::unordered_set<std::string> recent_set;
  std::map<EventKind, int> kinds;
  int bad = 0, dup = 0;
  for (int i = 0; i < kLines; ++i) {
    const std::string line = gen->Next();
    kinds[gen->last_kind()]++;
    const std::string why = CheckEvent(line);
    if (!why.empty()) {
      ++bad;
      ASSERT_TRUE(gen->last_was_malformed()) << why << ": " << line;
      continue;
    }
    ASSERT_FALSE(gen->last_was_malformed()) << line;
    const std::string id = json::parse(line)["event_id"];
    if (!seen_ids.insert(id).second) {
      ++dup;
      ASSERT_EQ(gen->last_kind(), EventKind::kDuplicate);
      // An exact resend of one of the last duplicate_window good lines.
      ASSERT_TRUE(recent_set.count(line)) << line;
      continue;
    }
    ASSERT_EQ(gen->last_kind(), EventKind::kGood);
    recent_good.push_back(line);
    recent_set.insert(line);
    if (recent_good.size() > 500) {
      recent_set.erase(recent_good.front());
      recent_good.pop_front();
    }
  }
  EXPECT_EQ(gen->generated(), static_cast<uint64_t>(kLines));
  EXPECT_EQ(gen->malformed(), static_cast<uint64_t>(bad));
  EXPECT_EQ(gen->duplicates(), static_cast<uint64_t>(dup));
  EXPECT_NEAR(bad / double(kLines), 0.05, 0.005);
  EXPECT_NEAR(dup / double(kLines), 0.03, 0.004);
  // Every kind of damage shows up.
  EXPECT_GT(kinds[EventKind::kMalformedTruncated], 1000);
  EXPECT_GT(kinds[EventKind::kMalformedWrongType], 1000);
  EXPECT_GT(kinds[EventKind::kMalformedNoEventId], 500);
}

TEST(ClickstreamGeneratorTest, AverageLineIsAbout700Bytes) {
  auto gen = MakeGenerator(GeneratorOptions{});
  size_t total = 0;
  constexpr int kLines = 50000;
  for (int i = 0; i < kLines; ++i) total += gen->NextView().size();
  const double average = static_cast<double>(total) / kLines;
  EXPECT_GE(average, 600);
  EXPECT_LE(average, 800);
}

TEST(ClickstreamGeneratorTest, UsersKeepTheirAttributesAndChangeThemRarely) {
  GeneratorOptions options;
  options.users = 2000;
  options.attribute_change_rate = 0.002;
  auto gen = MakeGenerator(options);
  std::map<int64_t, std::string> last_attributes;
  int repeats = 0, changes = 0;
  for (int i = 0; i < 60000; ++i) {
    json e = json::parse(gen->NextView());
    const std::string attrs = e["country"].get<std::string>() + "|" + e["city"].get<std::string>() +
                              "|" + e["os"].get<std::string>() + "|" +
                              e["browser"].get<std::string>() + "|" + e["ip"].get<std::string>();
    auto [it, inserted] = last_attributes.try_emplace(e["user_id"].get<int64_t>(), attrs);
    if (inserted) continue;
    ++repeats;
    if (it->second != attrs) {
      ++changes;
      it->second = attrs;
    }
  }
  EXPECT_GT(last_attributes.size(), 1500u);
  EXPECT_GT(changes, 20);               // something for a slowly changing dimension to track
  EXPECT_LT(changes, repeats * 0.005);  // but mostly stable
}

TEST(ClickstreamGeneratorTest, EventTimeAdvancesFromTheStartTime) {
  GeneratorOptions options;
  options.start_time_us = *ParseTimestampMicros("2026-11-24T10:00:00Z");
  options.events_per_second = 100;
  options.late_rate = 0.02;
  auto gen = MakeGenerator(options);
  int64_t previous = options.start_time_us;
  int late = 0;
  constexpr int kEvents = 36000;
  for (int i = 0; i < kEvents; ++i) {
    json e = json::parse(gen->NextView());
    const int64_t t = *ParseTimestampMicros(e["event_time"].get<std::string>());
    ASSERT_GE(t, options.start_time_us - options.max_lateness_us);
    ASSERT_LE(t, gen->clock_us());
    if (t < previous) {
      ++late;
    } else {
      previous = t;
    }
  }
  // ~100 events/s with a daily cycle: 36000 events span several minutes to hours.
  const double elapsed_s = (gen->clock_us() - options.start_time_us) / 1e6;
  EXPECT_GT(elapsed_s, 200);
  EXPECT_LT(elapsed_s, 800);
  EXPECT_NEAR(late / double(kEvents), 0.02, 0.01);
}

TEST(ClickstreamGeneratorTest, SessionsGroupSeveralEventsOfOneUser) {
  GeneratorOptions options;
  options.users = 500;  // few enough that most sessions finish inside the sample
  auto gen = MakeGenerator(options);
  std::map<std::string, std::set<int64_t>> users_by_session;
  constexpr int kEvents = 30000;
  for (int i = 0; i < kEvents; ++i) {
    json e = json::parse(gen->NextView());
    users_by_session[e["session_id"]].insert(e["user_id"].get<int64_t>());
  }
  for (const auto& [session, users] : users_by_session) ASSERT_EQ(users.size(), 1u) << session;
  const double per_session = kEvents / double(users_by_session.size());
  EXPECT_GT(per_session, 4);
  EXPECT_LT(per_session, 30);
}

TEST(ClickstreamGeneratorTest, RejectsOutOfRangeOptions) {
  GeneratorOptions options;
  options.malformed_rate = 1.5;
  EXPECT_TRUE(ClickstreamGenerator::Create(options).status().IsInvalidArgument());
  options = {};
  options.malformed_rate = 0.6;
  options.duplicate_rate = 0.6;
  EXPECT_TRUE(ClickstreamGenerator::Create(options).status().IsInvalidArgument());
  options = {};
  options.users = 0;
  EXPECT_TRUE(ClickstreamGenerator::Create(options).status().IsInvalidArgument());
  options = {};
  options.events_per_second = 0;
  EXPECT_TRUE(ClickstreamGenerator::Create(options).status().IsInvalidArgument());
}

TEST(ClickstreamGeneratorTest, AppendNextAppendsTheSameLineNextWouldReturn) {
  auto a = MakeGenerator(GeneratorOptions{});
  auto b = MakeGenerator(GeneratorOptions{});
  std::string out = "prefix";
  a->AppendNext(&out);
  EXPECT_EQ(out, "prefix" + b->Next());
}

}  // namespace
}  // namespace lakestream::pipeline
