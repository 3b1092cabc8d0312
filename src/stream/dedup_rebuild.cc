#include "stream/dedup_rebuild.h"

#include <algorithm>

#include "common/time_format.h"
#include "delta/table_scan.h"
#include "delta/uri.h"
#include "parquet/file_reader.h"

namespace lakestream::stream {

Status ReadKeysFromFile(io::FileSystem& fs, const std::string& path,
                        const std::string& key_column, const std::string& time_column,
                        const std::function<void(std::string_view, int64_t)>& fn,
                        const delta::DeletedRows* deleted) {
  delta::DeletedRows none;
  delta::DeletedRows::Cursor is_deleted(deleted ? deleted : &none);
  ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(fs, path));
  const parquet::Schema& schema = reader->schema();
  const int kc = schema.FindColumn(key_column);
  const int tc = schema.FindColumn(time_column);
  if (kc < 0 || tc < 0) {
    return Status::InvalidArgument("stream: dedup rebuild: " + path + ": no column " +
                                   (kc < 0 ? key_column : time_column));
  }
  const parquet::PhysicalType kt = schema.column(kc).physical_type;
  if (schema.column(tc).physical_type != parquet::PhysicalType::kInt64) {
    return Status::InvalidArgument("stream: dedup rebuild: " + path + ": column " + time_column +
                                   " is not an INT64 timestamp");
  }
  std::string num;
  int64_t first_row = 0;  // the file's row index of the group's first row
  for (int g = 0; g < reader->num_row_groups(); ++g) {
    first_row += g > 0 ? reader->metadata().row_groups[g - 1].num_rows : 0;
    ASSIGN_OR_RETURN(parquet::ColumnData keys, reader->ReadColumn(g, kc));
    ASSIGN_OR_RETURN(parquet::ColumnData times, reader->ReadColumn(g, tc));
    const int16_t kmax = schema.column(kc).max_def;
    const int16_t tmax = schema.column(tc).max_def;
    size_t ki = 0, ti = 0;
    for (int64_t row = 0; row < keys.num_levels; ++row) {
      const bool kv = kmax == 0 || keys.def[row] == kmax;
      const bool tv = tmax == 0 || times.def[row] == tmax;
      if (kv && tv && !is_deleted.Deleted(static_cast<uint64_t>(first_row + row))) {
        const int64_t t = times.values.i64[ti];
        switch (kt) {
          case parquet::PhysicalType::kByteArray:
            fn(keys.values.bytes.Get(ki), t);
            break;
          case parquet::PhysicalType::kInt64:
            num = std::to_string(keys.values.i64[ki]);
            fn(num, t);
            break;
          case parquet::PhysicalType::kInt32:
            num = std::to_string(keys.values.i32[ki]);
            fn(num, t);
            break;
          default:
            return Status::InvalidArgument("stream: dedup rebuild: " + path + ": key column " +
                                           key_column + " must be a string or an integer");
        }
      }
      ki += kv;
      ti += tv;
    }
  }
  return Status::OK();
}

bool DatePartitionInWindow(const std::optional<std::string>& date, int32_t newest_day,
                           int64_t window_us) {
  if (!date) return true;
  std::optional<int32_t> d = ParseDate(*date);
  if (!d) return true;
  // The watermark is at least the start of the newest day, so rows of a day
  // ending at or before (start of newest day - window) are all evicted anyway.
  const int64_t day_us = 86400LL * 1000000;
  return (static_cast<int64_t>(*d) + 1) * day_us >
         static_cast<int64_t>(newest_day) * day_us - window_us;
}

Status ScanRecentKeysFromSnapshot(const delta::Snapshot& snapshot, const RecentKeysScan& scan,
                                  const std::function<void(std::string_view, int64_t)>& fn) {
  const std::vector<delta::AddFile>& files = snapshot.files();
  std::optional<int32_t> newest;
  if (!scan.date_partition.empty()) {
    for (const delta::AddFile& f : files) {
      auto it = f.partition_values.find(scan.date_partition);
      if (it == f.partition_values.end() || !it->second) continue;
      std::optional<int32_t> d = ParseDate(*it->second);
      if (d) newest = std::max(newest.value_or(*d), *d);
    }
  }
  for (const delta::AddFile& f : files) {
    if (newest) {
      auto it = f.partition_values.find(scan.date_partition);
      std::optional<std::string> v = it == f.partition_values.end() ? std::nullopt : it->second;
      if (!DatePartitionInWindow(v, *newest, scan.window_us)) continue;
    }
    delta::DeletedRows deleted;
    if (f.deletion_vector) {
      ASSIGN_OR_RETURN(deleted, delta::LoadDeletionVector(snapshot.log_store()->fs(),
                                                          snapshot.table_root(), f.path,
                                                          *f.deletion_vector));
    }
    ASSIGN_OR_RETURN(std::string path, delta::ResolveDataPath(snapshot.table_root(), f.path));
    RETURN_IF_ERROR(ReadKeysFromFile(snapshot.log_store()->fs(), path, scan.key_column,
                                     scan.time_column, fn, &deleted));
  }
  return Status::OK();
}

}  // namespace lakestream::stream
