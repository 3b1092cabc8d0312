#include "pipeline/user_profile_dimension.h"

#include "delta/operations.h"
#include "delta/snapshot.h"
#include "delta/table_config.h"

namespace lakestream::pipeline {

std::vector<ColumnSpec> UserProfileEventColumns() {
  std::vector<ColumnSpec> c;
  c.push_back({"user_id", ColumnType::kInt64, false, ""});
  for (const auto& name : UserProfileTrackedColumns()) c.push_back({name, ColumnType::kString});
  c.push_back({"event_time", ColumnType::kTimestamp, false, ""});
  return c;
}

std::vector<std::string> UserProfileTrackedColumns() {
  return {"country", "city", "os", "browser", "device_id", "app_version"};
}

delta::DeltaType UserProfileSchema() {
  using K = delta::DeltaType::Kind;
  delta::DeltaType t;
  t.kind = K::kStruct;
  auto add = [&](const std::string& name, K kind, bool nullable) {
    delta::StructField f;
    f.name = name;
    f.type.kind = kind;
    f.nullable = nullable;
    t.fields.push_back(std::move(f));
  };
  add("user_id", K::kLong, false);
  for (const auto& name : UserProfileTrackedColumns()) add(name, K::kString, true);
  add("event_time", K::kTimestamp, false);
  add("valid_from", K::kTimestamp, true);
  add("valid_to", K::kTimestamp, true);
  add("is_current", K::kBoolean, true);
  return t;
}

Result<UserProfileResult> ApplyUserProfileEvents(std::shared_ptr<delta::LogStore> store,
                                                 const std::vector<std::string_view>& lines,
                                                 const delta::MergeOptions& options) {
  UserProfileResult result;
  ASSIGN_OR_RETURN(delta::LogListing listing, store->List());
  if (listing.empty()) {
    Result<delta::CommitResult> c = delta::CreateTable(store, UserProfileSchema(), {}, delta::MergeTableProperties());
    if (!c.ok() && !c.status().IsAlreadyExists()) return c.status();
  }
  std::vector<ColumnSpec> columns = UserProfileEventColumns();
  ASSIGN_OR_RETURN(auto builder, JsonBatchBuilder::Make(columns));
  std::vector<parquet::Value> rows;
  for (std::string_view line : lines) {
    if (!builder->Add(line).ok()) {
      ++result.bad_records;
      continue;
    }
    if (builder->num_rows() >= 65536) RETURN_IF_ERROR(builder->DrainToValues(&rows));
  }
  RETURN_IF_ERROR(builder->DrainToValues(&rows));
  result.events = static_cast<int64_t>(rows.size());
  delta::CdcSpec spec;
  spec.keys = {"user_id"};
  for (const auto& c : columns) spec.source_columns.push_back(c.name);
  spec.sequence_by = "event_time";
  spec.track_columns = UserProfileTrackedColumns();
  ASSIGN_OR_RETURN(result.merge, delta::MergeScd2(std::move(store), std::move(rows), spec, options));
  return result;
}

}  // namespace lakestream::pipeline
