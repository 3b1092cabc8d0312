#include "delta/schema.h"

#include <gtest/gtest.h>

namespace lakestream::delta {
namespace {

const char* kSchema = R"j({"type":"struct","fields":[
 {"name":"id","type":"long","nullable":false,"metadata":{}},
 {"name":"name","type":"string","nullable":true,"metadata":{"comment":"x"}},
 {"name":"price","type":"decimal(10,2)","nullable":true,"metadata":{}},
 {"name":"big","type":"decimal(38, 6)","nullable":true,"metadata":{}},
 {"name":"ts","type":"timestamp","nullable":true,"metadata":{}},
 {"name":"local","type":"timestamp_ntz","nullable":true,"metadata":{}},
 {"name":"day","type":"date","nullable":true,"metadata":{}},
 {"name":"tags","type":{"type":"array","elementType":"string","containsNull":true},"nullable":true,"metadata":{}},
 {"name":"attrs","type":{"type":"map","keyType":"string","valueType":"integer","valueContainsNull":false},"nullable":true,"metadata":{}},
 {"name":"point","type":{"type":"struct","fields":[{"name":"x","type":"double","nullable":true,"metadata":{}},{"name":"b","type":"byte","nullable":true,"metadata":{}},{"name":"s","type":"short","nullable":true,"metadata":{}}]},"nullable":true,"metadata":{}},
 {"name":"ok","type":"boolean","nullable":true,"metadata":{}},
 {"name":"raw","type":"binary","nullable":true,"metadata":{}},
 {"name":"f","type":"float","nullable":true,"metadata":{}}
]})j";

TEST(SchemaTest, ParsesSparkStructTypeJson) {
  auto t = ParseSchemaString(kSchema);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->fields.size(), 13u);
  EXPECT_FALSE(t->fields[0].nullable);
  EXPECT_EQ(t->fields[1].metadata_json, R"j({"comment":"x"})j");
  EXPECT_EQ(t->fields[3].type.precision, 38);
  EXPECT_EQ(t->fields[3].type.scale, 6);
  EXPECT_EQ(t->ToString(),
            "struct<id:long,name:string,price:decimal(10,2),big:decimal(38,6),ts:timestamp,"
            "local:timestamp_ntz,day:date,tags:array<string>,attrs:map<string,integer>,"
            "point:struct<x:double,b:byte,s:short>,ok:boolean,raw:binary,f:float>");
}

TEST(SchemaTest, JsonRoundTrip) {
  auto t = ParseSchemaString(kSchema);
  ASSERT_TRUE(t.ok());
  auto back = ParseSchemaString(SchemaToJson(*t));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, *t);
}

TEST(SchemaTest, ParquetMappingRoundTrips) {
  auto t = ParseSchemaString(kSchema);
  ASSERT_TRUE(t.ok());
  auto pq = ToParquetSchema(*t);
  ASSERT_TRUE(pq.ok()) << pq.status().ToString();
  const auto* ts = pq->FindField("ts");
  ASSERT_NE(ts, nullptr);
  ASSERT_TRUE(ts->logical_type.has_value());
  EXPECT_TRUE(ts->logical_type->is_adjusted_to_utc);
  EXPECT_FALSE(pq->FindField("local")->logical_type->is_adjusted_to_utc);
  EXPECT_EQ(pq->FindField("id")->repetition, parquet::Repetition::kRequired);
  auto back = FromParquetSchema(*pq);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  // Metadata is not stored in Parquet; everything else survives.
  DeltaType expected = *t;
  for (auto& f : expected.fields) f.metadata_json = "{}";
  EXPECT_EQ(back->ToString(), expected.ToString());
  EXPECT_EQ(*back, expected);
}

TEST(SchemaTest, BadSchemasAreCorruptionNamingTheField) {
  auto r = ParseSchemaString(R"j({"type":"struct","fields":[{"name":"a","type":"uuid"}]})j");
  ASSERT_TRUE(r.status().IsCorruption());
  EXPECT_NE(r.status().message().find("a: unknown type uuid"), std::string::npos)
      << r.status().message();
  EXPECT_TRUE(
      ParseSchemaString(R"j({"type":"struct","fields":[{"name":"a","type":"decimal(40,2)"}]})j")
          .status()
          .IsCorruption());
  EXPECT_TRUE(ParseSchemaString("not json").status().IsCorruption());
  EXPECT_TRUE(ParseSchemaString(R"j("long")j").status().IsCorruption());
}

TEST(SchemaTest, VariantHasNoParquetMappingYet) {
  auto t = ParseSchemaString(
      R"j({"type":"struct","fields":[{"name":"v","type":"variant","nullable":true,"metadata":{}}]})j");
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(ToParquetSchema(*t).status().IsNotSupported());
}

}  // namespace
}  // namespace lakestream::delta
