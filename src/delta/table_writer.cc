#include "delta/table_writer.h"

#include <chrono>
#include <cstdio>

#include "common/uuid.h"
#include "delta/column_mapping_writer.h"
#include "delta/partition_path.h"
#include "delta/uri.h"
#include "parquet/file_writer.h"
#include "parquet/record_assembler.h"

namespace lakestream::delta {

int64_t NowMillis() { return RealClock()->NowMillis(); }

struct TableWriter::OpenFile {
  std::string rel_path;      // unencoded, relative to the root
  std::string storage_path;  // root + "/" + rel_path
  PartitionValues partition_values;
  std::unique_ptr<parquet::FileWriter> writer;
  std::unique_ptr<parquet::RecordShredder> shredder;
};

TableWriter::~TableWriter() = default;

Result<std::unique_ptr<TableWriter>> TableWriter::Make(std::shared_ptr<io::FileSystem> fs,
                                                       std::string table_root, DeltaType schema,
                                                       std::vector<std::string> partition_columns,
                                                       TableWriterOptions options) {
  std::unique_ptr<TableWriter> w(new TableWriter());
  w->fs_ = std::move(fs);
  w->root_ = std::move(table_root);
  w->options_ = std::move(options);
  w->options_.clock = ClockOrReal(w->options_.clock);
  // Long enough that 32 code points of any string survive the footer intact.
  w->options_.parquet.max_statistics_length =
      std::max<size_t>(w->options_.parquet.max_statistics_length,
                       static_cast<size_t>(w->options_.stats.string_prefix_length) * 4 + 8);
  w->data_schema_.kind = DeltaType::Kind::kStruct;
  for (const auto& p : partition_columns) {
    const StructField* f = schema.FindField(p);
    if (f == nullptr || !f->type.is_primitive()) {
      return Status::InvalidArgument("delta: " + w->root_ + ": partition column " + p +
                                     " is not a primitive column of the schema");
    }
  }
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    bool is_part = false;
    for (size_t j = 0; j < partition_columns.size(); ++j) {
      if (partition_columns[j] == schema.fields[i].name) is_part = true;
    }
    if (!is_part) {
      w->data_index_.push_back(static_cast<int>(i));
      w->data_schema_.fields.push_back(schema.fields[i]);
    }
  }
  for (const auto& p : partition_columns) {
    for (size_t i = 0; i < schema.fields.size(); ++i) {
      if (schema.fields[i].name == p) w->partition_index_.push_back(static_cast<int>(i));
    }
  }
  if (w->data_schema_.fields.empty()) {
    return Status::InvalidArgument("delta: " + w->root_ + ": every column is a partition column");
  }
  ASSIGN_OR_RETURN(w->table_parquet_, ToParquetSchema(schema));
  if (HasPhysicalNames(schema)) {
    // Column mapping: files, stats and partition values speak physical names.
    ASSIGN_OR_RETURN(w->data_parquet_, PhysicalParquetSchema(w->data_schema_));
    w->data_schema_ = PhysicalSchema(w->data_schema_);
    for (int idx : w->partition_index_) {
      w->partition_keys_.push_back(
          PhysicalNameOf(schema.fields[idx]).value_or(schema.fields[idx].name));
    }
  } else {
    ASSIGN_OR_RETURN(w->data_parquet_, ToParquetSchema(w->data_schema_));
    w->partition_keys_ = partition_columns;
  }
  w->schema_ = std::move(schema);
  w->partition_columns_ = std::move(partition_columns);
  return w;
}

Result<TableWriter::OpenFile*> TableWriter::FileFor(
    const std::vector<std::optional<std::string>>& pvalues) {
  auto it = open_.find(pvalues);
  if (it != open_.end()) return it->second.get();
  auto f = std::make_unique<OpenFile>();
  char counter[32];
  std::snprintf(counter, sizeof counter, "-%05d-", file_counter_++);
  std::string name = options_.file_prefix + counter + NewUuid() + ".c000.zstd.parquet";
  std::string dir = PartitionDirectory(partition_keys_, pvalues);
  f->rel_path = dir.empty() ? name : dir + "/" + name;
  f->storage_path = root_ + "/" + f->rel_path;
  for (size_t i = 0; i < partition_columns_.size(); ++i) {
    f->partition_values[partition_keys_[i]] = pvalues[i];
  }
  written_paths_.push_back(f->storage_path);
  ASSIGN_OR_RETURN(auto sink, fs_->OpenForWrite(f->storage_path));
  ASSIGN_OR_RETURN(f->writer,
                   parquet::FileWriter::Open(std::move(sink), data_parquet_, options_.parquet));
  f->shredder = std::make_unique<parquet::RecordShredder>(f->writer->schema());
  OpenFile* raw = f.get();
  open_.emplace(pvalues, std::move(f));
  return raw;
}

