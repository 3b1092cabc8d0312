#include "stream/flat_key_map.h"

#include <gtest/gtest.h>

#include <random>
#include <unordered_map>

namespace lakestream::stream {
namespace {

// Checks the map against a reference after a sequence of operations.
void ExpectSame(const FlatKeyMap& m, const std::unordered_map<uint64_t, int64_t>& ref) {
  ASSERT_EQ(m.size(), ref.size());
  for (const auto& [k, v] : ref) {
    const int64_t* got = m.Find(k);
    ASSERT_NE(got, nullptr) << "key " << k;
    EXPECT_EQ(*got, v) << "key " << k;
  }
  size_t seen = 0;
  m.ForEach([&](uint64_t k, int64_t v) {
    ++seen;
    auto it = ref.find(k);
    ASSERT_NE(it, ref.end()) << "stray key " << k;
    EXPECT_EQ(it->second, v);
  });
  EXPECT_EQ(seen, ref.size());
}

TEST(FlatKeyMapTest, RandomInsertsAndErasesMatchAReferenceMap) {
  FlatKeyMap m;
  std::unordered_map<uint64_t, int64_t> ref;
  std::mt19937_64 rng(7);
  std::vector<uint64_t> keys;
  for (int i = 0; i < 200000; ++i) {
    const int op = static_cast<int>(rng() % 3);
    if (op < 2 || keys.empty()) {
      uint64_t k = rng();
      if (k == 0) continue;
      auto [v, inserted] = m.Emplace(k, i);
      bool ref_inserted = ref.emplace(k, i).second;
      ASSERT_EQ(inserted, ref_inserted);
      EXPECT_EQ(*v, ref[k]);
      if (inserted) keys.push_back(k);
    } else {
      size_t idx = rng() % keys.size();
      uint64_t k = keys[idx];
      keys[idx] = keys.back();
      keys.pop_back();
      ASSERT_TRUE(m.Erase(k));
      ref.erase(k);
      EXPECT_FALSE(m.Contains(k));
    }
  }
  ExpectSame(m, ref);
  EXPECT_FALSE(m.Erase(12345));
}

TEST(FlatKeyMapTest, ErasingInsideOneLongProbeRunThatWrapsKeepsEveryOtherKey) {
  // Keys whose high bits are all ones share the last home slot, so their
  // probe run wraps around the end of the table; keys homed at slot 0 join it.
  FlatKeyMap m;
  std::unordered_map<uint64_t, int64_t> ref;
  for (uint64_t i = 1; i <= 300; ++i) {
    uint64_t k = i % 2 ? ~uint64_t{0} - i : i;  // homes: last slot, or slot 0
    m.Emplace(k, static_cast<int64_t>(i));
    ref.emplace(k, static_cast<int64_t>(i));
  }
  ExpectSame(m, ref);
  for (uint64_t i = 1; i <= 300; i += 3) {
    uint64_t k = i % 2 ? ~uint64_t{0} - i : i;
    ASSERT_TRUE(m.Erase(k));
    ref.erase(k);
    ExpectSame(m, ref);
  }
}

TEST(FlatKeyMapTest, EmplaceKeepsTheExistingValueAndClearKeepsWorking) {
  FlatKeyMap m;
  EXPECT_EQ(m.Find(5), nullptr);
  EXPECT_TRUE(m.Emplace(5, 10).second);
  auto [v, inserted] = m.Emplace(5, 20);
  EXPECT_FALSE(inserted);
  EXPECT_EQ(*v, 10);
  *v = 30;
  EXPECT_EQ(*m.Find(5), 30);
  // Key 0 is stored (as 1, the empty-slot marker being 0).
  EXPECT_TRUE(m.Emplace(0, 1).second);
  EXPECT_TRUE(m.Contains(0));
  m.Clear();
  EXPECT_TRUE(m.empty());
  EXPECT_FALSE(m.Contains(5));
  EXPECT_TRUE(m.Emplace(5, 1).second);
  EXPECT_EQ(m.size(), 1u);
}

}  // namespace
}  // namespace lakestream::stream
