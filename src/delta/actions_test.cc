#include "delta/actions.h"

#include <gtest/gtest.h>

namespace lakestream::delta {
namespace {

TEST(ActionsTest, ParsesEveryActionKindOfACommit) {
  const char* text =
      R"j({"commitInfo":{"timestamp":1587968586154,"operation":"WRITE","operationParameters":{"mode":"ErrorIfExists","partitionBy":"[]"},"zzz":1,"aaa":2}})j"
      "\n"
      R"j({"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["timestampNtz"],"writerFeatures":["timestampNtz","domainMetadata"]}})j"
      "\n"
      R"j({"metaData":{"id":"abc","format":{"provider":"parquet","options":{}},"schemaString":"{\"type\":\"struct\",\"fields\":[]}","partitionColumns":["p"],"configuration":{"k":"v"},"createdTime":5}})j"
      "\n"
      R"j({"add":{"path":"p=a%20b/f.parquet","partitionValues":{"p":"a b","q":null},"size":10,"modificationTime":7,"dataChange":true,"stats":"{\"numRecords\":3}","tags":{"t":"1"}}})j"
      "\n"
      R"j({"remove":{"path":"old.parquet","deletionTimestamp":9,"dataChange":true,"extendedFileMetadata":true,"size":4}})j"
      "\n"
      R"j({"txn":{"appId":"app","version":42,"lastUpdated":8}})j"
      "\n"
      R"j({"domainMetadata":{"domain":"d","configuration":"{}","removed":false}})j"
      "\n"
      R"j({"cdc":{"path":"_change_data/c.parquet","partitionValues":{},"size":1,"dataChange":false}})j"
      "\n\n"
      R"j({"someFutureAction":{"x":1}})j"
      "\n";
  auto actions = ParseCommit(text, "t/_delta_log/00000000000000000000.json");
  ASSERT_TRUE(actions.ok()) << actions.status().ToString();
  ASSERT_EQ(actions->size(), 8u);  // the unknown action is skipped
  const auto& ci = std::get<CommitInfo>((*actions)[0]);
  EXPECT_EQ(ci.timestamp, 1587968586154);
  EXPECT_EQ(ci.operation, "WRITE");
  EXPECT_EQ(ci.operation_parameters.at("mode"), "ErrorIfExists");
  EXPECT_LT(ci.json.find("zzz"), ci.json.find("aaa")) << "commitInfo keeps its key order";
  const auto& p = std::get<Protocol>((*actions)[1]);
  EXPECT_EQ(p.min_reader_version, 3);
  EXPECT_TRUE(p.HasReaderFeature("timestampNtz"));
  EXPECT_TRUE(p.HasWriterFeature("domainMetadata"));
  const auto& m = std::get<Metadata>((*actions)[2]);
  EXPECT_EQ(m.partition_columns, std::vector<std::string>{"p"});
  EXPECT_EQ(m.Config("k"), "v");
  const auto& a = std::get<AddFile>((*actions)[3]);
  EXPECT_EQ(a.path, "p=a%20b/f.parquet");  // identity keeps the encoded text
  EXPECT_EQ(a.partition_values.at("p"), "a b");
  EXPECT_EQ(a.partition_values.at("q"), std::nullopt);
  EXPECT_EQ(a.NumRecords(), 3);
  const auto& r = std::get<RemoveFile>((*actions)[4]);
  EXPECT_EQ(r.deletion_timestamp, 9);
  EXPECT_EQ(r.size, 4);
  EXPECT_EQ(std::get<SetTransaction>((*actions)[5]).version, 42);
  EXPECT_EQ(std::get<DomainMetadata>((*actions)[6]).domain, "d");
  EXPECT_EQ(std::get<AddCdcFile>((*actions)[7]).path, "_change_data/c.parquet");
}

