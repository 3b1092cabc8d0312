// Metastore on SQLite files in a temporary directory, with real Delta tables on local disk:
// catalogs and schemas, managed and external tables, ids equal to the Delta metaData id,
// overlapping locations, hostile names and comments, and concurrent creates of one name from
// threads and from processes sharing the file.
#include "catalog/metastore.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "catalog/table_resolver.h"
#include "delta/log_store.h"
#include "delta/operations.h"
#include "delta/snapshot.h"

namespace lakestream::catalog {
namespace {

namespace fs = std::filesystem;

delta::DeltaType TwoColumns() {
  delta::DeltaType t;
  t.kind = delta::DeltaType::Kind::kStruct;
  delta::StructField id;
  id.name = "id";
  id.type.kind = delta::DeltaType::Kind::kLong;
  delta::StructField name;
  name.name = "name";
  name.type.kind = delta::DeltaType::Kind::kString;
  t.fields = {id, name};
  return t;
}

std::string DeltaId(const std::string& location) {
  auto store = delta::LogStore::Open(location);
  if (!store.ok()) return "open failed: " + store.status().ToString();
  auto snap = delta::Snapshot::Load(*store);
  if (!snap.ok()) return "load failed: " + snap.status().ToString();
  return (*snap)->metadata().id;
}

class MetastoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ls_catalog_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "metastore.db").string();
    auto ms = Metastore::Open(db_);
    ASSERT_TRUE(ms.ok()) << ms.status().ToString();
    ms_ = std::move(ms).value();
  }
  void TearDown() override {
    ms_.reset();
    fs::remove_all(dir_);
  }
  ObjectOptions Root(const std::string& sub) {
    ObjectOptions o;
    o.storage_root = (dir_ / sub).string();
    o.owner = "alice";
    return o;
  }
  // A Delta table made outside the catalog (an external table's data).
  std::string MakeDeltaTable(const std::string& sub) {
    std::string loc = (dir_ / sub).string();
    auto store = delta::LogStore::Open(loc);
    EXPECT_TRUE(store.ok());
    EXPECT_TRUE(delta::CreateTable(*store, TwoColumns(), {}).ok());
    return loc;
  }

  fs::path dir_;
  std::string db_;
  std::unique_ptr<Metastore> ms_;
};

TEST_F(MetastoreTest, CatalogsAndSchemasAreCreatedListedAndRefusedTwice) {
  auto info = ms_->Info();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->id.size(), 36u);
  ASSERT_TRUE(ms_->CreateCatalog("Clickstream", Root("cs")).ok());
  auto again = ms_->CreateCatalog("clickstream", {});
  EXPECT_TRUE(again.status().IsAlreadyExists()) << again.status().ToString();
  EXPECT_NE(again.status().message().find("catalog 'clickstream' already exists"),
            std::string::npos);
  ASSERT_TRUE(ms_->CreateCatalog("sap", {}).ok());
  ASSERT_TRUE(ms_->CreateSchema("clickstream.bronze", {}).ok());
  ASSERT_TRUE(ms_->CreateSchema("clickstream.silver", {}).ok());
  EXPECT_TRUE(ms_->CreateSchema("clickstream.bronze", {}).status().IsAlreadyExists());
  EXPECT_TRUE(ms_->CreateSchema("nope.bronze", {}).status().IsNotFound());

  auto cats = ms_->ListCatalogs();
  ASSERT_TRUE(cats.ok());
  ASSERT_EQ(cats->size(), 2u);
  EXPECT_EQ((*cats)[0].name, "clickstream");
  EXPECT_EQ((*cats)[0].owner, "alice");
  EXPECT_EQ((*cats)[0].storage_root, (dir_ / "cs").string());
  auto schemas = ms_->ListSchemas("clickstream");
  ASSERT_TRUE(schemas.ok());
  ASSERT_EQ(schemas->size(), 2u);
  EXPECT_EQ((*schemas)[1].full_name(), "clickstream.silver");
  EXPECT_TRUE(ms_->GetSchema("clickstream.gold").status().IsNotFound());

  // A catalog with schemas is not dropped unless forced.
  Status s = ms_->DropCatalog("clickstream", false);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.message().find("not empty"), std::string::npos);
  ASSERT_TRUE(ms_->DropCatalog("clickstream", true).ok());
  EXPECT_TRUE(ms_->GetCatalog("clickstream").status().IsNotFound());
  EXPECT_TRUE(ms_->GetSchema("clickstream.bronze").status().IsNotFound());
  // The name is free again.
  EXPECT_TRUE(ms_->CreateCatalog("clickstream", {}).ok());
}

