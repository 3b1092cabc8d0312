#include "parquet/schema.h"

#include <gtest/gtest.h>

namespace lakestream::parquet {
namespace {

Schema MakeNested() {
  auto s = Schema::FromRoot(field::Struct(
      "schema", {field::Int64("id", Repetition::kRequired), field::String("name"),
                 field::List("tags", field::String("element")),
                 field::Map("attrs", field::String("key"), field::Int32("value")),
                 field::Struct("geo", {field::String("country"), field::Double("lat")})}));
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return *s;
}

TEST(SchemaTest, LevelsFollowOptionalAndRepeatedAncestors) {
  Schema s = MakeNested();
  ASSERT_EQ(s.num_columns(), 7);
  auto col = [&](const std::string& p) { return s.column(s.FindColumn(p)); };
  EXPECT_EQ(col("id").max_def, 0);
  EXPECT_EQ(col("name").max_def, 1);
  EXPECT_EQ(col("tags.list.element").max_def, 3);
  EXPECT_EQ(col("tags.list.element").max_rep, 1);
  EXPECT_EQ(col("attrs.key_value.key").max_def, 2);
  EXPECT_EQ(col("attrs.key_value.value").max_def, 3);
  EXPECT_EQ(col("attrs.key_value.value").max_rep, 1);
  EXPECT_EQ(col("geo.lat").max_def, 2);
  EXPECT_EQ(col("geo.lat").max_rep, 0);
}

TEST(SchemaTest, ElementsRoundTrip) {
  Schema s = MakeNested();
  std::vector<SchemaElement> elems = s.ToElements();
  EXPECT_EQ(elems.size(), 13u);
  EXPECT_EQ(elems[0].num_children, 5);
  auto back = Schema::FromElements(elems);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->ToString(), s.ToString());
}

TEST(SchemaTest, PrintsMessageFormat) {
  Schema s = MakeNested();
  std::string text = s.ToString();
  EXPECT_NE(text.find("required int64 id;"), std::string::npos) << text;
  EXPECT_NE(text.find("optional binary name (STRING);"), std::string::npos) << text;
  EXPECT_NE(text.find("optional group tags (LIST) {"), std::string::npos) << text;
  EXPECT_NE(text.find("repeated group key_value {"), std::string::npos) << text;
}

TEST(SchemaTest, DecimalPicksPhysicalTypeByPrecision) {
  EXPECT_EQ(field::Decimal("a", 9, 2).physical_type, PhysicalType::kInt32);
  EXPECT_EQ(field::Decimal("a", 18, 2).physical_type, PhysicalType::kInt64);
  SchemaNode big = field::Decimal("a", 38, 10);
  EXPECT_EQ(big.physical_type, PhysicalType::kFixedLenByteArray);
  EXPECT_EQ(big.type_length, 16);
  EXPECT_EQ(field::Decimal("a", 19, 0).type_length, 9);
}

TEST(SchemaTest, RejectsCorruptElementLists) {
  std::vector<SchemaElement> elems(2);
  elems[0].name = "schema";
  elems[0].num_children = 5;  // only one follows
  elems[1].name = "x";
  elems[1].type = PhysicalType::kInt32;
  elems[1].repetition_type = Repetition::kOptional;
  EXPECT_TRUE(Schema::FromElements(elems).status().IsCorruption());
  EXPECT_TRUE(Schema::FromElements({}).status().IsCorruption());
  elems[0].num_children = 1;
  elems[1].type.reset();  // neither type nor children
  EXPECT_TRUE(Schema::FromElements(elems).status().IsCorruption());
}

TEST(SchemaTest, RejectsBadWriterSchemas) {
  EXPECT_TRUE(Schema::FromRoot(field::Struct("s", {field::Int32("a"), field::Int32("a")}))
                  .status().IsInvalidArgument());
  EXPECT_TRUE(Schema::FromRoot(field::Struct("s", {field::Struct("g", {})})).status().IsInvalidArgument());
  EXPECT_TRUE(Schema::FromRoot(field::Struct("s", {field::FixedBinary("f", 0)})).status().IsInvalidArgument());
}

}  // namespace
}  // namespace lakestream::parquet
