#include "stream/dedup_rebuild.h"

#include <gtest/gtest.h>

#include <set>

#include "delta/operations.h"
#include "delta/write_test_util.h"

namespace lakestream::stream {
namespace {

// The dedup state rebuilt from a table skips rows a deletion vector deletes: a deleted
// event's key is not "seen", so its redelivery is not dropped as a duplicate.
TEST(DedupRebuildTest, RowsDeletedByDeletionVectorsAreNotSeenKeys) {
  auto fs = io::NewMemoryFileSystem();
  auto store = std::make_shared<delta::LogStore>(fs, "/events");
  delta::WriteRequest req;
  req.configuration = {{"delta.enableDeletionVectors", "true"}};
  ASSERT_TRUE(delta::WriteRows(store, delta::testing::EventSchema(),
                               delta::testing::EventRows(0, 10), req)
                  .ok());
  auto d = delta::DeleteWhere(store, "id = 2 OR id = 5");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_EQ(d->deletion_vectors_added, 1);
  auto snap = delta::Snapshot::Load(store).value();
  RecentKeysScan scan;
  scan.key_column = "id";
  scan.time_column = "ts";
  std::set<std::string> keys;
  Status s = ScanRecentKeysFromSnapshot(*snap, scan, [&](std::string_view k, int64_t) {
    keys.insert(std::string(k));
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(keys, (std::set<std::string>{"0", "1", "3", "4", "6", "7", "8", "9"}));
}

}  // namespace
}  // namespace lakestream::stream
