// Snapshot load time for a large Delta log: 10,000 commits adding 100,000
// live files (10 per commit, with stats), loaded from JSON commits only and
// from a checkpoint at the last version. The log is generated directly with
// LogStore and actions (no data files). Best of --repeat runs.
//
// usage: delta_snapshot_bench [--dir DIR] [--commits N] [--files-per-commit K] [--repeat R]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "delta/checkpoint_writer.h"
#include "delta/log_store.h"
#include "delta/schema.h"
#include "delta/snapshot.h"

using namespace lakestream;
using namespace lakestream::delta;

namespace {

double Seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int Die(const Status& s) {
  std::fprintf(stderr, "delta_snapshot_bench: %s\n", s.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = "/tmp/lakestream_delta_snapshot_bench";
  int64_t commits = 10000, per_commit = 10;
  int repeat = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--dir")
      dir = argv[i + 1];
    else if (a == "--commits")
      commits = std::atoll(argv[i + 1]);
    else if (a == "--files-per-commit")
      per_commit = std::atoll(argv[i + 1]);
    else if (a == "--repeat")
      repeat = std::atoi(argv[i + 1]);
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto store = std::make_shared<LogStore>(io::NewLocalFileSystem(), dir);

  auto t0 = std::chrono::steady_clock::now();
  Metadata m;
  m.id = "00000000-0000-4000-8000-000000000000";
  m.schema_string =
      R"({"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}},)"
      R"({"name":"day","type":"string","nullable":true,"metadata":{}}]})";
  m.partition_columns = {"day"};
  m.created_time = 1700000000000;
  int64_t file_no = 0;
  for (int64_t v = 0; v < commits; ++v) {
    std::vector<Action> actions;
    CommitInfo ci;
    ci.json = R"({"timestamp":1700000000000,"operation":"WRITE","engineInfo":"lakestream/0.1.0"})";
    actions.push_back(ci);
    if (v == 0) {
      actions.push_back(Protocol{});
      actions.push_back(m);
    }
    for (int64_t k = 0; k < per_commit; ++k, ++file_no) {
      AddFile a;
      std::string day = "2026-01-" + std::to_string(10 + file_no % 20);
      a.path = "day=" + day + "/part-" + std::to_string(file_no) +
               "-4a5b6c7d-0000-4000-8000-000000000000.c000.zstd.parquet";
      a.partition_values["day"] = day;
      a.size = 1000 + file_no;
      a.modification_time = 1700000000000 + v;
      a.stats = R"({"numRecords":100,"minValues":{"id":)" + std::to_string(file_no * 100) +
                R"(},"maxValues":{"id":)" + std::to_string(file_no * 100 + 99) +
                R"(},"nullCount":{"id":0}})";
      actions.push_back(std::move(a));
    }
    Status s = store->WriteCommit(v, SerializeCommit(actions));
    if (!s.ok()) return Die(s);
  }
  std::printf("generated %lld commits, %lld files in %.1f s (%s)\n",
              static_cast<long long>(commits), static_cast<long long>(file_no), Seconds(t0),
              dir.c_str());

  auto best_load = [&](const char* label) -> int {
    double best = 1e9;
    size_t files = 0;
    for (int r = 0; r < repeat; ++r) {
      auto t = std::chrono::steady_clock::now();
      auto snap = Snapshot::Load(store);
      double s = Seconds(t);
      if (!snap.ok()) return Die(snap.status());
      files = (*snap)->files().size();
      best = std::min(best, s);
    }
    std::printf("%-28s %8.3f s  (%zu live files, best of %d)\n", label, best, files, repeat);
    return 0;
  };
  if (int rc = best_load("load, JSON commits only")) return rc;
  auto snap = Snapshot::Load(store);
  if (!snap.ok()) return Die(snap.status());
  t0 = std::chrono::steady_clock::now();
  auto lc = WriteCheckpoint(**snap);
  if (!lc.ok()) return Die(lc.status());
  std::printf("%-28s %8.3f s  (%lld actions)\n", "write checkpoint", Seconds(t0),
              static_cast<long long>(lc->size));
  if (int rc = best_load("load, from checkpoint")) return rc;
  std::filesystem::remove_all(dir);
  return 0;
}