TEST_F(MetastoreTest, ManagedTableIsADeltaTableUnderTheNearestRootWithTheSameId) {
  ASSERT_TRUE(ms_->CreateCatalog("cs", Root("catalog_root")).ok());
  ASSERT_TRUE(ms_->CreateSchema("cs.bronze", {}).ok());
  ASSERT_TRUE(ms_->CreateSchema("cs.silver", Root("silver_root")).ok());
  ManagedTableSpec spec{TwoColumns(), {}, {}};

  auto events = ms_->CreateManagedTable("cs.bronze.events", spec, {});
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  EXPECT_EQ(events->type, TableType::kManaged);
  auto catalog = ms_->GetCatalog("cs");
  EXPECT_EQ(events->storage_location, (dir_ / "catalog_root").string() +
                                          "/__unitystorage/catalogs/" + catalog->id +
                                          "/tables/" + events->id);
  EXPECT_EQ(DeltaId(events->storage_location), events->id);

  auto users = ms_->CreateManagedTable("cs.silver.users", spec, {});
  ASSERT_TRUE(users.ok()) << users.status().ToString();
  auto silver = ms_->GetSchema("cs.silver");
  EXPECT_EQ(users->storage_location, (dir_ / "silver_root").string() +
                                         "/__unitystorage/schemas/" + silver->id + "/tables/" +
                                         users->id);
  EXPECT_EQ(DeltaId(users->storage_location), users->id);

  auto got = ms_->GetTable("CS.Bronze.Events");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->id, events->id);
  EXPECT_EQ(got->full_name(), "cs.bronze.events");
  EXPECT_TRUE(ms_->CreateManagedTable("cs.bronze.events", spec, {}).status().IsAlreadyExists());
}

TEST_F(MetastoreTest, ManagedTableFallsBackToTheMetastoreRootAndNeedsSomeRoot) {
  ASSERT_TRUE(ms_->CreateCatalog("c", {}).ok());
  ASSERT_TRUE(ms_->CreateSchema("c.s", {}).ok());
  ManagedTableSpec spec{TwoColumns(), {}, {}};
  auto none = ms_->CreateManagedTable("c.s.t", spec, {});
  ASSERT_FALSE(none.ok());
  EXPECT_TRUE(none.status().IsInvalidArgument());
  EXPECT_NE(none.status().message().find("no storage root"), std::string::npos);
  EXPECT_TRUE(ms_->GetTable("c.s.t").status().IsNotFound());  // rolled back

  ASSERT_TRUE(ms_->SetStorageRoot((dir_ / "ms_root/").string()).ok());
  auto t = ms_->CreateManagedTable("c.s.t", spec, {});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->storage_location,
            (dir_ / "ms_root").string() + "/" + ms_->Info()->id + "/tables/" + t->id);
  EXPECT_EQ(DeltaId(t->storage_location), t->id);
}

TEST_F(MetastoreTest, ExternalTableTakesItsDeltaIdAndRefusesOverlapsAndNonDelta) {
  ASSERT_TRUE(ms_->CreateCatalog("c", {}).ok());
  ASSERT_TRUE(ms_->CreateSchema("c.s", {}).ok());
  std::string loc = MakeDeltaTable("ext/events");
  auto t = ms_->RegisterExternalTable("c.s.events", loc + "/", {});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->type, TableType::kExternal);
  EXPECT_EQ(t->storage_location, loc);
  EXPECT_EQ(t->id, DeltaId(loc));

  // The same Delta table under a second name: refused, naming the first.
  auto twice = ms_->RegisterExternalTable("c.s.events2", loc, {});
  EXPECT_TRUE(twice.status().IsAlreadyExists()) << twice.status().ToString();
  EXPECT_NE(twice.status().message().find("c.s.events"), std::string::npos);
  // A table nested inside a registered one, or one holding it: refused.
  std::string inner = MakeDeltaTable("ext/events/inner");
  auto nested = ms_->RegisterExternalTable("c.s.inner", inner, {});
  EXPECT_TRUE(nested.status().IsInvalidArgument()) << nested.status().ToString();
  EXPECT_NE(nested.status().message().find("overlaps"), std::string::npos);
  // Not a Delta table.
  fs::create_directories(dir_ / "plain");
  auto plain = ms_->RegisterExternalTable("c.s.plain", (dir_ / "plain").string(), {});
  EXPECT_FALSE(plain.ok());
  EXPECT_NE(plain.status().message().find("is not a readable Delta table"), std::string::npos)
      << plain.status().ToString();
  // A `..` in the location.
  auto dots = ms_->RegisterExternalTable("c.s.dots", (dir_ / "ext/../ext/events").string(), {});
  EXPECT_TRUE(dots.status().IsInvalidArgument());
  EXPECT_NE(dots.status().message().find("'..'"), std::string::npos);
  // A sibling whose path shares a prefix is no overlap.
  std::string sibling = MakeDeltaTable("ext/events_b");
  EXPECT_TRUE(ms_->RegisterExternalTable("c.s.events_b", sibling, {}).ok());
}

