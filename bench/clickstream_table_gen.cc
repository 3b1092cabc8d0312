// Builds a clickstream-like Delta table for the Z-order benchmark
// (bench/zorder_bench.sh): --rows rows over --days daily partitions
// (event_date), landed as --batches-per-day appends per day the way a
// streaming ingest lands micro-batches, so every file spans the whole range
// of user_id and page_id. Deterministic for a seed.
//
// Columns: event_ts timestamp, user_id long (uniform in [0, 2,000,000)),
// page_id int (uniform in [0, 5,000)), country string (20 values), device
// string (3 values), duration_ms int, revenue double (mostly 0), event_date
// date (partition, from 2025-01-01).
//
// usage: clickstream_table_gen --table DIR [--rows N] [--days D]
//            [--batches-per-day B] [--seed S]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "common/time_format.h"
#include "delta/operations.h"

using namespace lakestream;

namespace {

delta::DeltaType Schema() {
  return delta::ParseSchemaString(
             R"({"type":"struct","fields":[)"
             R"({"name":"event_ts","type":"timestamp","nullable":false,"metadata":{}},)"
             R"({"name":"user_id","type":"long","nullable":false,"metadata":{}},)"
             R"({"name":"page_id","type":"integer","nullable":false,"metadata":{}},)"
             R"({"name":"country","type":"string","nullable":true,"metadata":{}},)"
             R"({"name":"device","type":"string","nullable":true,"metadata":{}},)"
             R"({"name":"duration_ms","type":"integer","nullable":true,"metadata":{}},)"
             R"({"name":"revenue","type":"double","nullable":true,"metadata":{}},)"
             R"({"name":"event_date","type":"date","nullable":false,"metadata":{}}]})")
      .value();
}

int Die(const Status& s) {
  std::fprintf(stderr, "clickstream_table_gen: %s\n", s.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string table;
  int64_t rows = 1'000'000, days = 10, batches = 8;
  uint32_t seed = 42;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--table") {
      table = argv[i + 1];
    } else if (a == "--rows") {
      rows = std::atoll(argv[i + 1]);
    } else if (a == "--days") {
      days = std::atoll(argv[i + 1]);
    } else if (a == "--batches-per-day") {
      batches = std::atoll(argv[i + 1]);
    } else if (a == "--seed") {
      seed = static_cast<uint32_t>(std::atoll(argv[i + 1]));
    } else {
      std::fprintf(stderr, "clickstream_table_gen: unknown option %s\n", a.c_str());
      return 2;
    }
  }
  if (table.empty() || rows <= 0 || days <= 0 || batches <= 0) {
    std::fprintf(stderr,
                 "usage: clickstream_table_gen --table DIR [--rows N] [--days D] "
                 "[--batches-per-day B] [--seed S]\n");
    return 2;
  }
  auto store = delta::LogStore::OpenLocal(table);
  if (!store.ok()) return Die(store.status());
  static const char* kCountries[] = {"DE", "FR", "US", "GB", "NL", "ES", "IT", "PL", "SE", "NO",
                                     "DK", "FI", "BE", "AT", "CH", "PT", "IE", "CZ", "CA", "BR"};
  static const char* kDevices[] = {"mobile", "desktop", "tablet"};
  std::mt19937_64 rng(seed);
  const int32_t first_day = *ParseDate("2025-01-01");
  const delta::DeltaType schema = Schema();
  auto t0 = std::chrono::steady_clock::now();
  int64_t written = 0, bytes = 0, files = 0;
  const int64_t per_batch = rows / (days * batches);
  for (int64_t d = 0; d < days; ++d) {
    for (int64_t b = 0; b < batches; ++b) {
      int64_t n = (d == days - 1 && b == batches - 1) ? rows - written : per_batch;
      delta::WriteRequest req;
      req.partition_columns = {"event_date"};
      req.writer.target_file_size = INT64_MAX;  // one file per batch
      auto produce = [&](delta::TableWriter* w) -> Status {
        const int64_t day_us = (first_day + d) * 86'400'000'000LL;
        for (int64_t i = 0; i < n; ++i) {
          uint64_t r = rng();
          double revenue = (r % 100) < 5 ? static_cast<double>(rng() % 20000) / 100.0 : 0.0;
          parquet::Value row = parquet::Value::Struct({
              parquet::Value::Int64(day_us + static_cast<int64_t>(rng() % 86'400'000'000ULL)),
              parquet::Value::Int64(static_cast<int64_t>(rng() % 2'000'000)),
              parquet::Value::Int32(static_cast<int32_t>(rng() % 5'000)),
              parquet::Value::Bytes(kCountries[(r >> 8) % 20]),
              parquet::Value::Bytes(kDevices[(r >> 16) % 3]),
              parquet::Value::Int32(static_cast<int32_t>((r >> 24) % 600'000)),
              parquet::Value::Double(revenue),
              parquet::Value::Int32(static_cast<int32_t>(first_day + d)),
          });
          RETURN_IF_ERROR(w->Write(row));
        }
        return Status::OK();
      };
      auto res = delta::WriteRows(*store, schema, produce, req);
      if (!res.ok()) return Die(res.status());
      written += res->rows;
      bytes += res->bytes;
      files += res->files_added;
    }
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("{\"rows\":%lld,\"days\":%lld,\"files\":%lld,\"bytes\":%lld,\"seconds\":%.3f}\n",
              static_cast<long long>(written), static_cast<long long>(days),
              static_cast<long long>(files), static_cast<long long>(bytes), secs);
  return 0;
}
