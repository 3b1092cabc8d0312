// Writing parquet.thrift structs (SerializeFileMetaData,
// SerializePageHeader). Reading is in metadata.cc.
//
// Required fields are always written, optional ones when set; optional lists
// (key_value_metadata, sorting_columns, encoding_stats, column_orders) when
// non-empty. What we only record on reading is never written:
// FileMetaData.encryption_algorithm and ColumnChunk.crypto_metadata /
// encrypted_column_metadata (we do not write encrypted files), a LogicalType
// of kind kNone or a kind we do not know, and the details of VARIANT,
// GEOMETRY and GEOGRAPHY (written as empty structs, i.e. their defaults).
// A ColumnOrder with type_defined_order = false is written as an empty union,
// which readers treat as an unknown order.

#include <string>

#include "parquet/metadata.h"
#include "parquet/thrift_compact.h"

namespace lakestream::parquet {
namespace {

using thrift::CompactWriter;
using thrift::Type;

void WriteStatistics(CompactWriter& w, const Statistics& s) {
  w.BeginStruct();
  if (s.max) w.WriteBinaryField(1, *s.max);
  if (s.min) w.WriteBinaryField(2, *s.min);
  if (s.null_count) w.WriteI64Field(3, *s.null_count);
  if (s.distinct_count) w.WriteI64Field(4, *s.distinct_count);
  if (s.max_value) w.WriteBinaryField(5, *s.max_value);
  if (s.min_value) w.WriteBinaryField(6, *s.min_value);
  if (s.is_max_value_exact) w.WriteBoolField(7, *s.is_max_value_exact);
  if (s.is_min_value_exact) w.WriteBoolField(8, *s.is_min_value_exact);
  w.EndStruct();
}

void WriteEmptyStruct(CompactWriter& w) {
  w.BeginStruct();
  w.EndStruct();
}

bool IsWritableKind(LogicalType::Kind kind) {
  const auto k = static_cast<int>(kind);
  return k >= static_cast<int>(LogicalType::Kind::kString) &&
         k <= static_cast<int>(LogicalType::Kind::kGeography) && k != 9;
}

void WriteTimeUnit(CompactWriter& w, TimeUnit unit) {
  int16_t id = 2;  // MICROS, also for values outside the enum
  if (unit == TimeUnit::kMillis) id = 1;
  if (unit == TimeUnit::kNanos) id = 3;
  w.BeginStruct();
  w.WriteFieldHeader(Type::kStruct, id);
  WriteEmptyStruct(w);
  w.EndStruct();
}

// Only called for IsWritableKind(lt.kind).
void WriteLogicalType(CompactWriter& w, const LogicalType& lt) {
  using Kind = LogicalType::Kind;
  w.BeginStruct();
  w.WriteFieldHeader(Type::kStruct, static_cast<int16_t>(lt.kind));
  w.BeginStruct();
  switch (lt.kind) {
    case Kind::kDecimal:
      w.WriteI32Field(1, lt.scale);
      w.WriteI32Field(2, lt.precision);
      break;
    case Kind::kTime:
    case Kind::kTimestamp:
      w.WriteBoolField(1, lt.is_adjusted_to_utc);
      w.WriteFieldHeader(Type::kStruct, 2);
      WriteTimeUnit(w, lt.unit);
      break;
    case Kind::kInteger:
      w.WriteByteField(1, lt.bit_width);
      w.WriteBoolField(2, lt.is_signed);
      break;
    default:
      break;  // members without fields (or whose fields we do not model)
  }
  w.EndStruct();
  w.EndStruct();
}

void WriteSchemaElement(CompactWriter& w, const SchemaElement& e) {
  w.BeginStruct();
  if (e.type) w.WriteI32Field(1, static_cast<int32_t>(*e.type));
  if (e.type_length) w.WriteI32Field(2, *e.type_length);
  if (e.repetition_type) w.WriteI32Field(3, static_cast<int32_t>(*e.repetition_type));
  w.WriteBinaryField(4, e.name);
  if (e.num_children) w.WriteI32Field(5, *e.num_children);
  if (e.converted_type) w.WriteI32Field(6, static_cast<int32_t>(*e.converted_type));
  if (e.scale) w.WriteI32Field(7, *e.scale);
  if (e.precision) w.WriteI32Field(8, *e.precision);
  if (e.field_id) w.WriteI32Field(9, *e.field_id);
  if (e.logical_type && IsWritableKind(e.logical_type->kind)) {
    w.WriteFieldHeader(Type::kStruct, 10);
    WriteLogicalType(w, *e.logical_type);
  }
  w.EndStruct();
}

void WriteKeyValueList(CompactWriter& w, int16_t id, const std::vector<KeyValue>& kvs) {
  w.WriteFieldHeader(Type::kList, id);
  w.WriteListHeader(Type::kStruct, static_cast<uint32_t>(kvs.size()));
  for (const KeyValue& kv : kvs) {
    w.BeginStruct();
    w.WriteBinaryField(1, kv.key);
    if (kv.value) w.WriteBinaryField(2, *kv.value);
    w.EndStruct();
  }
}

void WriteColumnMetaData(CompactWriter& w, const ColumnMetaData& m) {
  w.BeginStruct();
  w.WriteI32Field(1, static_cast<int32_t>(m.type));
  w.WriteFieldHeader(Type::kList, 2);
  w.WriteListHeader(Type::kI32, static_cast<uint32_t>(m.encodings.size()));
  for (Encoding e : m.encodings) w.WriteI32(static_cast<int32_t>(e));
  w.WriteFieldHeader(Type::kList, 3);
  w.WriteListHeader(Type::kBinary, static_cast<uint32_t>(m.path_in_schema.size()));
  for (const std::string& p : m.path_in_schema) w.WriteBinary(p);
  w.WriteI32Field(4, static_cast<int32_t>(m.codec));
  w.WriteI64Field(5, m.num_values);
  w.WriteI64Field(6, m.total_uncompressed_size);
  w.WriteI64Field(7, m.total_compressed_size);
  if (!m.key_value_metadata.empty()) WriteKeyValueList(w, 8, m.key_value_metadata);
  w.WriteI64Field(9, m.data_page_offset);
  if (m.index_page_offset) w.WriteI64Field(10, *m.index_page_offset);
  if (m.dictionary_page_offset) w.WriteI64Field(11, *m.dictionary_page_offset);
  if (m.statistics) {
    w.WriteFieldHeader(Type::kStruct, 12);
    WriteStatistics(w, *m.statistics);
  }
  if (!m.encoding_stats.empty()) {
    w.WriteFieldHeader(Type::kList, 13);
    w.WriteListHeader(Type::kStruct, static_cast<uint32_t>(m.encoding_stats.size()));
    for (const PageEncodingStats& s : m.encoding_stats) {
      w.BeginStruct();
      w.WriteI32Field(1, static_cast<int32_t>(s.page_type));
      w.WriteI32Field(2, static_cast<int32_t>(s.encoding));
      w.WriteI32Field(3, s.count);
      w.EndStruct();
    }
  }
  if (m.bloom_filter_offset) w.WriteI64Field(14, *m.bloom_filter_offset);
  if (m.bloom_filter_length) w.WriteI32Field(15, *m.bloom_filter_length);
  w.EndStruct();
}

void WriteColumnChunk(CompactWriter& w, const ColumnChunk& c) {
  w.BeginStruct();
  if (c.file_path) w.WriteBinaryField(1, *c.file_path);
  w.WriteI64Field(2, c.file_offset);
  if (c.meta_data) {
    w.WriteFieldHeader(Type::kStruct, 3);
    WriteColumnMetaData(w, *c.meta_data);
  }
  if (c.offset_index_offset) w.WriteI64Field(4, *c.offset_index_offset);
  if (c.offset_index_length) w.WriteI32Field(5, *c.offset_index_length);
  if (c.column_index_offset) w.WriteI64Field(6, *c.column_index_offset);
  if (c.column_index_length) w.WriteI32Field(7, *c.column_index_length);
  w.EndStruct();
}

void WriteRowGroup(CompactWriter& w, const RowGroup& g) {
  w.BeginStruct();
  w.WriteFieldHeader(Type::kList, 1);
  w.WriteListHeader(Type::kStruct, static_cast<uint32_t>(g.columns.size()));
  for (const ColumnChunk& c : g.columns) WriteColumnChunk(w, c);
  w.WriteI64Field(2, g.total_byte_size);
  w.WriteI64Field(3, g.num_rows);
  if (!g.sorting_columns.empty()) {
    w.WriteFieldHeader(Type::kList, 4);
    w.WriteListHeader(Type::kStruct, static_cast<uint32_t>(g.sorting_columns.size()));
    for (const SortingColumn& s : g.sorting_columns) {
      w.BeginStruct();
      w.WriteI32Field(1, s.column_idx);
      w.WriteBoolField(2, s.descending);
      w.WriteBoolField(3, s.nulls_first);
      w.EndStruct();
    }
  }
  if (g.file_offset) w.WriteI64Field(5, *g.file_offset);
  if (g.total_compressed_size) w.WriteI64Field(6, *g.total_compressed_size);
  if (g.ordinal) w.WriteI16Field(7, *g.ordinal);
  w.EndStruct();
}

void WriteDataPageHeader(CompactWriter& w, const DataPageHeader& p) {
  w.BeginStruct();
  w.WriteI32Field(1, p.num_values);
  w.WriteI32Field(2, static_cast<int32_t>(p.encoding));
  w.WriteI32Field(3, static_cast<int32_t>(p.definition_level_encoding));
  w.WriteI32Field(4, static_cast<int32_t>(p.repetition_level_encoding));
  if (p.statistics) {
    w.WriteFieldHeader(Type::kStruct, 5);
    WriteStatistics(w, *p.statistics);
  }
  w.EndStruct();
}

void WriteDictionaryPageHeader(CompactWriter& w, const DictionaryPageHeader& p) {
  w.BeginStruct();
  w.WriteI32Field(1, p.num_values);
  w.WriteI32Field(2, static_cast<int32_t>(p.encoding));
  if (p.is_sorted) w.WriteBoolField(3, *p.is_sorted);
  w.EndStruct();
}

void WriteDataPageHeaderV2(CompactWriter& w, const DataPageHeaderV2& p) {
  w.BeginStruct();
  w.WriteI32Field(1, p.num_values);
  w.WriteI32Field(2, p.num_nulls);
  w.WriteI32Field(3, p.num_rows);
  w.WriteI32Field(4, static_cast<int32_t>(p.encoding));
  w.WriteI32Field(5, p.definition_levels_byte_length);
  w.WriteI32Field(6, p.repetition_levels_byte_length);
  if (p.is_compressed) w.WriteBoolField(7, *p.is_compressed);
  if (p.statistics) {
    w.WriteFieldHeader(Type::kStruct, 8);
    WriteStatistics(w, *p.statistics);
  }
  w.EndStruct();
}

}  // namespace

void SerializeFileMetaData(const FileMetaData& md, std::string* out) {
  CompactWriter w(out);
  w.BeginStruct();
  w.WriteI32Field(1, md.version);
  w.WriteFieldHeader(Type::kList, 2);
  w.WriteListHeader(Type::kStruct, static_cast<uint32_t>(md.schema.size()));
  for (const SchemaElement& e : md.schema) WriteSchemaElement(w, e);
  w.WriteI64Field(3, md.num_rows);
  w.WriteFieldHeader(Type::kList, 4);
  w.WriteListHeader(Type::kStruct, static_cast<uint32_t>(md.row_groups.size()));
  for (const RowGroup& g : md.row_groups) WriteRowGroup(w, g);
  if (!md.key_value_metadata.empty()) WriteKeyValueList(w, 5, md.key_value_metadata);
  if (md.created_by) w.WriteBinaryField(6, *md.created_by);
  if (!md.column_orders.empty()) {
    w.WriteFieldHeader(Type::kList, 7);
    w.WriteListHeader(Type::kStruct, static_cast<uint32_t>(md.column_orders.size()));
    for (const ColumnOrder& o : md.column_orders) {
      w.BeginStruct();
      if (o.type_defined_order) {
        w.WriteFieldHeader(Type::kStruct, 1);
        WriteEmptyStruct(w);
      }
      w.EndStruct();
    }
  }
  w.EndStruct();
}

void SerializePageHeader(const PageHeader& header, std::string* out) {
  CompactWriter w(out);
  w.BeginStruct();
  w.WriteI32Field(1, static_cast<int32_t>(header.type));
  w.WriteI32Field(2, header.uncompressed_page_size);
  w.WriteI32Field(3, header.compressed_page_size);
  if (header.crc) w.WriteI32Field(4, *header.crc);
  if (header.data_page_header) {
    w.WriteFieldHeader(Type::kStruct, 5);
    WriteDataPageHeader(w, *header.data_page_header);
  }
  if (header.dictionary_page_header) {
    w.WriteFieldHeader(Type::kStruct, 7);
    WriteDictionaryPageHeader(w, *header.dictionary_page_header);
  }
  if (header.data_page_header_v2) {
    w.WriteFieldHeader(Type::kStruct, 8);
    WriteDataPageHeaderV2(w, *header.data_page_header_v2);
  }
  w.EndStruct();
}

}  // namespace lakestream::parquet
