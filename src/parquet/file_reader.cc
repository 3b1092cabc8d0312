#include "parquet/file_reader.h"

#include <algorithm>
#include <cstring>

#include "parquet/statistics.h"

namespace lakestream::parquet {

Result<std::unique_ptr<FileReader>> FileReader::Open(std::shared_ptr<io::RandomAccessFile> file,
                                                     const ReaderOptions& options) {
  std::unique_ptr<FileReader> r(new FileReader(std::move(file), options));
  RETURN_IF_ERROR(r->Init());
  return r;
}

Result<std::unique_ptr<FileReader>> FileReader::Open(io::FileSystem& fs, const std::string& path,
                                                     const ReaderOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<io::RandomAccessFile> file, fs.OpenForRead(path));
  return Open(std::shared_ptr<io::RandomAccessFile>(std::move(file)), options);
}

Status FileReader::Init() {
  const std::string ctx = "parquet: " + file_->path();
  ASSIGN_OR_RETURN(file_size_, file_->Size());
  if (file_size_ < 12) {
    return Status::Corruption(ctx + ": " + std::to_string(file_size_) +
                              " bytes is too small for a Parquet file");
  }
  char head[4], tail[8];
  RETURN_IF_ERROR(file_->ReadExactly(0, 4, head));
  RETURN_IF_ERROR(file_->ReadExactly(file_size_ - 8, 8, tail));
  if (std::memcmp(tail + 4, "PARE", 4) == 0) {
    return Status::NotSupported(ctx + ": encrypted footer (PARE) is not supported");
  }
  if (std::memcmp(head, "PAR1", 4) != 0 || std::memcmp(tail + 4, "PAR1", 4) != 0) {
    return Status::Corruption(ctx + ": not a Parquet file (magic bytes missing)");
  }
  uint32_t footer_len;
  std::memcpy(&footer_len, tail, 4);
  if (footer_len == 0 || footer_len > file_size_ - 12 ||
      static_cast<int64_t>(footer_len) > options_.max_footer_bytes) {
    return Status::Corruption(ctx + ": footer length " + std::to_string(footer_len) +
                              " does not fit a file of " + std::to_string(file_size_) + " bytes");
  }
  footer_len_ = footer_len;
  std::string footer(footer_len, '\0');
  RETURN_IF_ERROR(file_->ReadExactly(file_size_ - 8 - footer_len, footer_len, footer.data()));
  Result<FileMetaData> md =
      DeserializeFileMetaData(reinterpret_cast<const uint8_t*>(footer.data()), footer.size());
  if (!md.ok()) return md.status().WithContext(ctx + ": footer");
  metadata_ = std::move(*md);
  if (metadata_.has_encryption_algorithm) {
    return Status::NotSupported(ctx + ": encrypted columns (plaintext footer) are not supported");
  }
  Result<Schema> schema = Schema::FromElements(metadata_.schema);
  if (!schema.ok()) return schema.status().WithContext(ctx);
  schema_ = std::move(*schema);
  for (size_t g = 0; g < metadata_.row_groups.size(); ++g) {
    const RowGroup& rg = metadata_.row_groups[g];
    if (rg.columns.size() != static_cast<size_t>(schema_.num_columns())) {
      return Status::Corruption(ctx + ": row group " + std::to_string(g) + " has " +
                                std::to_string(rg.columns.size()) + " column chunks, schema has " +
                                std::to_string(schema_.num_columns()) + " columns");
    }
    if (rg.num_rows < 0) return Status::Corruption(ctx + ": negative row count in row group " + std::to_string(g));
  }
  return Status::OK();
}