TEST(ActionsTest, SerializedCommitParsesBackToTheSameActions) {
  AddFile a;
  a.path = "x=1/part-0.parquet";
  a.partition_values = {{"x", "1"}, {"y", std::nullopt}};
  a.size = 123;
  a.modification_time = 456;
  a.stats = R"j({"numRecords":2})j";
  a.deletion_vector = DeletionVector{"u", "ab^-aqEH.-t@S}K{vb[*k^", 1, 36, 2, std::nullopt};
  RemoveFile r;
  r.path = "gone.parquet";
  r.deletion_timestamp = 99;
  r.data_change = false;
  Metadata m;
  m.id = "id";
  m.schema_string = R"j({"type":"struct","fields":[]})j";
  m.configuration = {{"delta.appendOnly", "true"}};
  Protocol p;
  p.min_reader_version = 1;
  p.min_writer_version = 2;
  SetTransaction t{"stream", 7, 1};
  DomainMetadata d{"delta.rowTracking", "{}", false};
  CommitInfo c;
  c.operation = "WRITE";
  c.timestamp = 5;
  std::vector<Action> in = {c, p, m, a, r, t, d};
  std::string text = SerializeCommit(in);
  auto out = ParseCommit(text, "roundtrip");
  ASSERT_TRUE(out.ok()) << out.status().ToString() << "\n" << text;
  ASSERT_EQ(out->size(), in.size());
  for (size_t i = 1; i < in.size(); ++i) EXPECT_EQ((*out)[i], in[i]) << i;
  EXPECT_EQ(std::get<CommitInfo>((*out)[0]).operation, "WRITE");
  EXPECT_EQ(std::get<CommitInfo>((*out)[0]).timestamp, 5);
}

TEST(ActionsTest, MalformedLineIsCorruptionNamingFileAndLine) {
  auto r = ParseCommit("{\"txn\":{\"appId\":\"a\",\"version\":1}}\n{\"add\":{\"path\":", "f.json");
  ASSERT_TRUE(r.status().IsCorruption());
  EXPECT_EQ(r.status().message(), "delta: f.json: line 2: malformed JSON");
}

// A 0-byte (or blank) commit file is a corrupt version, not an empty one.
TEST(ActionsTest, EmptyCommitFileIsCorruption) {
  for (std::string_view text : {"", "\n", "  \n\r\n"}) {
    auto r = ParseCommit(text, "00000000000000000003.json");
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
    EXPECT_NE(r.status().message().find("00000000000000000003.json: empty commit file"),
              std::string::npos)
        << r.status().ToString();
  }
  // Only actions we do not know: not empty (ignored, as the protocol asks).
  auto unknown = ParseCommit("{\"someFutureAction\":{}}\n", "v.json");
  ASSERT_TRUE(unknown.ok()) << unknown.status().ToString();
  EXPECT_TRUE(unknown->empty());
}

TEST(ActionsTest, WrongFieldTypeIsCorruptionNamingTheField) {
  auto r = ParseCommit(R"j({"add":{"path":"a","size":"big","partitionValues":{}}})j", "f.json");
  ASSERT_TRUE(r.status().IsCorruption());
  EXPECT_EQ(r.status().message(), "delta: f.json: line 1: add.size: is not an integer");
  r = ParseCommit(R"j({"add":{"size":1}})j", "f.json");
  EXPECT_EQ(r.status().message(), "delta: f.json: line 1: add.path: is missing");
  r = ParseCommit(R"j([1,2])j", "f.json");
  EXPECT_TRUE(r.status().IsCorruption());
}

TEST(ActionsTest, LogicalFileKeyIncludesTheDeletionVector) {
  AddFile a;
  a.path = "f.parquet";
  EXPECT_EQ(KeyOf(a).dv_id, "");
  a.deletion_vector = DeletionVector{"u", "abc", 4, 10, 1, std::nullopt};
  EXPECT_EQ(KeyOf(a).dv_id, "uabc@4");
  a.deletion_vector->offset.reset();
  EXPECT_EQ(KeyOf(a).dv_id, "uabc");
}

}  // namespace
}  // namespace lakestream::delta