TEST_F(MetastoreTest, DropRemovesManagedFilesAndKeepsExternalData) {
  ASSERT_TRUE(ms_->CreateCatalog("c", Root("root")).ok());
  ASSERT_TRUE(ms_->CreateSchema("c.s", {}).ok());
  auto managed = ms_->CreateManagedTable("c.s.m", ManagedTableSpec{TwoColumns(), {}, {}}, {});
  ASSERT_TRUE(managed.ok());
  std::string ext = MakeDeltaTable("ext");
  ASSERT_TRUE(ms_->RegisterExternalTable("c.s.e", ext, {}).ok());
  auto tables = ms_->ListTables("c.s");
  ASSERT_TRUE(tables.ok());
  ASSERT_EQ(tables->size(), 2u);
  EXPECT_EQ((*tables)[0].name, "e");
  EXPECT_TRUE(ms_->DropSchema("c.s", false).IsInvalidArgument());

  auto dropped = ms_->DropTable("c.s.m");
  ASSERT_TRUE(dropped.ok()) << dropped.status().ToString();
  EXPECT_TRUE(ms_->GetTable("c.s.m").status().IsNotFound());
  EXPECT_FALSE(fs::exists(managed->storage_location + "/_delta_log/00000000000000000000.json"));
  ASSERT_TRUE(ms_->DropTable("c.s.e").ok());
  EXPECT_EQ(DeltaId(ext).size(), 36u);  // still readable
  EXPECT_TRUE(ms_->DropTable("c.s.e").status().IsNotFound());
}

TEST_F(MetastoreTest, HostileNamesAreRefusedAndHostileTextIsStoredVerbatim) {
  for (std::string bad : std::vector<std::string>{"x'; DROP TABLE uc_catalogs; --", "..", "a/b", "a\nb", "\xe2\x80\xae"}) {
    auto r = ms_->CreateCatalog(bad, {});
    EXPECT_TRUE(r.status().IsInvalidArgument()) << bad;
  }
  ObjectOptions o;
  o.comment = "it's \"quoted\"; DROP TABLE uc_catalogs; -- \xc3\xa9";
  o.properties = {{"k'", "v\"); --"}};
  ASSERT_TRUE(ms_->CreateCatalog("c", o).ok());
  auto c = ms_->GetCatalog("c");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->comment, o.comment);
  EXPECT_EQ(c->properties, o.properties);
  EXPECT_TRUE(ms_->GetTable("c.s.x'--").status().IsInvalidArgument());
}

