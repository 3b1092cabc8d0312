// Reading parquet.thrift structs (DeserializeFileMetaData,
// DeserializePageHeader). Writing is in metadata_serialize.cc.
//
// Field ids are those of apache/parquet-format src/main/thrift/parquet.thrift.
// Unknown field ids are skipped, and so is a known id with an unexpected wire
// type, as Apache Thrift's generated readers do (see Decoder::Take). Missing
// required fields are Corruption.
//
// Enum values we do not know are kept as the integer cast, except:
//  - PhysicalType (SchemaElement.type, ColumnMetaData.type) and Repetition:
//    they fix value widths and level structure, which later code indexes and
//    loops by, so unknown values are Corruption.
//  - LogicalType: an unknown union member (or TIME/TIMESTAMP with an unknown
//    TimeUnit) leaves SchemaElement.logical_type unset, as if the annotation
//    were absent; converted_type still applies. That is what other readers
//    do, and it keeps re-serialization from writing a member we cannot fill.
//  - ColumnOrder: a member other than TYPE_ORDER reads as
//    type_defined_order = false.
// Encoding, CompressionCodec, PageType and ConvertedType are kept as cast;
// the code that acts on them reports NotSupported.
//
// Page headers additionally reject negative sizes and counts, which page
// readers would otherwise use as lengths.

#include "parquet/metadata.h"

#include <iterator>
#include <string>

#include "parquet/metadata_decoder_internal.h"
#include "parquet/thrift_compact.h"

