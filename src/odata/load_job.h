// LoadJob: one load of one OData source into Delta tables, recorded in the
// metadata store's runs table.
//
// Tables (paths derived from SourceConfig::target_table T):
//   T_bronze      raw landing: one row per OData row as received (JSON text)
//                 with run id, page and row number; append-only
//   T             silver: typed columns from $metadata, one row per key
//                 (SCD type 1 upsert by the source's key columns)
//   T_quarantine  rows violating the primary key (null key component, or
//                 the same key twice in one load with conflicting values) or
//                 whose values do not fit their EDM type, with the reason
//
// A load is full (no watermark yet, change capture off, or forced) or
// incremental ($filter `cc ge watermark`). Full loads make silver equal the
// server's rows (keys missing on the server are deleted); incremental loads
// upsert. Silver changes in ONE Delta commit (a MERGE), so readers never see
// part of a load. The three commits carry txn(app_id, run id) actions, so a
// retried attempt of the same run skips what already landed; a crash
// between the bronze and silver commits leaves the watermark unchanged, and
// the next run re-reads the same range and completes silver (docs/odata.md).
// The watermark (max change-capture value of the accepted rows) is stored
// only after the silver commit. After the commit a duplicate-key check
// scans silver; if it finds a duplicate it restores the previous version
// and the run fails with the reason.
//
// Thread-safety: RunLoad may run concurrently for different sources.
// Ownership: borrows the store and HTTP client; shares LoadOptions::fs.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "io/file_system.h"
#include "odata/http_client.h"
#include "odata/metadata_store.h"

namespace lakestream::odata {

struct LoadOptions {
  bool force_full = false;
  std::string refresh_id;
  RetryPolicy retry;                    // each HTTP call (common/retry.h)
  int64_t request_timeout_ms = 60000;   // per HTTP attempt (a timeout is retried)
  int64_t whole_load_backoff_ms = 1000;  // before a whole-load retry (doubled, full jitter)
  // Progress notes ("page 3: 600 rows") for the refresh API.
  std::function<void(int64_t run_id, const std::string& note)> progress;
  // The filesystem the three tables are read and written through, their paths given to it as
  // they are (as LevelDB's Options::env); null: the one each table's location picks
  // (delta::LogStore::Open). Tests wrap the local disk in io::FaultInjectionFileSystem to
  // crash or race between the bronze and silver commits.
  std::shared_ptr<io::FileSystem> fs;
};

struct LoadReport {
  int64_t run_id = 0;
  bool succeeded = false;
  std::string mode;  // "full" / "incremental"
  std::string error;
  int64_t rows_read = 0;
  int64_t rows_upserted = 0;  // inserted + updated in silver
  int64_t rows_deleted = 0;
  int64_t rows_quarantined = 0;
  int64_t pages = 0;
  int64_t http_retries = 0;
  int attempts = 0;
  int64_t silver_version = -1;
  std::string watermark;  // after the load
};

std::string BronzeTable(const SourceConfig& s);
std::string QuarantineTable(const SourceConfig& s);

// Runs (or continues) the load of `source` as run `run_id` (created by the
// caller, or 0 to create one). Returns the report; the Status is an error
// only when the metadata store itself failed. Failures of the load are in
// the report (succeeded false, error) and in the runs table.
Result<LoadReport> RunLoad(MetadataStore& store, HttpClient& http, const SourceConfig& source,
                           int64_t run_id, const LoadOptions& options);

}  // namespace lakestream::odata
