// UserProfileDimension: the clickstream's `user_profile` dimension, an SCD
// type 2 Delta table of each user's slowly changing attributes (country,
// city, os, browser, device_id, app_version) built from clickstream events
// (pipeline/generator/clickstream_generator.h) with delta::MergeScd2 (delta/merge.h,
// docs/merge.md).
//
// Table columns: user_id long not null, the six attributes (string),
// event_time timestamp (the newest event folded into the version),
// valid_from / valid_to timestamp (valid_to null for the current version),
// is_current boolean. A table this creates has deletion vectors enabled
// (delta::MergeTableProperties): a merge marks closed versions in a DV
// instead of rewriting their files. event_time is the sequence: a version starts at the
// event_time of the first event showing its attributes; events repeating the
// current attributes only advance event_time. Duplicate and replayed events
// change nothing.
//
// Thread-safety: functions; concurrent calls against one table are safe
// (merges detect conflicts and re-plan). Ownership: lines are read, not kept.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "delta/log_store.h"
#include "delta/merge.h"
#include "delta/schema.h"
#include "pipeline/json_batch_builder.h"

namespace lakestream::pipeline {

// The columns read from each event (user_id, attributes, event_time).
std::vector<ColumnSpec> UserProfileEventColumns();
// The tracked attribute columns.
std::vector<std::string> UserProfileTrackedColumns();
// The dimension table's schema.
delta::DeltaType UserProfileSchema();

struct UserProfileResult {
  delta::MergeResult merge;
  int64_t events = 0;       // lines parsed into profile events
  int64_t bad_records = 0;  // lines skipped (malformed)
};

// Folds a batch of event lines (JSON objects) into the dimension, creating
// the table (unpartitioned) if it does not exist. Malformed lines are
// skipped and counted. Errors from the merge or the storage otherwise.
Result<UserProfileResult> ApplyUserProfileEvents(std::shared_ptr<delta::LogStore> store,
                                                 const std::vector<std::string_view>& lines,
                                                 const delta::MergeOptions& options = {});

}  // namespace lakestream::pipeline
