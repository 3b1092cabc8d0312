// FileReader: opens a Parquet file, validates and parses its footer, and
// reads column chunks row group by row group (memory bounded by the
// projected columns of one row group).
//
// Encrypted files, and columns whose codec or encoding we lack, fail with
// NotSupported naming the feature; anything malformed is Corruption with the
// file path and the column in the message.
//
// Thread-safety: after Open, const methods may be called concurrently.
// Ownership: shares the RandomAccessFile.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "io/file_system.h"
#include "parquet/column_reader.h"
#include "parquet/metadata.h"
#include "parquet/schema.h"

namespace lakestream::parquet {

struct ReaderOptions {
  int64_t max_footer_bytes = 256LL << 20;
  ColumnReadLimits limits;
};

// A simple predicate on one leaf column, for row-group skipping.
struct ColumnPredicate {
  enum class Op { kEq, kLt, kLe, kGt, kGe, kIsNull, kIsNotNull };
  int column = 0;
  Op op = Op::kEq;
  std::string value;  // PLAIN-encoded literal (no length prefix), as in statistics
};

class FileReader {
 public:
  static Result<std::unique_ptr<FileReader>> Open(std::shared_ptr<io::RandomAccessFile> file,
                                                  const ReaderOptions& options = {});
  static Result<std::unique_ptr<FileReader>> Open(io::FileSystem& fs, const std::string& path,
                                                  const ReaderOptions& options = {});

  const FileMetaData& metadata() const { return metadata_; }
  const Schema& schema() const { return schema_; }
  const std::string& path() const { return file_->path(); }
  int num_row_groups() const { return static_cast<int>(metadata_.row_groups.size()); }
  int64_t num_rows() const { return metadata_.num_rows; }

  // Reads and decodes one column chunk.
  Result<ColumnData> ReadColumn(int row_group, int column) const;

  // Reads the given leaf columns of one row group (all when `columns` is
  // empty); the result has one entry per leaf, unread ones left empty.
  Status ReadRowGroup(int row_group, const std::vector<int>& columns,
                      std::vector<ColumnData>* out) const;

  // False only when the footer statistics prove no row in the row group can
  // satisfy every predicate (a conjunction).
  bool RowGroupMayMatch(int row_group, const std::vector<ColumnPredicate>& predicates) const;

 private:
  FileReader(std::shared_ptr<io::RandomAccessFile> file, ReaderOptions options)
      : file_(std::move(file)), options_(options) {}
  Status Init();

  std::shared_ptr<io::RandomAccessFile> file_;
  ReaderOptions options_;
  uint64_t file_size_ = 0;
  int64_t footer_len_ = 0;
  FileMetaData metadata_;
  Schema schema_;
};

}  // namespace lakestream::parquet
