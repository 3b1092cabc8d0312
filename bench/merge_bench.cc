// SCD2 merge at scale: a user_profile-shaped dimension (user_id, six tracked
// strings, event_time, valid_from, valid_to, is_current) with one current
// version per user, and a batch of B events of which a fraction changes a
// tracked column (a new version: the old one closed, the new one inserted)
// and the rest repeat the stored version exactly (replays: no change). The
// merge is delta::MergeScd2, copy-on-write with file pruning by key stats.
//
// Two steps, run as separate processes so peak RSS is the merge's own:
//   merge_bench build DIR --rows N --layout arrival|sorted|zorder [--file-mb M]
//     arrival: users in random order (keys random across files)
//     sorted:  files clustered by user_id (range partitioned by key)
//     zorder:  Z-order on (user_id, country): interleaved bits of both
//   merge_bench merge DIR --batch B [--changed 0.1] [--keys uniform|recent]
//                         [--batch-table BATCH]
//     uniform: B distinct users drawn from all N; recent: from the newest 2B ids;
//     with --batch-table the batch is read from the table `batch` wrote (as the
//     peers read it) instead of generated in the process
//   merge_bench batch DIR --out OUT --batch B [--changed F] [--keys K]
//     writes that batch as a table of its own (for the DuckDB peer)
//   merge_bench enable-dv DIR
//     commits delta.enableDeletionVectors = true (protocol 3/7 with the feature)
//     on a built table: its merges then mark replaced rows in deletion vectors
//     (the table's files are not touched, so a hard-linked copy of a built
//     table can be turned into the DV case)
//   merge_bench summary DIR
//     rows, current and closed versions, and over the closed ones the sums of
//     user_id, of valid_to's whole seconds and of its microseconds within the
//     second, read through lakestream (deletion vectors applied): compared
//     with the peers' results
// The merge prints one line of key=value figures (seconds, files and bytes
// read / removed / added, rows, peak RSS). The table is copied by the
// caller if it wants to merge the same start state twice.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "delta/log_store.h"
#include "delta/merge.h"
#include "delta/features.h"
#include "delta/operations.h"
#include "delta/row_reader.h"
#include "delta/snapshot.h"

using namespace lakestream;
using namespace lakestream::delta;
using parquet::Value;

