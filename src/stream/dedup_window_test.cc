#include "stream/dedup_window.h"

#include <gtest/gtest.h>

namespace lakestream::stream {
namespace {

constexpr int64_t kHour = 3600LL * 1000000;

TEST(DedupWindowTest, StagedKeysAreSeenAtOnceAndCommittedOnlyOnCommit) {
  DedupWindow w(24 * kHour);
  const uint64_t a = HashDedupKey("a");
  EXPECT_FALSE(w.Contains(a));
  w.Stage(a, 10 * kHour);
  EXPECT_TRUE(w.Contains(a));  // a duplicate later in the same batch
  w.DiscardStaged();           // the batch failed
  EXPECT_FALSE(w.Contains(a));
  w.Stage(a, 10 * kHour);
  w.CommitStaged();
  EXPECT_TRUE(w.Contains(a));
  EXPECT_EQ(w.size(), 1u);
  EXPECT_EQ(w.watermark_us(), 10 * kHour);
}

TEST(DedupWindowTest, SealedKeysCommitWithoutTheKeysStagedAfterThem) {
  DedupWindow w(24 * kHour);
  const uint64_t a = HashDedupKey("a"), b = HashDedupKey("b");
  w.Stage(a, 10 * kHour);
  w.SealStaged();          // batch 1 goes to the committer
  w.Stage(b, 11 * kHour);  // batch 2 is being built
  EXPECT_TRUE(w.Contains(a));
  EXPECT_TRUE(w.Contains(b));
  w.CommitSealed();  // batch 1 is durable
  EXPECT_EQ(w.size(), 1u);
  EXPECT_EQ(w.staged(), 1u);
  EXPECT_EQ(w.watermark_us(), 10 * kHour);
  EXPECT_TRUE(w.Contains(a));
  EXPECT_TRUE(w.Contains(b));
  w.DiscardStaged();  // batch 2 failed
  EXPECT_TRUE(w.Contains(a));
  EXPECT_FALSE(w.Contains(b));
  // Sealing everything then committing the seal commits all.
  w.Stage(b, 11 * kHour);
  w.SealStaged();
  w.CommitSealed();
  EXPECT_EQ(w.size(), 2u);
  EXPECT_EQ(w.staged(), 0u);
}

TEST(DedupWindowTest, KeysOlderThanTheWindowAreEvictedByBucket) {
  DedupWindow w(24 * kHour);
  w.InsertCommitted(HashDedupKey("old"), 1 * kHour + 5);
  w.InsertCommitted(HashDedupKey("mid"), 20 * kHour);
  w.Evict();
  EXPECT_EQ(w.num_buckets(), 2u);
  // Watermark 26h: the window starts at 2h; the bucket [1h,2h) ends there.
  w.Stage(HashDedupKey("new"), 26 * kHour);
  w.CommitStaged();
  EXPECT_FALSE(w.Contains(HashDedupKey("old")));
  EXPECT_TRUE(w.Contains(HashDedupKey("mid")));
  EXPECT_TRUE(w.Contains(HashDedupKey("new")));
  // A late event older than the window is still checked against what is left.
  EXPECT_TRUE(w.Contains(HashDedupKey("mid")));
}

TEST(DedupWindowTest, AKeySeenAgainLaterMovesToTheNewerBucket) {
  DedupWindow w(2 * kHour);
  w.InsertCommitted(HashDedupKey("k"), 0);
  w.InsertCommitted(HashDedupKey("k"), 3 * kHour);
  w.InsertCommitted(HashDedupKey("x"), 4 * kHour);
  w.Evict();  // horizon 2h: bucket [0,1h) goes, but k lives on in [3h,4h)
  EXPECT_TRUE(w.Contains(HashDedupKey("k")));
  EXPECT_EQ(w.size(), 2u);
}

TEST(DedupWindowTest, HashIsStableAndSpreads) {
  EXPECT_EQ(HashDedupKey("event-1"), HashDedupKey("event-1"));
  EXPECT_NE(HashDedupKey("event-1"), HashDedupKey("event-2"));
  EXPECT_NE(HashDedupKey(""), 0u);
}

}  // namespace
}  // namespace lakestream::stream