Result<ColumnData> FileReader::ReadColumn(int row_group, int column) const {
  if (row_group < 0 || row_group >= num_row_groups() || column < 0 ||
      column >= schema_.num_columns()) {
    return Status::InvalidArgument("parquet: " + path() + ": no row group " +
                                   std::to_string(row_group) + " column " + std::to_string(column));
  }
  const ColumnDescriptor& col = schema_.column(column);
  const RowGroup& rg = metadata_.row_groups[row_group];
  const ColumnChunk& cc = rg.columns[column];
  std::string ctx = "parquet: " + path() + ": row group " + std::to_string(row_group) +
                    ": column " + col.dotted_path();
  if (cc.has_crypto_metadata || cc.has_encrypted_column_metadata) {
    return Status::NotSupported(ctx + ": encrypted column");
  }
  if (cc.file_path) return Status::NotSupported(ctx + ": column chunk in external file " + *cc.file_path);
  if (!cc.meta_data) return Status::Corruption(ctx + ": column chunk has no metadata");
  const ColumnMetaData& md = *cc.meta_data;
  if (md.type != col.physical_type) {
    return Status::Corruption(ctx + ": chunk type " + std::string(PhysicalTypeName(md.type)) +
                              " differs from the schema's");
  }
  if (col.max_rep == 0 && md.num_values != rg.num_rows) {
    return Status::Corruption(ctx + ": " + std::to_string(md.num_values) + " values for " +
                              std::to_string(rg.num_rows) + " rows");
  }
  if (md.num_values == 0) return ColumnData(col.physical_type, col.type_length);  // empty chunk
  int64_t start = md.data_page_offset;
  if (md.dictionary_page_offset && *md.dictionary_page_offset > 0 &&
      *md.dictionary_page_offset < start) {
    start = *md.dictionary_page_offset;
  }
  int64_t len = md.total_compressed_size;
  if (start < 4 || len < 0 || static_cast<uint64_t>(start) > file_size_ ||
      static_cast<uint64_t>(len) > file_size_ - static_cast<uint64_t>(start)) {
    return Status::Corruption(ctx + ": chunk at offset " + std::to_string(start) + " length " +
                              std::to_string(len) + " lies outside the file of " +
                              std::to_string(file_size_) + " bytes");
  }
  // parquet-mr before 1.2.9 left the dictionary page header out of
  // total_compressed_size (PARQUET-816); read a little past the stated end,
  // never into the footer, so such files stay readable.
  constexpr int64_t kSlack = 100;
  int64_t data_end = static_cast<int64_t>(file_size_) - 8 - footer_len_;
  len = std::max(len, std::min(len + kSlack, data_end - start));
  std::string bytes(static_cast<size_t>(len), '\0');
  RETURN_IF_ERROR(file_->ReadExactly(static_cast<uint64_t>(start), bytes.size(), bytes.data()));
  ColumnData out(col.physical_type, col.type_length);
  RETURN_IF_ERROR(ReadColumnChunk(col, md, bytes, ctx, options_.limits, &out));
  return out;
}

Status FileReader::ReadRowGroup(int row_group, const std::vector<int>& columns,
                                std::vector<ColumnData>* out) const {
  out->clear();
  out->reserve(schema_.num_columns());
  for (int c = 0; c < schema_.num_columns(); ++c) {
    out->emplace_back(schema_.column(c).physical_type, schema_.column(c).type_length);
  }
  if (columns.empty()) {
    for (int c = 0; c < schema_.num_columns(); ++c) {
      ASSIGN_OR_RETURN((*out)[c], ReadColumn(row_group, c));
    }
  } else {
    for (int c : columns) {
      ASSIGN_OR_RETURN((*out)[c], ReadColumn(row_group, c));
    }
  }
  return Status::OK();
}

bool FileReader::RowGroupMayMatch(int row_group,
                                  const std::vector<ColumnPredicate>& predicates) const {
  if (row_group < 0 || row_group >= num_row_groups()) return false;
  const RowGroup& rg = metadata_.row_groups[row_group];
  for (const auto& p : predicates) {
    if (p.column < 0 || p.column >= schema_.num_columns()) continue;
    const ColumnDescriptor& col = schema_.column(p.column);
    const ColumnChunk& cc = rg.columns[p.column];
    if (!cc.meta_data || !cc.meta_data->statistics) continue;
    const Statistics& st = *cc.meta_data->statistics;
    if (p.op == ColumnPredicate::Op::kIsNull) {
      if (st.null_count && *st.null_count == 0) return false;
      continue;
    }
    if (p.op == ColumnPredicate::Op::kIsNotNull) {
      if (st.null_count && *st.null_count == rg.num_rows && col.max_rep == 0) return false;
      continue;
    }
    // Only the type-defined-order fields are trusted.
    if (!st.min_value || !st.max_value || GetSortOrder(col) == SortOrder::kUnknown) continue;
    if (!metadata_.column_orders.empty() &&
        metadata_.column_orders.size() != static_cast<size_t>(schema_.num_columns())) {
      continue;
    }
    int vs_min = CompareEncoded(col, p.value, *st.min_value);
    int vs_max = CompareEncoded(col, p.value, *st.max_value);
    bool min_exact = st.is_min_value_exact.value_or(true);
    bool max_exact = st.is_max_value_exact.value_or(true);
    switch (p.op) {
      case ColumnPredicate::Op::kEq:
        if (vs_min < 0 || vs_max > 0) return false;
        break;
      case ColumnPredicate::Op::kLt:  // some x < v needs min < v
        if (vs_min < 0 || (vs_min == 0 && min_exact)) return false;
        break;
      case ColumnPredicate::Op::kLe:
        if (vs_min < 0) return false;
        break;
      case ColumnPredicate::Op::kGt:  // some x > v needs max > v
        if (vs_max > 0 || (vs_max == 0 && max_exact)) return false;
        break;
      case ColumnPredicate::Op::kGe:
        if (vs_max > 0) return false;
        break;
      default: break;
    }
  }
  return true;
}

}  // namespace lakestream::parquet