TEST_F(MetastoreTest, ConcurrentCreatesOfOneNameFromThreadsLeaveOneWinner) {
  ASSERT_TRUE(ms_->CreateCatalog("c", Root("root")).ok());
  ASSERT_TRUE(ms_->CreateSchema("c.s", {}).ok());
  constexpr int kThreads = 6;
  std::atomic<int> won{0}, lost{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      auto ms = Metastore::Open(db_);  // each its own connection, as separate processes have
      if (!ms.ok()) {
        ++other;
        return;
      }
      auto cat = (*ms)->CreateCatalog("race", {});
      auto t = (*ms)->CreateManagedTable("c.s.race", ManagedTableSpec{TwoColumns(), {}, {}}, {});
      if (t.ok()) {
        ++won;
      } else if (t.status().IsAlreadyExists()) {
        ++lost;
      } else {
        ++other;
      }
      (void)cat;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(lost.load(), kThreads - 1);
  EXPECT_EQ(other.load(), 0);
  auto tables = ms_->ListTables("c.s");
  ASSERT_TRUE(tables.ok());
  ASSERT_EQ(tables->size(), 1u);
  EXPECT_EQ(DeltaId((*tables)[0].storage_location), (*tables)[0].id);
  // Only the winner's Delta table was written: the losers failed before any file.
  auto catalog = ms_->GetCatalog("c");
  int table_dirs = 0;
  for (const auto& e : fs::directory_iterator(dir_ / "root/__unitystorage/catalogs" /
                                              catalog->id / "tables")) {
    (void)e;
    ++table_dirs;
  }
  EXPECT_EQ(table_dirs, 1);
  auto cats = ms_->ListCatalogs();
  EXPECT_EQ(cats->size(), 2u);  // c and race, once
}

TEST_F(MetastoreTest, ConcurrentCreatesOfOneNameFromProcessesLeaveOneWinner) {
  ASSERT_TRUE(ms_->CreateCatalog("c", Root("root")).ok());
  ASSERT_TRUE(ms_->CreateSchema("c.s", {}).ok());
  constexpr int kProcs = 4;
  std::vector<pid_t> pids;
  for (int i = 0; i < kProcs; ++i) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      // Exit 0: won; 1: lost (AlreadyExists); 2: anything else.
      auto ms = Metastore::Open(db_);
      if (!ms.ok()) _exit(2);
      std::string ext = (dir_ / ("ext" + std::to_string(i))).string();
      auto store = delta::LogStore::Open(ext);
      if (!store.ok() || !delta::CreateTable(*store, TwoColumns(), {}).ok()) _exit(2);
      auto t = (*ms)->RegisterExternalTable("c.s.shared", ext, {});
      _exit(t.ok() ? 0 : t.status().IsAlreadyExists() ? 1 : 2);
    }
    pids.push_back(pid);
  }
  int won = 0, lost = 0, other = 0;
  for (pid_t pid : pids) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 3;
    (code == 0 ? won : code == 1 ? lost : other)++;
  }
  EXPECT_EQ(won, 1);
  EXPECT_EQ(lost, kProcs - 1);
  EXPECT_EQ(other, 0);
  auto t = ms_->GetTable("c.s.shared");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(DeltaId(t->storage_location), t->id);
  auto all = ms_->ListTables("c.s");
  EXPECT_EQ(all->size(), 1u);
}

TEST_F(MetastoreTest, ResolverTurnsNamesIntoLocationsAndPassesPathsThrough) {
  ASSERT_TRUE(ms_->CreateCatalog("c", Root("root")).ok());
  ASSERT_TRUE(ms_->CreateSchema("c.s", {}).ok());
  auto t = ms_->CreateManagedTable("c.s.t", ManagedTableSpec{TwoColumns(), {}, {}}, {});
  ASSERT_TRUE(t.ok());
  auto r = ResolveTable("c.s.t", db_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->location, t->storage_location);
  ASSERT_TRUE(r->table.has_value());
  EXPECT_EQ(r->table->id, t->id);
  auto path = ResolveTable("/data/x.y.z", db_);
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(path->location, "/data/x.y.z");
  EXPECT_FALSE(path->table.has_value());
  EXPECT_TRUE(ResolveTable("c.s.missing", db_).status().IsNotFound());
  auto no_ms = ResolveTable("c.s.t", "");
  EXPECT_TRUE(no_ms.status().IsInvalidArgument());
  EXPECT_NE(no_ms.status().message().find("--metastore"), std::string::npos);
  EXPECT_TRUE(ResolveTable("c.s.t;x", db_).status().IsInvalidArgument());
}

TEST(StorageLocationTest, CanonicalFormsAndOverlap) {
  EXPECT_EQ(*CanonicalStorageLocation("/a/b/"), "/a/b");
  EXPECT_EQ(*CanonicalStorageLocation("/a//b/./c"), "/a/b/c");
  EXPECT_TRUE(CanonicalStorageLocation("/a/../b").status().IsInvalidArgument());
  EXPECT_TRUE(CanonicalStorageLocation("/a/b\n").status().IsInvalidArgument());
  EXPECT_EQ(CanonicalStorageLocation("rel/x")->front(), '/');
  EXPECT_TRUE(LocationsOverlap("/a/b", "/a/b"));
  EXPECT_TRUE(LocationsOverlap("/a/b", "/a/b/c"));
  EXPECT_TRUE(LocationsOverlap("/a/b/c", "/a/b"));
  EXPECT_FALSE(LocationsOverlap("/a/b", "/a/bc"));
  EXPECT_FALSE(LocationsOverlap("/a/b", "/a/c"));
}

}  // namespace
}  // namespace lakestream::catalog
