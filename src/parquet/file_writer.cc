#include "parquet/file_writer.h"

#include <cstring>

namespace lakestream::parquet {

FileWriter::FileWriter(std::unique_ptr<io::WritableFile> sink, Schema schema, WriterOptions options)
    : sink_(std::move(sink)), schema_(std::move(schema)), options_(std::move(options)) {
  for (const auto& col : schema_.columns()) {
    columns_.push_back(std::make_unique<ColumnChunkWriter>(col, options_));
  }
}

FileWriter::~FileWriter() = default;

Result<std::unique_ptr<FileWriter>> FileWriter::Open(std::unique_ptr<io::WritableFile> sink,
                                                     const Schema& schema,
                                                     const WriterOptions& options) {
  std::unique_ptr<FileWriter> w(new FileWriter(std::move(sink), schema, options));
  RETURN_IF_ERROR(w->sink_->Append("PAR1"));
  w->offset_ = 4;
  return w;
}

Status FileWriter::WriteColumn(int column, const int16_t* def, const int16_t* rep,
                               size_t num_levels, const ColumnValues& values) {
  if (closed_) return Status::InvalidArgument("parquet: write after close");
  if (column < 0 || column >= static_cast<int>(columns_.size())) {
    return Status::InvalidArgument("parquet: no column " + std::to_string(column));
  }
  return columns_[column]->Write(def, rep, num_levels, values);
}

Status FileWriter::EndBatch(int64_t num_rows) {
  group_rows_ += num_rows;
  total_rows_ += num_rows;
  int64_t buffered = 0;
  for (const auto& c : columns_) buffered += c->BufferedBytes();
  if (buffered >= options_.row_group_size_bytes) return FlushRowGroup();
  return Status::OK();
}

Status FileWriter::FlushRowGroup() {
  if (group_rows_ == 0) return Status::OK();
  RowGroup rg;
  rg.num_rows = group_rows_;
  rg.file_offset = offset_;
  int64_t start = offset_;
  for (auto& c : columns_) {
    ColumnChunk chunk;
    RETURN_IF_ERROR(c->Flush(sink_.get(), &offset_, &chunk));
    rg.total_byte_size += chunk.meta_data->total_uncompressed_size;
    rg.columns.push_back(std::move(chunk));
  }
  rg.total_compressed_size = offset_ - start;
  rg.ordinal = static_cast<int16_t>(metadata_.row_groups.size());
  metadata_.row_groups.push_back(std::move(rg));
  group_rows_ = 0;
  return Status::OK();
}

int64_t FileWriter::EstimatedFileSize() const {
  int64_t buffered = 0;
  for (const auto& c : columns_) buffered += c->BufferedBytes();
  return offset_ + buffered;
}

Status FileWriter::Close() {
  if (closed_) return Status::InvalidArgument("parquet: closed twice");
  RETURN_IF_ERROR(FlushRowGroup());
  closed_ = true;
  metadata_.version = 1;
  metadata_.schema = schema_.ToElements();
  metadata_.num_rows = total_rows_;
  metadata_.created_by = options_.created_by;
  metadata_.key_value_metadata = options_.key_value_metadata;
  metadata_.column_orders.assign(schema_.num_columns(), ColumnOrder{});
  std::string footer;
  SerializeFileMetaData(metadata_, &footer);
  uint32_t len = static_cast<uint32_t>(footer.size());
  char tail[8];
  std::memcpy(tail, &len, 4);
  std::memcpy(tail + 4, "PAR1", 4);
  footer.append(tail, 8);
  RETURN_IF_ERROR(sink_->Append(footer));
  offset_ += static_cast<int64_t>(footer.size());
  return sink_->Close();
}

}  // namespace lakestream::parquet
