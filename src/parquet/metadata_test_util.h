// Test helpers for the metadata structs: field-by-field equality (the structs
// in metadata.h declare no operator==) and reading a footer out of a file.
//
// Thread-safety: plain functions. Test code only.
#pragma once

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <tuple>

#include "parquet/metadata.h"

namespace lakestream::parquet {

// Defined here rather than in metadata.h so the shared header stays as the
// other modules expect; found by ADL from gtest's EXPECT_EQ.
inline auto Tie(const Statistics& s) {
  return std::tie(s.max, s.min, s.null_count, s.distinct_count, s.max_value, s.min_value,
                  s.is_max_value_exact, s.is_min_value_exact);
}
inline auto Tie(const LogicalType& t) {
  return std::tie(t.kind, t.scale, t.precision, t.is_adjusted_to_utc, t.unit, t.bit_width,
                  t.is_signed);
}
inline auto Tie(const SchemaElement& e) {
  return std::tie(e.type, e.type_length, e.repetition_type, e.name, e.num_children,
                  e.converted_type, e.scale, e.precision, e.field_id, e.logical_type);
}
inline auto Tie(const DataPageHeader& p) {
  return std::tie(p.num_values, p.encoding, p.definition_level_encoding,
                  p.repetition_level_encoding, p.statistics);
}
inline auto Tie(const DictionaryPageHeader& p) {
  return std::tie(p.num_values, p.encoding, p.is_sorted);
}
inline auto Tie(const DataPageHeaderV2& p) {
  return std::tie(p.num_values, p.num_nulls, p.num_rows, p.encoding,
                  p.definition_levels_byte_length, p.repetition_levels_byte_length, p.is_compressed,
                  p.statistics);
}
inline auto Tie(const PageHeader& p) {
  return std::tie(p.type, p.uncompressed_page_size, p.compressed_page_size, p.crc,
                  p.data_page_header, p.dictionary_page_header, p.data_page_header_v2);
}
inline auto Tie(const KeyValue& kv) { return std::tie(kv.key, kv.value); }
inline auto Tie(const SortingColumn& c) {
  return std::tie(c.column_idx, c.descending, c.nulls_first);
}
inline auto Tie(const PageEncodingStats& s) { return std::tie(s.page_type, s.encoding, s.count); }
inline auto Tie(const ColumnMetaData& m) {
  return std::tie(m.type, m.encodings, m.path_in_schema, m.codec, m.num_values,
                  m.total_uncompressed_size, m.total_compressed_size, m.key_value_metadata,
                  m.data_page_offset, m.index_page_offset, m.dictionary_page_offset, m.statistics,
                  m.encoding_stats, m.bloom_filter_offset, m.bloom_filter_length);
}
inline auto Tie(const ColumnChunk& c) {
  return std::tie(c.file_path, c.file_offset, c.meta_data, c.offset_index_offset,
                  c.offset_index_length, c.column_index_offset, c.column_index_length,
                  c.has_crypto_metadata, c.has_encrypted_column_metadata);
}
inline auto Tie(const RowGroup& g) {
  return std::tie(g.columns, g.total_byte_size, g.num_rows, g.sorting_columns, g.file_offset,
                  g.total_compressed_size, g.ordinal);
}
inline auto Tie(const ColumnOrder& o) { return std::tie(o.type_defined_order); }
inline auto Tie(const FileMetaData& md) {
  return std::tie(md.version, md.schema, md.num_rows, md.row_groups, md.key_value_metadata,
                  md.created_by, md.column_orders, md.has_encryption_algorithm);
}

#define LAKESTREAM_TEST_EQ(T) \
  inline bool operator==(const T& a, const T& b) { return Tie(a) == Tie(b); }
LAKESTREAM_TEST_EQ(Statistics)
LAKESTREAM_TEST_EQ(LogicalType)
LAKESTREAM_TEST_EQ(SchemaElement)
LAKESTREAM_TEST_EQ(DataPageHeader)
LAKESTREAM_TEST_EQ(DictionaryPageHeader)
LAKESTREAM_TEST_EQ(DataPageHeaderV2)
LAKESTREAM_TEST_EQ(PageHeader)
LAKESTREAM_TEST_EQ(KeyValue)
LAKESTREAM_TEST_EQ(SortingColumn)
LAKESTREAM_TEST_EQ(PageEncodingStats)
LAKESTREAM_TEST_EQ(ColumnMetaData)
LAKESTREAM_TEST_EQ(ColumnChunk)
LAKESTREAM_TEST_EQ(RowGroup)
LAKESTREAM_TEST_EQ(ColumnOrder)
LAKESTREAM_TEST_EQ(FileMetaData)
#undef LAKESTREAM_TEST_EQ

// The whole file, or "" if it cannot be read.
inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The footer bytes of a Parquet file: the `len` bytes before the trailing
// 4-byte little-endian length and "PAR1". Empty if the tail is malformed.
inline std::string FooterOf(const std::string& file) {
  if (file.size() < 12 || file.compare(file.size() - 4, 4, "PAR1") != 0) return "";
  const auto* p = reinterpret_cast<const uint8_t*>(file.data() + file.size() - 8);
  const uint32_t len = p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
  if (len > file.size() - 12) return "";
  return file.substr(file.size() - 8 - len, len);
}

}  // namespace lakestream::parquet
