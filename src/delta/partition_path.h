// Writing partition values: typed values to the strings of
// add.partitionValues (PROTOCOL.md "Partition Value Serialization"), and the
// Hive-style directories `col=value/` data files are written under.
//
// Serialization: strings as they are (an empty string is a null partition
// value, as the protocol says), integers and decimals as their exact decimal
// text, floats as the shortest text that reads back exactly, booleans
// "true"/"false", dates "YYYY-MM-DD", timestamps ISO-8601 in UTC with
// microseconds ("1970-01-01T00:00:00.123456Z", the form the protocol
// recommends), timestamp_ntz "1970-01-01 00:00:00.123456".
//
// Directories: names and values escaped as Hive/Spark do (control bytes and
// "#%'*/:=?\{[]^ and DEL and space become %XX); a null value is the directory
// `col=__HIVE_DEFAULT_PARTITION__`. The add.path is then the URI encoding
// of the directory plus file name (so "%" in a directory becomes "%25").
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "delta/schema.h"
#include "parquet/schema.h"
#include "parquet/value.h"

namespace lakestream::delta {

inline constexpr std::string_view kHiveDefaultPartition = "__HIVE_DEFAULT_PARTITION__";

// The partitionValues string of `v` (a value of `node`, the column's Parquet
// node from ToParquetField); nullopt for null. InvalidArgument for values of
// the wrong kind or types that cannot be partition columns.
Result<std::optional<std::string>> SerializePartitionValue(const StructField& column,
                                                           const parquet::SchemaNode& node,
                                                           const parquet::Value& v);

// Hive's escapePathName.
std::string EscapePartitionPathComponent(std::string_view s);

// "a=1/b=x%3Ay" for columns and serialized values (same length).
std::string PartitionDirectory(const std::vector<std::string>& columns,
                               const std::vector<std::optional<std::string>>& values);

}  // namespace lakestream::delta
