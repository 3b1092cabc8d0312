// JsonBatchBuilder: parses JSON event records (one object per record) and
// appends them, typecast by column name, to columnar buffers that a
// parquet::FileWriter writes directly. This is the ingest hot path: no
// per-record heap allocations, simdjson on-demand parsing, values appended
// straight into the encoders' input vectors.
//
// Casting rules (the "typecast by column name" of the pipeline config):
// - string:    JSON strings as they are; numbers and booleans as their JSON
//              text; objects and arrays as their raw JSON text.
// - int32/int64: JSON integers; strings holding an integer ("42"); doubles
//              with no fractional part. Out of range is an error.
// - double:    JSON numbers; numeric strings.
// - boolean:   true/false; "true"/"false" strings; 0/1.
// - timestamp: ISO-8601 strings (see ParseTimestampMicros); integers are
//              epoch milliseconds. Stored as INT64 micros, UTC.
// - date:      "YYYY-MM-DD" strings, or the date part of a timestamp.
// - json:      any value as its raw JSON text (stored as a STRING column).
// A JSON null or a missing field is null; a null in a non-nullable column,
// a value that cannot be cast, or a record that is not a JSON object is an
// error naming the column, and the record is not added (rows are atomic).
//
// Thread-safety: single-threaded; use one builder per thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "parquet/file_writer.h"
#include "parquet/schema.h"
#include "parquet/value.h"

namespace lakestream::pipeline {

enum class ColumnType { kString, kInt32, kInt64, kDouble, kBoolean, kTimestamp, kDate, kJson };

// Parses "string", "int32", "int", "int64", "bigint", "long", "double",
// "float64", "boolean", "bool", "timestamp", "date", "json".
Result<ColumnType> ParseColumnType(std::string_view name);
std::string_view ColumnTypeName(ColumnType t);

struct ColumnSpec {
  std::string name;  // column name in the table
  ColumnType type = ColumnType::kString;
  bool nullable = true;
  std::string source;  // JSON field name; empty means `name`
};

// Reads {"columns":[{"name":..,"type":..,"nullable":..,"source":..},...]}.
Result<std::vector<ColumnSpec>> ParseColumnSpecs(std::string_view json);

class JsonBatchBuilder {
 public:
  // InvalidArgument for duplicate names or an empty list.
  static Result<std::unique_ptr<JsonBatchBuilder>> Make(std::vector<ColumnSpec> columns);
  ~JsonBatchBuilder();

  // The Parquet schema of the rows built.
  const parquet::Schema& schema() const;
  const std::vector<ColumnSpec>& columns() const;

  // Parses one record and appends it as a row. On error nothing is appended
  // and the Status says which column and why.
  Status Add(std::string_view record);
  // Same, parsing in place when `readable` (the bytes that may be read from
  // record.data(), >= record.size()) leaves simdjson's 64 bytes of padding
  // past the end; otherwise the record is copied into a padded buffer.
  Status Add(std::string_view record, size_t readable);

  int64_t num_rows() const;
  // Bytes of record text added since the last Clear().
  int64_t input_bytes() const;
  // Approximate bytes buffered in the column vectors.
  int64_t buffered_bytes() const;

  // Writes the buffered rows to `writer` (whose schema must be schema()) as
  // one batch, then clears them.
  Status WriteTo(parquet::FileWriter* writer);
  // Appends the buffered rows to *rows as assembled Values (through an
  // in-memory Parquet file, so typecasts are exactly those WriteTo applies),
  // then clears them. Nothing is appended when no rows are buffered.
  Status DrainToValues(std::vector<parquet::Value>* rows);
  void Clear();

 private:
  class Impl;
  explicit JsonBatchBuilder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lakestream::pipeline