namespace lakestream::parquet {

namespace internal {

Status Decoder::Fail(const char* root, const Status& st) const {
  std::string msg = "parquet: ";
  msg += root;
  for (int d = 1; d <= depth_ && frames_[d].field != nullptr; ++d) {
    msg += '.';
    msg += frames_[d].field;
    if (frames_[d].index >= 0) {
      msg += '[';
      msg += std::to_string(frames_[d].index);
      msg += ']';
    }
  }
  msg += ": ";
  msg += st.message();
  return Status(st.code(), std::move(msg));
}

}  // namespace internal

namespace {

using internal::Decoder;
using thrift::FieldHeader;
using thrift::Type;

constexpr int32_t kMaxPhysicalType = static_cast<int32_t>(PhysicalType::kFixedLenByteArray);
constexpr int32_t kMaxRepetition = static_cast<int32_t>(Repetition::kRepeated);

Status ReadStatistics(Decoder& d, Statistics* s) {
  return d.Struct([&](const FieldHeader& h) -> Status {
    switch (h.id) {
      case 1:
        return d.Field(h, "max", &s->max);
      case 2:
        return d.Field(h, "min", &s->min);
      case 3:
        return d.Field(h, "null_count", &s->null_count);
      case 4:
        return d.Field(h, "distinct_count", &s->distinct_count);
      case 5:
        return d.Field(h, "max_value", &s->max_value);
      case 6:
        return d.Field(h, "min_value", &s->min_value);
      case 7:
        return d.Field(h, "is_max_value_exact", &s->is_max_value_exact);
      case 8:
        return d.Field(h, "is_min_value_exact", &s->is_min_value_exact);
      default:
        return d.Skip(h);
    }
  });
}

// TimeUnit union. *known is false when no member we know was present.
Status ReadTimeUnit(Decoder& d, TimeUnit* unit, bool* known) {
  *known = false;
  return d.Struct([&](const FieldHeader& h) -> Status {
    static constexpr TimeUnit kUnits[] = {TimeUnit::kMillis, TimeUnit::kMicros, TimeUnit::kNanos};
    static constexpr const char* kNames[] = {"MILLIS", "MICROS", "NANOS"};
    if (h.id < 1 || h.id > 3) return d.Skip(h);
    return d.StructField(h, kNames[h.id - 1], [&] {
      *unit = kUnits[h.id - 1];
      *known = true;
      return d.SkipStruct();
    });
  });
}

// TimeType and TimestampType share their fields. *known as for ReadTimeUnit.
Status ReadTimeOrTimestamp(Decoder& d, const char* struct_name, LogicalType* lt, bool* known) {
  uint32_t seen = 0;
  RETURN_IF_ERROR(d.Struct(
      [&](const FieldHeader& h) -> Status {
        switch (h.id) {
          case 1:
            return d.Field(h, "is_adjusted_to_utc", &lt->is_adjusted_to_utc);
          case 2:
            return d.StructField(h, "unit", [&] { return ReadTimeUnit(d, &lt->unit, known); });
          default:
            return d.Skip(h);
        }
      },
      &seen));
  return d.Require(seen, struct_name, {{1, "is_adjusted_to_utc"}, {2, "unit"}});
}

Status ReadDecimalType(Decoder& d, LogicalType* lt) {
  uint32_t seen = 0;
  RETURN_IF_ERROR(d.Struct(
      [&](const FieldHeader& h) -> Status {
        switch (h.id) {
          case 1:
            return d.Field(h, "scale", &lt->scale);
          case 2:
            return d.Field(h, "precision", &lt->precision);
          default:
            return d.Skip(h);
        }
      },
      &seen));
  return d.Require(seen, "DecimalType", {{1, "scale"}, {2, "precision"}});
}

Status ReadIntType(Decoder& d, LogicalType* lt) {
  uint32_t seen = 0;
  RETURN_IF_ERROR(d.Struct(
      [&](const FieldHeader& h) -> Status {
        switch (h.id) {
          case 1:
            return d.Field(h, "bit_width", &lt->bit_width);
          case 2:
            return d.Field(h, "is_signed", &lt->is_signed);
          default:
            return d.Skip(h);
        }
      },
      &seen));
  return d.Require(seen, "IntType", {{1, "bit_width"}, {2, "is_signed"}});
}

const char* LogicalKindName(LogicalType::Kind kind) {
  static constexpr const char* kNames[] = {"NONE",    "STRING",  "MAP",      "LIST",      "ENUM",
                                           "DECIMAL", "DATE",    "TIME",     "TIMESTAMP", "",
                                           "INTEGER", "UNKNOWN", "JSON",     "BSON",      "UUID",
                                           "FLOAT16", "VARIANT", "GEOMETRY", "GEOGRAPHY"};
  const auto i = static_cast<size_t>(kind);
  return i < std::size(kNames) ? kNames[i] : "?";
}

// The LogicalType union; lt->kind stays kNone if no member we know is set.
Status ReadLogicalType(Decoder& d, LogicalType* lt) {
  using Kind = LogicalType::Kind;
  return d.Struct([&](const FieldHeader& h) -> Status {
    const auto kind = static_cast<Kind>(h.id);
    switch (kind) {
      case Kind::kString:
      case Kind::kMap:
      case Kind::kList:
      case Kind::kEnum:
      case Kind::kDate:
      case Kind::kUnknown:
      case Kind::kJson:
      case Kind::kBson:
      case Kind::kUuid:
      case Kind::kFloat16:
      // VARIANT, GEOMETRY and GEOGRAPHY carry optional details (spec
      // version, CRS, edge algorithm) that we do not model.
      case Kind::kVariant:
      case Kind::kGeometry:
      case Kind::kGeography:
        return d.StructField(h, LogicalKindName(kind), [&] {
          lt->kind = kind;
          return d.SkipStruct();
        });
      case Kind::kDecimal:
        return d.StructField(h, "DECIMAL", [&] {
          lt->kind = kind;
          return ReadDecimalType(d, lt);
        });
      case Kind::kTime:
      case Kind::kTimestamp: {
        const bool time = kind == Kind::kTime;
        return d.StructField(h, time ? "TIME" : "TIMESTAMP", [&]() -> Status {
          bool known = false;
          RETURN_IF_ERROR(ReadTimeOrTimestamp(d, time ? "TimeType" : "TimestampType", lt, &known));
          lt->kind = known ? kind : Kind::kNone;
          return Status::OK();
        });
      }
      case Kind::kInteger:
        return d.StructField(h, "INTEGER", [&] {
          lt->kind = kind;
          return ReadIntType(d, lt);
        });
      case Kind::kNone:
        break;
    }
    return d.Skip(h);
  });
}

Status ReadSchemaElement(Decoder& d, SchemaElement* e) {
  uint32_t seen = 0;
  RETURN_IF_ERROR(d.Struct(
      [&](const FieldHeader& h) -> Status {
        switch (h.id) {
          case 1:
            return d.Field(h, "type", &e->type, kMaxPhysicalType);
          case 2:
            return d.Field(h, "type_length", &e->type_length);
          case 3:
            return d.Field(h, "repetition_type", &e->repetition_type, kMaxRepetition);
          case 4:
            return d.Field(h, "name", &e->name);
          case 5:
            return d.Field(h, "num_children", &e->num_children);
          case 6:
            return d.Field(h, "converted_type", &e->converted_type);
          case 7:
            return d.Field(h, "scale", &e->scale);
          case 8:
            return d.Field(h, "precision", &e->precision);
          case 9:
            return d.Field(h, "field_id", &e->field_id);
          case 10:
            return d.StructField(h, "logical_type", [&]() -> Status {
              LogicalType lt;
              RETURN_IF_ERROR(ReadLogicalType(d, &lt));
              if (lt.kind == LogicalType::Kind::kNone) {
                e->logical_type.reset();
              } else {
                e->logical_type = lt;
              }
              return Status::OK();
            });
          default:
            return d.Skip(h);
        }
      },
      &seen));
  return d.Require(seen, "SchemaElement", {{4, "name"}});
}

Status ReadKeyValue(Decoder& d, KeyValue* kv) {
  uint32_t seen = 0;
  RETURN_IF_ERROR(d.Struct(
      [&](const FieldHeader& h) -> Status {
        switch (h.id) {
          case 1:
            return d.Field(h, "key", &kv->key);
          case 2:
            return d.Field(h, "value", &kv->value);
          default:
            return d.Skip(h);
        }
      },
      &seen));
  return d.Require(seen, "KeyValue", {{1, "key"}});
}

Status ReadKeyValueList(Decoder& d, const FieldHeader& h, std::vector<KeyValue>* out) {
  return d.ListField(h, "key_value_metadata", Type::kStruct, out,
                     [&](KeyValue* kv) { return ReadKeyValue(d, kv); });
}

Status ReadSortingColumn(Decoder& d, SortingColumn* c) {
  uint32_t seen = 0;
  RETURN_IF_ERROR(d.Struct(
      [&](const FieldHeader& h) -> Status {
        switch (h.id) {
          case 1:
            return d.Field(h, "column_idx", &c->column_idx);
          case 2:
            return d.Field(h, "descending", &c->descending);
          case 3:
            return d.Field(h, "nulls_first", &c->nulls_first);
          default:
            return d.Skip(h);
        }
      },
      &seen));
  return d.Require(seen, "SortingColumn",
                   {{1, "column_idx"}, {2, "descending"}, {3, "nulls_first"}});
}

Status ReadPageEncodingStats(Decoder& d, PageEncodingStats* s) {
  uint32_t seen = 0;
  RETURN_IF_ERROR(d.Struct(
      [&](const FieldHeader& h) -> Status {
        switch (h.id) {
          case 1:
            return d.Field(h, "page_type", &s->page_type);
          case 2:
            return d.Field(h, "encoding", &s->encoding);
          case 3:
            return d.Field(h, "count", &s->count);
          default:
            return d.Skip(h);
        }
      },
      &seen));
  return d.Require(seen, "PageEncodingStats", {{1, "page_type"}, {2, "encoding"}, {3, "count"}});
}

Status ReadColumnMetaData(Decoder& d, ColumnMetaData* m) {
  uint32_t seen = 0;
  RETURN_IF_ERROR(d.Struct(
      [&](const FieldHeader& h) -> Status {
        switch (h.id) {
          case 1:
            return d.Field(h, "type", &m->type, kMaxPhysicalType);
          case 2:
            return d.ListField(h, "encodings", Type::kI32, &m->encodings, [&](Encoding* e) {
              int32_t raw;
              RETURN_IF_ERROR(d.reader().ReadI32(&raw));
              *e = static_cast<Encoding>(raw);
              return Status::OK();
            });
          case 3:
            return d.ListField(h, "path_in_schema", Type::kBinary, &m->path_in_schema,
                               [&](std::string* s) { return d.reader().ReadBinary(s); });
          case 4:
            return d.Field(h, "codec", &m->codec);
          case 5:
            return d.Field(h, "num_values", &m->num_values);
          case 6:
            return d.Field(h, "total_uncompressed_size", &m->total_uncompressed_size);
          case 7:
            return d.Field(h, "total_compressed_size", &m->total_compressed_size);
          case 8:
            return ReadKeyValueList(d, h, &m->key_value_metadata);
          case 9:
            return d.Field(h, "data_page_offset", &m->data_page_offset);
          case 10:
            return d.Field(h, "index_page_offset", &m->index_page_offset);
          case 11:
            return d.Field(h, "dictionary_page_offset", &m->dictionary_page_offset);
          case 12:
            return d.StructField(h, "statistics",
                                 [&] { return ReadStatistics(d, &m->statistics.emplace()); });
          case 13:
            return d.ListField(h, "encoding_stats", Type::kStruct, &m->encoding_stats,
                               [&](PageEncodingStats* s) { return ReadPageEncodingStats(d, s); });
          case 14:
            return d.Field(h, "bloom_filter_offset", &m->bloom_filter_offset);
          case 15:
            return d.Field(h, "bloom_filter_length", &m->bloom_filter_length);
          default:
            return d.Skip(h);
        }
      },
      &seen));
  return d.Require(seen, "ColumnMetaData",
                   {{1, "type"},
                    {2, "encodings"},
                    {3, "path_in_schema"},
                    {4, "codec"},
                    {5, "num_values"},
                    {6, "total_uncompressed_size"},
                    {7, "total_compressed_size"},
                    {9, "data_page_offset"}});
}

Status ReadColumnChunk(Decoder& d, ColumnChunk* c) {
  uint32_t seen = 0;
  RETURN_IF_ERROR(d.Struct(
      [&](const FieldHeader& h) -> Status {
        switch (h.id) {
          case 1:
            return d.Field(h, "file_path", &c->file_path);
          case 2:
            return d.Field(h, "file_offset", &c->file_offset);
          case 3:
            return d.StructField(h, "meta_data",
                                 [&] { return ReadColumnMetaData(d, &c->meta_data.emplace()); });
          case 4:
            return d.Field(h, "offset_index_offset", &c->offset_index_offset);
          case 5:
            return d.Field(h, "offset_index_length", &c->offset_index_length);
          case 6:
            return d.Field(h, "column_index_offset", &c->column_index_offset);
          case 7:
            return d.Field(h, "column_index_length", &c->column_index_length);
          case 8:
            return d.StructField(h, "crypto_metadata", [&] {
              c->has_crypto_metadata = true;
              return d.SkipStruct();
            });
          case 9:
            if (d.Take(h, "encrypted_column_metadata", Type::kBinary)) {
              c->has_encrypted_column_metadata = true;
            }
            return d.Skip(h);
          default:
            return d.Skip(h);
        }
      },
      &seen));
  return d.Require(seen, "ColumnChunk", {{2, "file_offset"}});
}

Status ReadRowGroup(Decoder& d, RowGroup* g) {
  uint32_t seen = 0;
  RETURN_IF_ERROR(d.Struct(
      [&](const FieldHeader& h) -> Status {
        switch (h.id) {
          case 1:
            return d.ListField(h, "columns", Type::kStruct, &g->columns,
                               [&](ColumnChunk* c) { return ReadColumnChunk(d, c); });
          case 2:
            return d.Field(h, "total_byte_size", &g->total_byte_size);
          case 3:
            return d.Field(h, "num_rows", &g->num_rows);
          case 4:
            return d.ListField(h, "sorting_columns", Type::kStruct, &g->sorting_columns,
                               [&](SortingColumn* c) { return ReadSortingColumn(d, c); });
          case 5:
            return d.Field(h, "file_offset", &g->file_offset);
          case 6:
            return d.Field(h, "total_compressed_size", &g->total_compressed_size);
          case 7:
            return d.Field(h, "ordinal", &g->ordinal);
          default:
            return d.Skip(h);
        }
      },
      &seen));
  return d.Require(seen, "RowGroup", {{1, "columns"}, {2, "total_byte_size"}, {3, "num_rows"}});
}

Status ReadColumnOrder(Decoder& d, ColumnOrder* o) {
  o->type_defined_order = false;
  return d.Struct([&](const FieldHeader& h) -> Status {
    if (h.id != 1) return d.Skip(h);
    return d.StructField(h, "TYPE_ORDER", [&] {
      o->type_defined_order = true;
      return d.SkipStruct();
    });
  });
}

Status ReadFileMetaData(Decoder& d, FileMetaData* md) {
  uint32_t seen = 0;
  RETURN_IF_ERROR(d.Struct(
      [&](const FieldHeader& h) -> Status {
        switch (h.id) {
          case 1:
            return d.Field(h, "version", &md->version);
          case 2:
            return d.ListField(h, "schema", Type::kStruct, &md->schema,
                               [&](SchemaElement* e) { return ReadSchemaElement(d, e); });
          case 3:
            return d.Field(h, "num_rows", &md->num_rows);
          case 4:
            return d.ListField(h, "row_groups", Type::kStruct, &md->row_groups,
                               [&](RowGroup* g) { return ReadRowGroup(d, g); });
          case 5:
            return ReadKeyValueList(d, h, &md->key_value_metadata);
          case 6:
            return d.Field(h, "created_by", &md->created_by);
          case 7:
            return d.ListField(h, "column_orders", Type::kStruct, &md->column_orders,
                               [&](ColumnOrder* o) { return ReadColumnOrder(d, o); });
          case 8:
            return d.StructField(h, "encryption_algorithm", [&] {
              md->has_encryption_algorithm = true;
              return d.SkipStruct();
            });
          default:
            return d.Skip(h);  // includes 9, footer_signing_key_metadata
        }
      },
      &seen));
  return d.Require(seen, "FileMetaData",
                   {{1, "version"}, {2, "schema"}, {3, "num_rows"}, {4, "row_groups"}});
}

Status NonNegative(int64_t v, const char* what) {
  if (v >= 0) return Status::OK();
  return Status::Corruption(std::string(what) + " is negative (" + std::to_string(v) + ")");
}

Status ReadDataPageHeader(Decoder& d, DataPageHeader* p) {
  uint32_t seen = 0;
  RETURN_IF_ERROR(d.Struct(
      [&](const FieldHeader& h) -> Status {
        switch (h.id) {
          case 1:
            return d.Field(h, "num_values", &p->num_values);
          case 2:
            return d.Field(h, "encoding", &p->encoding);
          case 3:
            return d.Field(h, "definition_level_encoding", &p->definition_level_encoding);
          case 4:
            return d.Field(h, "repetition_level_encoding", &p->repetition_level_encoding);
          case 5:
            return d.StructField(h, "statistics",
                                 [&] { return ReadStatistics(d, &p->statistics.emplace()); });
          default:
            return d.Skip(h);
        }
      },
      &seen));
  RETURN_IF_ERROR(d.Require(seen, "DataPageHeader",
                            {{1, "num_values"},
                             {2, "encoding"},
                             {3, "definition_level_encoding"},
                             {4, "repetition_level_encoding"}}));
  return NonNegative(p->num_values, "DataPageHeader.num_values");
}

Status ReadDictionaryPageHeader(Decoder& d, DictionaryPageHeader* p) {
  uint32_t seen = 0;
  RETURN_IF_ERROR(d.Struct(
      [&](const FieldHeader& h) -> Status {
        switch (h.id) {
          case 1:
            return d.Field(h, "num_values", &p->num_values);
          case 2:
            return d.Field(h, "encoding", &p->encoding);
          case 3:
            return d.Field(h, "is_sorted", &p->is_sorted);
          default:
            return d.Skip(h);
        }
      },
      &seen));
  RETURN_IF_ERROR(d.Require(seen, "DictionaryPageHeader", {{1, "num_values"}, {2, "encoding"}}));
  return NonNegative(p->num_values, "DictionaryPageHeader.num_values");
}

Status ReadDataPageHeaderV2(Decoder& d, DataPageHeaderV2* p) {
  uint32_t seen = 0;
  RETURN_IF_ERROR(d.Struct(
      [&](const FieldHeader& h) -> Status {
        switch (h.id) {
          case 1:
            return d.Field(h, "num_values", &p->num_values);
          case 2:
            return d.Field(h, "num_nulls", &p->num_nulls);
          case 3:
            return d.Field(h, "num_rows", &p->num_rows);
          case 4:
            return d.Field(h, "encoding", &p->encoding);
          case 5:
            return d.Field(h, "definition_levels_byte_length", &p->definition_levels_byte_length);
          case 6:
            return d.Field(h, "repetition_levels_byte_length", &p->repetition_levels_byte_length);
          case 7:
            return d.Field(h, "is_compressed", &p->is_compressed);
          case 8:
            return d.StructField(h, "statistics",
                                 [&] { return ReadStatistics(d, &p->statistics.emplace()); });
          default:
            return d.Skip(h);
        }
      },
      &seen));
  RETURN_IF_ERROR(d.Require(seen, "DataPageHeaderV2",
                            {{1, "num_values"},
                             {2, "num_nulls"},
                             {3, "num_rows"},
                             {4, "encoding"},
                             {5, "definition_levels_byte_length"},
                             {6, "repetition_levels_byte_length"}}));
  RETURN_IF_ERROR(NonNegative(p->num_values, "DataPageHeaderV2.num_values"));
  RETURN_IF_ERROR(NonNegative(p->num_nulls, "DataPageHeaderV2.num_nulls"));
  RETURN_IF_ERROR(NonNegative(p->num_rows, "DataPageHeaderV2.num_rows"));
  RETURN_IF_ERROR(NonNegative(p->definition_levels_byte_length,
                              "DataPageHeaderV2.definition_levels_byte_length"));
  return NonNegative(p->repetition_levels_byte_length,
                     "DataPageHeaderV2.repetition_levels_byte_length");
}

Status ReadPageHeader(Decoder& d, PageHeader* p) {
  uint32_t seen = 0;
  RETURN_IF_ERROR(d.Struct(
      [&](const FieldHeader& h) -> Status {
        switch (h.id) {
          case 1:
            return d.Field(h, "type", &p->type);
          case 2:
            return d.Field(h, "uncompressed_page_size", &p->uncompressed_page_size);
          case 3:
            return d.Field(h, "compressed_page_size", &p->compressed_page_size);
          case 4:
            return d.Field(h, "crc", &p->crc);
          case 5:
            return d.StructField(h, "data_page_header", [&] {
              return ReadDataPageHeader(d, &p->data_page_header.emplace());
            });
          case 7:
            return d.StructField(h, "dictionary_page_header", [&] {
              return ReadDictionaryPageHeader(d, &p->dictionary_page_header.emplace());
            });
          case 8:
            return d.StructField(h, "data_page_header_v2", [&] {
              return ReadDataPageHeaderV2(d, &p->data_page_header_v2.emplace());
            });
          default:
            return d.Skip(h);  // includes 6, index_page_header
        }
      },
      &seen));
  RETURN_IF_ERROR(
      d.Require(seen, "PageHeader",
                {{1, "type"}, {2, "uncompressed_page_size"}, {3, "compressed_page_size"}}));
  RETURN_IF_ERROR(NonNegative(p->uncompressed_page_size, "PageHeader.uncompressed_page_size"));
  return NonNegative(p->compressed_page_size, "PageHeader.compressed_page_size");
}

}  // namespace

Result<FileMetaData> DeserializeFileMetaData(const uint8_t* data, size_t len) {
  Decoder d(data, len);
  FileMetaData md;
  if (Status st = ReadFileMetaData(d, &md); !st.ok()) return d.Fail("FileMetaData", st);
  if (d.reader().remaining() != 0) {
    return Status::Corruption("parquet: FileMetaData: " + std::to_string(d.reader().remaining()) +
                              " trailing bytes after the struct");
  }
  return md;
}

Result<PageHeader> DeserializePageHeader(const uint8_t* data, size_t len, size_t* header_len) {
  Decoder d(data, len);
  PageHeader header;
  if (Status st = ReadPageHeader(d, &header); !st.ok()) return d.Fail("PageHeader", st);
  if (header_len != nullptr) *header_len = d.reader().position();
  return header;
}

}  // namespace lakestream::parquet
