#include "delta/column_mapping.h"

#include <gtest/gtest.h>

#include "delta/column_mapping_test_util.h"
#include "parquet/json_printer.h"

namespace lakestream::delta {
namespace {

using parquet::SchemaNode;
using parquet::Value;
namespace field = parquet::field;

using testing::MappedField;
using testing::StructJson;

// After Spark's RENAME COLUMN `a col` TO renamed, DROP COLUMN s.y, ADD COLUMN s.z:
// id long, renamed string, s struct<x int, z string>, tags array<struct<k string>>,
// m map<string, struct<v long>>.
std::string SchemaJson() {
  std::string s = StructJson(MappedField("x", "integer", "col-x", 4) + "," +
                             MappedField("z", "string", "col-z", 6));
  std::string tags = R"({"type":"array","elementType":)" +
                     StructJson(MappedField("k", "string", "col-k", 9)) +
                     R"(,"containsNull":true})";
  std::string m = R"({"type":"map","keyType":"string","valueType":)" +
                  StructJson(MappedField("v", "long", "col-v", 11)) +
                  R"(,"valueContainsNull":true})";
  return StructJson(MappedField("id", "long", "col-id", 1) + "," +
                    MappedField("renamed", "string", "col-a", 2) + "," +
                    MappedField("s", s, "col-s", 3) + "," +
                    MappedField("tags", tags, "col-tags", 8) + "," +
                    MappedField("m", m, "col-m", 10));
}

SchemaNode WithId(SchemaNode n, int id) {
  n.field_id = id;
  return n;
}

// The data file Spark wrote before the rename and drops: physical names, field ids, a
// column later dropped (col-b) and the struct's fields in another order (col-y dropped).
parquet::Schema FileSchema(bool with_ids = true) {
  auto id = [&](SchemaNode n, int i) { return with_ids ? WithId(std::move(n), i) : n; };
  SchemaNode root = field::Struct(
      "spark_schema",
      {id(field::Struct("col-s", {id(field::String("col-y"), 5), id(field::Int32("col-x"), 4)}),
          3),
       id(field::String("col-a"), 2), id(field::Int64("col-id"), 1), id(field::Int32("col-b"), 12),
       id(field::List("col-tags", id(field::Struct("element", {id(field::String("col-k"), 9)}), 0)),
          8),
       id(field::Map("col-m", field::String("key", parquet::Repetition::kRequired),
                     field::Struct("value", {id(field::Int64("col-v"), 11)})),
          10)});
  auto s = parquet::Schema::FromRoot(root);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return *s;
}

Protocol ReaderWriter(int reader, int writer, std::vector<std::string> features = {}) {
  Protocol p;
  p.min_reader_version = reader;
  p.min_writer_version = writer;
  if (reader >= 3) p.reader_features = features;
  if (writer >= 7) p.writer_features = features;
  return p;
}

Metadata MetaWithMode(const std::string& mode) {
  Metadata m;
  m.schema_string = SchemaJson();
  m.configuration["delta.columnMapping.mode"] = mode;
  return m;
}

ColumnMapping Make(const std::string& mode, Protocol p = ReaderWriter(2, 5)) {
  Metadata m = MetaWithMode(mode);
  auto schema = ParseSchemaString(m.schema_string);
  EXPECT_TRUE(schema.ok()) << schema.status().ToString();
  auto cm = ColumnMapping::ForTable(p, m, *schema, "/t");
  EXPECT_TRUE(cm.ok()) << cm.status().ToString();
  return cm.ok() ? *cm : ColumnMapping();
}

// The JSON of column `name` of a file row, read through the mapping.
std::string ReadColumn(const ColumnMapping& cm, const parquet::Schema& file,
                       const std::string& name, const Value& file_row) {
  DeltaType schema = *ParseSchemaString(SchemaJson());
  auto fc = cm.Resolve(file, *schema.FindField(name), "/t/part-0.parquet");
  EXPECT_TRUE(fc.ok()) << fc.status().ToString();
  if (!fc.ok()) return "<error>";
  if (fc->field < 0) return "<absent>";
  Value v = file_row.items[static_cast<size_t>(fc->field)];
  fc->Apply(&v);
  std::string out;
  parquet::AppendValueJson(fc->node, v, &out);
  return out;
}

// One row of FileSchema().
Value FileRow() {
  return Value::Struct(
      {Value::Struct({Value::Bytes("dropped y"), Value::Int32(7)}), Value::Bytes("a value"),
       Value::Int64(42), Value::Int32(-1),
       Value::List({Value::Struct({Value::Bytes("k1")}), Value::Struct({Value::Null()})}),
       Value::Map({Value::Entry(Value::Bytes("e"), Value::Struct({Value::Int64(5)}))})});
}

TEST(ColumnMappingTest, ModeCountsOnlyWhenTheProtocolSupportsColumnMapping) {
  EXPECT_EQ(Make("name").mode(), ColumnMappingMode::kName);
  EXPECT_EQ(Make("ID", ReaderWriter(3, 7, {"columnMapping"})).mode(), ColumnMappingMode::kId);
  // PROTOCOL.md: the property is honoured at reader version 2, or 3 listing the feature.
  EXPECT_FALSE(Make("name", ReaderWriter(1, 2)).active());
  EXPECT_FALSE(Make("name", ReaderWriter(3, 7, {"deletionVectors"})).active());
  EXPECT_FALSE(Make("none").active());
}

TEST(ColumnMappingTest, MissingPhysicalNameOrIdIsCorruptionNamingTheNestedColumn) {
  Metadata m = MetaWithMode("id");
  m.schema_string = StructJson(MappedField(
      "s",
      StructJson(R"({"name":"x","type":"integer","nullable":true,)"
                 R"("metadata":{"delta.columnMapping.physicalName":"px"}})"),
      "ps", 1));
  DeltaType schema = *ParseSchemaString(m.schema_string);
  auto cm = ColumnMapping::ForTable(ReaderWriter(2, 5), m, schema, "/t");
  ASSERT_TRUE(cm.status().IsCorruption()) << cm.status().ToString();
  EXPECT_EQ(cm.status().message(),
            "delta: /t: column s.x has no integer delta.columnMapping.id "
            "(delta.columnMapping.mode is id)");
  // Name mode needs no ids.
  m.configuration["delta.columnMapping.mode"] = "name";
  EXPECT_TRUE(ColumnMapping::ForTable(ReaderWriter(2, 5), m, schema, "/t").ok());
  m.configuration["delta.columnMapping.mode"] = "position";
  auto bad = ColumnMapping::ForTable(ReaderWriter(2, 5), m, schema, "/t");
  ASSERT_TRUE(bad.status().IsNotSupported());
  EXPECT_NE(bad.status().message().find("columnMapping mode 'position'"), std::string::npos);
}

TEST(ColumnMappingTest, NameModeReadsRenamedAndNestedColumnsByPhysicalName) {
  ColumnMapping cm = Make("name");
  parquet::Schema file = FileSchema(/*with_ids=*/false);
  Value row = FileRow();
  EXPECT_EQ(ReadColumn(cm, file, "id", row), "42");
  EXPECT_EQ(ReadColumn(cm, file, "renamed", row), "\"a value\"");
  // s.y was dropped, s.z added after the file was written: logical order, z null.
  EXPECT_EQ(ReadColumn(cm, file, "s", row), R"({"x":7,"z":null})");
  EXPECT_EQ(ReadColumn(cm, file, "tags", row), R"([{"k":"k1"},{"k":null}])");
  EXPECT_EQ(ReadColumn(cm, file, "m", row), R"({"e":{"v":5}})");
}

TEST(ColumnMappingTest, IdModeReadsByFieldIdAndRefusesFilesWithoutIds) {
  ColumnMapping cm = Make("id");
  parquet::Schema file = FileSchema();
  Value row = FileRow();
  EXPECT_EQ(ReadColumn(cm, file, "id", row), "42");
  EXPECT_EQ(ReadColumn(cm, file, "s", row), R"({"x":7,"z":null})");
  EXPECT_EQ(ReadColumn(cm, file, "m", row), R"({"e":{"v":5}})");
  DeltaType schema = *ParseSchemaString(SchemaJson());
  auto fc = cm.Resolve(FileSchema(false), *schema.FindField("id"), "/t/part-0.parquet");
  ASSERT_TRUE(fc.status().IsCorruption());
  EXPECT_EQ(fc.status().message(),
            "delta: /t/part-0.parquet: the table maps columns by id (delta.columnMapping.mode "
            "is id) but the file has no Parquet field ids");
}

TEST(ColumnMappingTest, ColumnsAFileLacksResolveToNothing) {
  // A file written before ADD COLUMN: the column reads as null (table_scan).
  Metadata m = MetaWithMode("name");
  m.schema_string = StructJson(MappedField("later", "long", "col-later", 13));
  DeltaType schema = *ParseSchemaString(m.schema_string);
  ColumnMapping cm = *ColumnMapping::ForTable(ReaderWriter(2, 5), m, schema, "/t");
  auto fc = cm.Resolve(FileSchema(), schema.fields[0], "/t/part-0.parquet");
  ASSERT_TRUE(fc.ok());
  EXPECT_EQ(fc->field, -1);
}

TEST(ColumnMappingTest, NestingThatDiffersFromTheSchemaIsCorruptionNamingFileAndColumn) {
  ColumnMapping cm = Make("name");
  SchemaNode root = field::Struct("spark_schema", {field::Int32("col-s")});
  parquet::Schema file = *parquet::Schema::FromRoot(root);
  DeltaType schema = *ParseSchemaString(SchemaJson());
  auto fc = cm.Resolve(file, *schema.FindField("s"), "/t/part-9.parquet");
  ASSERT_TRUE(fc.status().IsCorruption());
  EXPECT_EQ(fc.status().message(),
            "delta: /t/part-9.parquet: column s is a primitive in the file but "
            "struct<x:integer,z:string> in the table schema");
}

TEST(ColumnMappingTest, WithoutMappingFilesResolveByNameThenCaseInsensitively) {
  ColumnMapping none;
  SchemaNode root = field::Struct("spark_schema", {field::Int64("ID"), field::Int64("id2")});
  parquet::Schema file = *parquet::Schema::FromRoot(root);
  StructField id;
  id.name = "id";
  id.type.kind = DeltaType::Kind::kLong;
  auto fc = none.Resolve(file, id, "f");
  ASSERT_TRUE(fc.ok());
  EXPECT_EQ(fc->field, 0);
  EXPECT_EQ(fc->relayout.kind, FileColumn::Relayout::Kind::kKeep);
}

TEST(ColumnMappingTest, PartitionValuesAndStatsAreReadByPhysicalName) {
  ColumnMapping cm = Make("name");
  AddFile add;
  add.partition_values = {{"col-a", "x"}, {"col-gone", "y"}};
  add.stats =
      R"({"numRecords":3,"minValues":{"col-id":1,"col-s":{"col-x":2,"col-y":"q"},"col-b":0},)"
      R"("maxValues":{"col-id":9},"nullCount":{"col-id":0,"col-s":{"col-x":1}},)"
      R"("tightBounds":true})";
  EXPECT_EQ(cm.PhysicalName("renamed"), "col-a");
  EXPECT_EQ(cm.PartitionValue(add, "renamed"), "x");
  EXPECT_EQ(cm.PartitionValue(add, "id"), std::nullopt);
  AddFile logical = cm.ToLogical(add);
  // Dropped columns (col-gone, col-b, col-s.col-y) are left out.
  EXPECT_EQ(logical.partition_values, (PartitionValues{{"renamed", "x"}}));
  EXPECT_EQ(*logical.stats,
            R"({"maxValues":{"id":9},"minValues":{"id":1,"s":{"x":2}},"nullCount":{"id":0,)"
            R"("s":{"x":1}},"numRecords":3,"tightBounds":true})");
  // Without mapping nothing changes.
  EXPECT_EQ(ColumnMapping().ToLogical(add), add);
  EXPECT_EQ(ColumnMapping().PartitionValue(add, "col-a"), "x");
}

}  // namespace
}  // namespace lakestream::delta