namespace {

constexpr int64_t kT0 = 1'760'000'000'000'000;  // event_time of user 0's version
constexpr int kCountries = 20;

int Die(const Status& s) {
  std::fprintf(stderr, "merge_bench: %s\n", s.ToString().c_str());
  return 1;
}

DeltaType Schema() {
  std::string s = R"({"type":"struct","fields":[)"
                  R"({"name":"user_id","type":"long","nullable":false,"metadata":{}})";
  for (const char* c : {"country", "city", "os", "browser", "device_id", "app_version"}) {
    s += std::string(R"(,{"name":")") + c + R"(","type":"string","nullable":true,"metadata":{}})";
  }
  for (const char* c : {"event_time", "valid_from", "valid_to"}) {
    s +=
        std::string(R"(,{"name":")") + c + R"(","type":"timestamp","nullable":true,"metadata":{}})";
  }
  s += R"(,{"name":"is_current","type":"boolean","nullable":true,"metadata":{}}]})";
  return ParseSchemaString(s).value();
}

uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

int CountryOf(int64_t user) { return static_cast<int>(Mix(user) % kCountries); }

// The tracked values of a user (country shifted by `change`).
std::vector<Value> Attributes(int64_t user, int change) {
  uint64_t h = Mix(user * 31 + 7);
  static const char* kOs[] = {"Android", "iOS", "Windows", "macOS", "Linux"};
  static const char* kBrowser[] = {"Chrome", "Safari", "Firefox", "Edge"};
  return {Value::Bytes("C" + std::to_string((CountryOf(user) + change) % kCountries)),
          Value::Bytes("city-" + std::to_string(h % 500)),
          Value::Bytes(kOs[h % 5]),
          Value::Bytes(kBrowser[(h >> 8) % 4]),
          Value::Bytes("dev-" + std::to_string(user)),
          Value::Bytes("5." + std::to_string((h >> 16) % 10) + ".0")};
}

Value VersionRow(int64_t user) {
  std::vector<Value> items = {Value::Int64(user)};
  for (auto& v : Attributes(user, 0)) items.push_back(std::move(v));
  items.push_back(Value::Int64(kT0 + user));  // event_time
  items.push_back(Value::Int64(kT0 + user));  // valid_from
  items.push_back(Value::Null());             // valid_to
  items.push_back(Value::Bool(true));
  return Value::Struct(std::move(items));
}

// Interleaves the low 32 bits of a and b (a's bit i at 2i+1, b's at 2i).
uint64_t Interleave(uint64_t a, uint64_t b) {
  uint64_t z = 0;
  for (int i = 0; i < 32; ++i) {
    z |= ((a >> i) & 1ULL) << (2 * i + 1);
    z |= ((b >> i) & 1ULL) << (2 * i);
  }
  return z;
}

int64_t PeakRssMb() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024;
}

int Build(const std::string& dir, int64_t rows, const std::string& layout, int64_t file_mb) {
  std::vector<int64_t> order(static_cast<size_t>(rows));
  std::iota(order.begin(), order.end(), int64_t{0});
  if (layout == "arrival") {
    std::mt19937_64 rng(42);
    std::shuffle(order.begin(), order.end(), rng);
  } else if (layout == "zorder") {
    // Both dimensions scaled to 32 bits, as Z-order implementations do.
    auto z = [rows](int64_t u) {
      uint64_t a = static_cast<uint64_t>((static_cast<__int128>(u) << 32) / rows);
      uint64_t b = (static_cast<uint64_t>(CountryOf(u)) << 32) / kCountries;
      return Interleave(a, b);
    };
    std::vector<uint64_t> keys(order.size());
    for (size_t i = 0; i < order.size(); ++i) keys[i] = z(order[i]);
    std::sort(order.begin(), order.end(),
              [&keys](int64_t x, int64_t y) { return keys[x] < keys[y]; });
  } else if (layout != "sorted") {
    return Die(Status::InvalidArgument("unknown layout " + layout));
  }
  std::filesystem::remove_all(dir);
  auto store = std::make_shared<LogStore>(io::NewLocalFileSystem(), dir);
  WriteRequest req;
  req.writer.target_file_size = file_mb << 20;
  auto t0 = std::chrono::steady_clock::now();
  Result<WriteResult> r = WriteRows(
      store, Schema(),
      [&](TableWriter* w) -> Status {
        std::vector<Value> chunk;
        for (size_t i = 0; i < order.size(); ++i) {
          chunk.push_back(VersionRow(order[i]));
          if (chunk.size() == 65536 || i + 1 == order.size()) {
            RETURN_IF_ERROR(w->Write(chunk));
            chunk.clear();
          }
        }
        return Status::OK();
      },
      req);
  if (!r.ok()) return Die(r.status());
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("build layout=%s rows=%lld files=%lld bytes=%lld seconds=%.1f\n", layout.c_str(),
              static_cast<long long>(rows), static_cast<long long>(r->files_added),
              static_cast<long long>(r->bytes), s);
  return 0;
}

struct TableInfo {
  int64_t rows = 0, bytes = 0;
  size_t files = 0;
};

Result<TableInfo> Info(const std::shared_ptr<LogStore>& store) {
  ASSIGN_OR_RETURN(auto snap, Snapshot::Load(store));
  TableInfo t;
  t.rows = snap->total_records().value_or(0);
  t.bytes = snap->total_bytes();
  t.files = snap->files().size();
  return t;
}

// The batch: `batch` distinct users, the first `changed` fraction with a
// changed country and a newer event, the rest repeating their stored event.
std::vector<Value> MakeBatch(int64_t rows, int64_t batch, double changed, const std::string& keys,
                             int64_t* n_changed) {
  int64_t lo = keys == "recent" ? std::max<int64_t>(0, rows - 2 * batch) : 0;
  std::vector<int64_t> pool(static_cast<size_t>(rows - lo));
  std::iota(pool.begin(), pool.end(), lo);
  std::mt19937_64 rng(7);
  std::shuffle(pool.begin(), pool.end(), rng);
  pool.resize(static_cast<size_t>(std::min<int64_t>(batch, static_cast<int64_t>(pool.size()))));
  *n_changed = static_cast<int64_t>(static_cast<double>(pool.size()) * changed);
  std::vector<Value> source;
  source.reserve(pool.size());
  for (size_t i = 0; i < pool.size(); ++i) {
    int64_t u = pool[i];
    bool change = static_cast<int64_t>(i) < *n_changed;
    std::vector<Value> items = {Value::Int64(u)};
    for (auto& v : Attributes(u, change ? 1 : 0)) items.push_back(std::move(v));
    items.push_back(Value::Int64(change ? kT0 + rows + u : kT0 + u));
    source.push_back(Value::Struct(std::move(items)));
  }
  return source;
}

const std::vector<std::string>& SourceColumns() {
  static const std::vector<std::string> c = {"user_id", "country",   "city",        "os",
                                             "browser", "device_id", "app_version", "event_time"};
  return c;
}

// Writes the batch as a Delta table of its own (one Parquet file), for a peer.
int WriteBatch(const std::string& dir, const std::string& out, int64_t batch, double changed,
               const std::string& keys) {
  auto store = std::make_shared<LogStore>(io::NewLocalFileSystem(), dir);
  Result<TableInfo> info = Info(store);
  if (!info.ok()) return Die(info.status());
  int64_t n_changed = 0;
  std::vector<Value> source = MakeBatch(info->rows, batch, changed, keys, &n_changed);
  DeltaType full = Schema();
  DeltaType schema;
  schema.kind = DeltaType::Kind::kStruct;
  for (const auto& f : full.fields) {
    for (const auto& c : SourceColumns()) {
      if (f.name == c) schema.fields.push_back(f);
    }
  }
  std::filesystem::remove_all(out);
  WriteRequest req;
  req.writer.target_file_size = 1LL << 30;
  Result<WriteResult> r =
      WriteRows(std::make_shared<LogStore>(io::NewLocalFileSystem(), out), schema, source, req);
  if (!r.ok()) return Die(r.status());
  std::printf("batch rows=%zu changed=%lld files=%lld\n", source.size(),
              static_cast<long long>(n_changed), static_cast<long long>(r->files_added));
  return 0;
}

int EnableDv(const std::string& dir) {
  auto store = std::make_shared<LogStore>(io::NewLocalFileSystem(), dir);
  Result<std::shared_ptr<const Snapshot>> snap = Snapshot::Load(store);
  if (!snap.ok()) return Die(snap.status());
  Metadata md = (*snap)->metadata();
  md.configuration["delta.enableDeletionVectors"] = "true";
  Transaction txn(store, *snap);
  txn.SetProtocol(ProtocolForNewTable((*snap)->schema(), md.configuration));
  txn.SetMetadata(std::move(md));
  txn.SetOperation("SET TBLPROPERTIES",
                   {{"properties", R"({"delta.enableDeletionVectors":"true"})"}});
  Result<CommitResult> c = txn.Commit();
  if (!c.ok()) return Die(c.status());
  std::printf("enable-dv version=%lld\n", static_cast<long long>(c->version));
  return 0;
}

int Summary(const std::string& dir) {
  auto store = std::make_shared<LogStore>(io::NewLocalFileSystem(), dir);
  Result<std::shared_ptr<const Snapshot>> snap = Snapshot::Load(store);
  if (!snap.ok()) return Die(snap.status());
  const DeltaType& schema = (*snap)->schema();
  std::vector<int> fields;
  for (const char* c : {"user_id", "valid_to", "is_current"}) {
    const StructField* f = schema.FindField(c);
    if (!f) return Die(Status::InvalidArgument(dir + ": no column " + c));
    fields.push_back(static_cast<int>(f - schema.fields.data()));
  }
  long long rows = 0, current = 0, closed = 0;
  long long user_sum = 0, valid_to_s = 0, valid_to_us = 0;
  for (const AddFile& a : (*snap)->files()) {
    Status st = ScanFileFields(**snap, a, fields, nullptr,
                               [&](uint64_t, std::vector<Value>& v) -> Status {
                                 ++rows;
                                 if (v[2].kind == Value::Kind::kBool && v[2].b) {
                                   ++current;
                                 } else {
                                   ++closed;
                                   user_sum += v[0].i64;
                                   if (!v[1].is_null()) {
                                     valid_to_s += v[1].i64 / 1000000;
                                     valid_to_us += v[1].i64 % 1000000;
                                   }
                                 }
                                 return Status::OK();
                               });
    if (!st.ok()) return Die(st);
  }
  std::printf("summary rows=%lld current=%lld closed=%lld closed_user_id_sum=%lld "
              "closed_valid_to_s_sum=%lld closed_valid_to_us_sum=%lld\n",
              rows, current, closed, user_sum, valid_to_s, valid_to_us);
  return 0;
}

// The rows of a batch table `merge_bench batch` wrote (its columns are SourceColumns()).
Status ReadBatch(const std::string& dir, std::vector<Value>* rows) {
  auto store = std::make_shared<LogStore>(io::NewLocalFileSystem(), dir);
  ASSIGN_OR_RETURN(auto snap, Snapshot::Load(store));
  for (const AddFile& f : snap->files()) RETURN_IF_ERROR(ReadFileRows(*snap, f, rows));
  return Status::OK();
}

int Merge(const std::string& dir, int64_t batch, double changed, const std::string& keys,
          int64_t file_mb, const std::string& batch_table) {
  auto store = std::make_shared<LogStore>(io::NewLocalFileSystem(), dir);
  Result<TableInfo> info = Info(store);
  if (!info.ok()) return Die(info.status());
  const int64_t rows = info->rows, table_bytes = info->bytes;
  const size_t table_files = info->files;
  int64_t n_changed = -1;  // unknown when read from a batch table
  std::vector<Value> source;
  if (batch_table.empty()) {
    source = MakeBatch(rows, batch, changed, keys, &n_changed);
  } else {
    Status st = ReadBatch(batch_table, &source);
    if (!st.ok()) return Die(st);
  }
  const int64_t rss_before = PeakRssMb();
  CdcSpec spec;
  spec.keys = {"user_id"};
  spec.source_columns = SourceColumns();
  spec.sequence_by = "event_time";
  spec.track_columns = {"country", "city", "os", "browser", "device_id", "app_version"};
  MergeOptions mo;
  mo.writer.target_file_size = file_mb << 20;
  auto t0 = std::chrono::steady_clock::now();
  const size_t batch_rows = source.size();
  // The batch is handed over (moved): the merge frees each row as it converts it.
  Result<MergeResult> r = MergeScd2(store, std::move(source), spec, mo);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!r.ok()) return Die(r.status());
  std::printf(
      "merge keys=%s table_rows=%lld table_files=%zu table_bytes=%lld batch=%zu changed=%lld "
      "seconds=%.2f files_read=%lld bytes_read=%lld files_removed=%lld bytes_removed=%lld "
      "files_added=%lld bytes_added=%lld rows_inserted=%lld rows_updated=%lld "
      "rows_copied=%lld deletion_vectors_added=%lld peak_buffered_rows=%lld peak_rss_mb=%lld "
      "rss_before_merge_mb=%lld\n",
      keys.c_str(), static_cast<long long>(rows), table_files, static_cast<long long>(table_bytes),
      batch_rows, static_cast<long long>(n_changed), s, static_cast<long long>(r->files_read),
      static_cast<long long>(r->bytes_read), static_cast<long long>(r->files_removed),
      static_cast<long long>(r->bytes_removed), static_cast<long long>(r->files_added),
      static_cast<long long>(r->bytes_added), static_cast<long long>(r->rows_inserted),
      static_cast<long long>(r->rows_updated), static_cast<long long>(r->rows_copied),
      static_cast<long long>(r->deletion_vectors_added),
      static_cast<long long>(r->peak_buffered_rows),
      static_cast<long long>(PeakRssMb()), static_cast<long long>(rss_before));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: merge_bench build DIR --rows N --layout arrival|sorted|zorder "
                 "[--file-mb M]\n       merge_bench merge DIR --batch B [--changed F] "
                 "[--keys uniform|recent] [--batch-table BATCH]\n"
                 "       merge_bench batch DIR --out OUT --batch B "
                 "[--changed F] [--keys K]\n       merge_bench enable-dv DIR\n"
                 "       merge_bench summary DIR\n");
    return 2;
  }
  std::string cmd = argv[1], dir = argv[2];
  int64_t rows = 1'000'000, batch = 100'000, file_mb = 8;
  double changed = 0.1;
  std::string layout = "arrival", keys = "uniform", out, batch_table;
  for (int i = 3; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--rows")
      rows = std::atoll(v.c_str());
    else if (a == "--layout")
      layout = v;
    else if (a == "--file-mb")
      file_mb = std::atoll(v.c_str());
    else if (a == "--batch")
      batch = std::atoll(v.c_str());
    else if (a == "--changed")
      changed = std::atof(v.c_str());
    else if (a == "--keys")
      keys = v;
    else if (a == "--out")
      out = v;
    else if (a == "--batch-table")
      batch_table = v;
    else
      return Die(Status::InvalidArgument("unknown option " + a));
  }
  if (cmd == "build") return Build(dir, rows, layout, file_mb);
  if (cmd == "merge") return Merge(dir, batch, changed, keys, file_mb, batch_table);
  if (cmd == "batch") return WriteBatch(dir, out, batch, changed, keys);
  if (cmd == "enable-dv") return EnableDv(dir);
  if (cmd == "summary") return Summary(dir);
  return Die(Status::InvalidArgument("unknown command " + cmd));
}
