#include "delta/change_data.h"

#include <algorithm>

namespace lakestream::delta {

using parquet::Value;

std::string_view ChangeTypeName(ChangeType type) {
  switch (type) {
    case ChangeType::kInsert:
      return "insert";
    case ChangeType::kUpdatePreimage:
      return "update_preimage";
    case ChangeType::kUpdatePostimage:
      return "update_postimage";
    case ChangeType::kDelete:
      return "delete";
  }
  return "?";
}

bool ChangeDataFeedEnabled(const Metadata& metadata) {
  std::optional<std::string> v = metadata.Config(kEnableChangeDataFeed);
  if (!v) return false;
  std::string s = *v;
  std::transform(s.begin(), s.end(), s.begin(), ::tolower);
  return s == "true";
}

Result<std::unique_ptr<ChangeDataWriter>> ChangeDataWriter::Make(
    std::shared_ptr<io::FileSystem> fs, const std::string& table_root, const DeltaType& schema,
    std::vector<std::string> partition_columns, TableWriterOptions options) {
  if (schema.FindField(kChangeTypeColumn) != nullptr) {
    return Status::InvalidArgument("delta: " + table_root + ": column " + kChangeTypeColumn +
                                   " is reserved for the change data feed");
  }
  DeltaType cdc_schema = schema;
  StructField change_type;
  change_type.name = kChangeTypeColumn;
  change_type.type.kind = DeltaType::Kind::kString;
  cdc_schema.fields.push_back(std::move(change_type));
  options.file_prefix = "cdc";
  options.data_change = false;
  ASSIGN_OR_RETURN(auto w, TableWriter::Make(std::move(fs), table_root + "/" + kChangeDataDir,
                                             std::move(cdc_schema), std::move(partition_columns),
                                             std::move(options)));
  return std::unique_ptr<ChangeDataWriter>(new ChangeDataWriter(std::move(w)));
}

Status ChangeDataWriter::Write(const Value& row, ChangeType type) {
  Value out = row;
  out.items.push_back(Value::Bytes(std::string(ChangeTypeName(type))));
  return writer_->Write(out);
}

Result<std::vector<AddCdcFile>> ChangeDataWriter::Finish() {
  ASSIGN_OR_RETURN(std::vector<AddFile> adds, writer_->Finish());
  std::vector<AddCdcFile> out;
  out.reserve(adds.size());
  for (AddFile& a : adds) {
    AddCdcFile c;
    c.path = std::string(kChangeDataDir) + "/" + a.path;
    c.partition_values = std::move(a.partition_values);
    c.size = a.size;
    c.data_change = false;
    out.push_back(std::move(c));
  }
  return out;
}

Status WriteKeyChanges(const std::vector<Value>& before, const std::vector<Value>& after,
                       const std::vector<int>& origin, ChangeDataWriter* writer) {
  std::vector<bool> used(before.size(), false);
  if (!origin.empty()) {
    if (origin.size() != after.size()) {
      return Status::InvalidArgument("change data: " + std::to_string(origin.size()) +
                                     " origins for " + std::to_string(after.size()) + " rows");
    }
    for (size_t j = 0; j < after.size(); ++j) {
      const int o = origin[j];
      if (o < 0) {
        RETURN_IF_ERROR(writer->Write(after[j], ChangeType::kInsert));
        continue;
      }
      if (static_cast<size_t>(o) >= before.size() || used[o]) {
        return Status::InvalidArgument("change data: row origin " + std::to_string(o) +
                                       " out of range or used twice");
      }
      used[o] = true;
      if (before[o] == after[j]) continue;
      RETURN_IF_ERROR(writer->Write(before[o], ChangeType::kUpdatePreimage));
      RETURN_IF_ERROR(writer->Write(after[j], ChangeType::kUpdatePostimage));
    }
    for (size_t i = 0; i < before.size(); ++i) {
      if (!used[i]) RETURN_IF_ERROR(writer->Write(before[i], ChangeType::kDelete));
    }
    return Status::OK();
  }
  std::vector<const Value*> gone, added;
  for (const Value& a : after) {
    bool matched = false;
    for (size_t i = 0; i < before.size() && !matched; ++i) {
      if (!used[i] && before[i] == a) used[i] = matched = true;
    }
    if (!matched) added.push_back(&a);
  }
  for (size_t i = 0; i < before.size(); ++i) {
    if (!used[i]) gone.push_back(&before[i]);
  }
  if (gone.size() == 1 && added.size() == 1) {
    RETURN_IF_ERROR(writer->Write(*gone[0], ChangeType::kUpdatePreimage));
    return writer->Write(*added[0], ChangeType::kUpdatePostimage);
  }
  for (const Value* g : gone) RETURN_IF_ERROR(writer->Write(*g, ChangeType::kDelete));
  for (const Value* a : added) RETURN_IF_ERROR(writer->Write(*a, ChangeType::kInsert));
  return Status::OK();
}

}  // namespace lakestream::delta