Status TableWriter::FlushBatch(OpenFile* f) {
  if (f->shredder->num_rows() == 0) return Status::OK();
  return f->shredder->WriteTo(f->writer.get());
}

Status TableWriter::CloseFile(std::unique_ptr<OpenFile> f) {
  RETURN_IF_ERROR(FlushBatch(f.get()));
  RETURN_IF_ERROR(f->writer->Close());
  AddFile add;
  add.path = EncodeUriPath(f->rel_path);
  add.partition_values = std::move(f->partition_values);
  ASSIGN_OR_RETURN(io::FileInfo info, fs_->Stat(f->storage_path));
  add.size = static_cast<int64_t>(info.size);
  add.modification_time = options_.clock->NowMillis();
  add.data_change = options_.data_change;
  ASSIGN_OR_RETURN(std::string stats, StatsJsonFromFooter(data_schema_, f->writer->schema(),
                                                          f->writer->metadata(), options_.stats));
  add.stats = std::move(stats);
  adds_.push_back(std::move(add));
  return Status::OK();
}

Status TableWriter::Write(const parquet::Value& row) {
  if (finished_) return Status::InvalidArgument("delta: " + root_ + ": writer is finished");
  if (row.kind != parquet::Value::Kind::kStruct || row.items.size() != schema_.fields.size()) {
    return Status::InvalidArgument("delta: " + root_ + ": row does not have " +
                                   std::to_string(schema_.fields.size()) + " fields");
  }
  std::vector<std::optional<std::string>> pvalues;
  pvalues.reserve(partition_index_.size());
  for (int idx : partition_index_) {
    ASSIGN_OR_RETURN(
        auto s, SerializePartitionValue(schema_.fields[idx], table_parquet_.root().children[idx],
                                        row.items[idx]));
    if (!s && !schema_.fields[idx].nullable) {
      return Status::InvalidArgument("delta: " + root_ + ": partition column " +
                                     schema_.fields[idx].name + " is null but not nullable");
    }
    pvalues.push_back(std::move(s));
  }
  ASSIGN_OR_RETURN(OpenFile * f, FileFor(pvalues));
  parquet::Value data;
  data.kind = parquet::Value::Kind::kStruct;
  data.items.reserve(data_index_.size());
  for (int idx : data_index_) data.items.push_back(row.items[idx]);
  Status s = f->shredder->Add(data);
  if (!s.ok()) return s.WithContext("delta: " + root_);
  ++rows_;
  if (f->shredder->num_rows() >= options_.shred_batch_rows) {
    RETURN_IF_ERROR(FlushBatch(f));
    if (f->writer->EstimatedFileSize() >= options_.target_file_size) {
      auto node = open_.extract(pvalues);
      RETURN_IF_ERROR(CloseFile(std::move(node.mapped())));
    }
  }
  return Status::OK();
}

Status TableWriter::Write(const std::vector<parquet::Value>& rows) {
  for (const auto& r : rows) RETURN_IF_ERROR(Write(r));
  return Status::OK();
}

Result<std::vector<AddFile>> TableWriter::Finish() {
  if (finished_) return Status::InvalidArgument("delta: " + root_ + ": writer is finished");
  finished_ = true;
  while (!open_.empty()) {
    auto node = open_.extract(open_.begin());
    RETURN_IF_ERROR(CloseFile(std::move(node.mapped())));
  }
  return std::move(adds_);
}

void CleanUpAfterFailedCommit(io::FileSystem& fs, const std::vector<std::string>& paths,
                              const Status& failure) {
  if (failure.outcome_unknown()) return;
  for (const auto& p : paths) (void)fs.Delete(p);
}

}  // namespace lakestream::delta
