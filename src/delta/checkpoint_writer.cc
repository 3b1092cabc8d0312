#include "delta/checkpoint_writer.h"

#include <limits>
#include <memory>

#include "parquet/file_writer.h"
#include "parquet/record_assembler.h"

namespace lakestream::delta {
namespace {

namespace field = parquet::field;
using parquet::Repetition;
using parquet::SchemaNode;
using parquet::Value;

SchemaNode StrMap(std::string name) {
  return field::Map(std::move(name), field::String("key", Repetition::kRequired),
                    field::String("value"));
}

SchemaNode StrList(std::string name) {
  return field::List(std::move(name), field::String("element"));
}

SchemaNode DvNode() {
  return field::Struct(
      "deletionVector",
      {field::String("storageType"), field::String("pathOrInlineDv"), field::Int32("offset"),
       field::Int32("sizeInBytes"), field::Int64("cardinality"), field::Int64("maxRowIndex")});
}

parquet::Schema BuildSchema() {
  std::vector<SchemaNode> top;
  top.push_back(field::Struct(
      "txn", {field::String("appId"), field::Int64("version"), field::Int64("lastUpdated")}));
  top.push_back(field::Struct(
      "add", {field::String("path"), StrMap("partitionValues"), field::Int64("size"),
              field::Int64("modificationTime"), field::Bool("dataChange"), field::String("stats"),
              StrMap("tags"), DvNode(), field::Int64("baseRowId"),
              field::Int64("defaultRowCommitVersion"), field::String("clusteringProvider")}));
  top.push_back(field::Struct(
      "remove",
      {field::String("path"), field::Int64("deletionTimestamp"), field::Bool("dataChange"),
       field::Bool("extendedFileMetadata"), StrMap("partitionValues"), field::Int64("size"),
       DvNode(), field::Int64("baseRowId"), field::Int64("defaultRowCommitVersion")}));
  top.push_back(field::Struct(
      "metaData", {field::String("id"), field::String("name"), field::String("description"),
                   field::Struct("format", {field::String("provider"), StrMap("options")}),
                   field::String("schemaString"), StrList("partitionColumns"),
                   StrMap("configuration"), field::Int64("createdTime")}));
  top.push_back(
      field::Struct("protocol", {field::Int32("minReaderVersion"), field::Int32("minWriterVersion"),
                                 StrList("readerFeatures"), StrList("writerFeatures")}));
  top.push_back(field::Struct(
      "domainMetadata",
      {field::String("domain"), field::String("configuration"), field::Bool("removed")}));
  Result<parquet::Schema> s = parquet::Schema::FromRoot(
      field::Struct("spark_schema", std::move(top), Repetition::kRequired));
  return std::move(s).value();  // a fixed, valid tree
}

enum Column { kTxn, kAdd, kRemove, kMetaData, kProtocol, kDomainMetadata, kNumColumns };

Value Str(const std::string& s) { return Value::Bytes(s); }
Value OptStr(const std::optional<std::string>& s) { return s ? Value::Bytes(*s) : Value::Null(); }
Value OptI64(const std::optional<int64_t>& v) { return v ? Value::Int64(*v) : Value::Null(); }

Value MapValue(const StringMap& m) {
  std::vector<Value> kv;
  for (const auto& [k, v] : m) kv.push_back(Value::Entry(Value::Bytes(k), Value::Bytes(v)));
  return Value::Map(std::move(kv));
}

Value PartitionMap(const PartitionValues& m) {
  std::vector<Value> kv;
  for (const auto& [k, v] : m) kv.push_back(Value::Entry(Value::Bytes(k), OptStr(v)));
  return Value::Map(std::move(kv));
}

Value ListValue(const std::optional<std::vector<std::string>>& l) {
  if (!l) return Value::Null();
  std::vector<Value> items;
  for (const auto& s : *l) items.push_back(Value::Bytes(s));
  return Value::List(std::move(items));
}

Value DvValue(const std::optional<DeletionVector>& dv) {
  if (!dv) return Value::Null();
  return Value::Struct({Str(dv->storage_type), Str(dv->path_or_inline_dv),
                        dv->offset ? Value::Int32(*dv->offset) : Value::Null(),
                        Value::Int32(dv->size_in_bytes), Value::Int64(dv->cardinality),
                        OptI64(dv->max_row_index)});
}

Value Row(Column c, Value action) {
  std::vector<Value> items(kNumColumns);
  items[c] = std::move(action);
  return Value::Struct(std::move(items));
}

Value AddValue(const AddFile& a) {
  return Value::Struct({Str(a.path), PartitionMap(a.partition_values), Value::Int64(a.size),
                        Value::Int64(a.modification_time), Value::Bool(a.data_change),
                        OptStr(a.stats), a.tags ? MapValue(*a.tags) : Value::Null(),
                        DvValue(a.deletion_vector), OptI64(a.base_row_id),
                        OptI64(a.default_row_commit_version), OptStr(a.clustering_provider)});
}

Value RemoveValue(const RemoveFile& r) {
  return Value::Struct(
      {Str(r.path), OptI64(r.deletion_timestamp), Value::Bool(r.data_change),
       r.extended_file_metadata ? Value::Bool(*r.extended_file_metadata) : Value::Null(),
       r.partition_values ? PartitionMap(*r.partition_values) : Value::Null(), OptI64(r.size),
       DvValue(r.deletion_vector), OptI64(r.base_row_id), OptI64(r.default_row_commit_version)});
}

Value MetadataValue(const Metadata& m) {
  std::optional<std::vector<std::string>> pcols = m.partition_columns;
  return Value::Struct({Str(m.id), OptStr(m.name), OptStr(m.description),
                        Value::Struct({Str(m.format.provider), MapValue(m.format.options)}),
                        Str(m.schema_string), ListValue(pcols), MapValue(m.configuration),
                        OptI64(m.created_time)});
}

Value ProtocolValue(const Protocol& p) {
  return Value::Struct({Value::Int32(p.min_reader_version), Value::Int32(p.min_writer_version),
                        ListValue(p.reader_features), ListValue(p.writer_features)});
}

// Writes checkpoint rows to one classic file or to consecutive parts of a
// multi-part checkpoint, opening each part when its first row arrives.
class CheckpointFilesWriter {
 public:
  CheckpointFilesWriter(const LogStore& store, int64_t version, int64_t part_size, int num_parts,
                        int64_t batch_rows)
      : store_(store),
        version_(version),
        part_size_(part_size),
        num_parts_(num_parts),
        batch_rows_(batch_rows),
        shredder_(CheckpointSchema()) {}

  Status Add(const Value& row) {
    if (writer_ == nullptr || (part_size_ > 0 && rows_in_part_ == part_size_)) {
      RETURN_IF_ERROR(ClosePart());
      RETURN_IF_ERROR(OpenPart());
    }
    Status s = shredder_.Add(row);
    if (!s.ok()) return s.WithContext("delta: " + path_);
    ++rows_in_part_;
    if (shredder_.num_rows() >= batch_rows_) RETURN_IF_ERROR(shredder_.WriteTo(writer_.get()));
    return Status::OK();
  }

  // Closes the last part; Internal if fewer parts were written than planned.
  Status Finish() {
    RETURN_IF_ERROR(ClosePart());
    if (parts_written_ != num_parts_) {
      return Status::Internal("delta: checkpoint " + std::to_string(version_) + ": wrote " +
                              std::to_string(parts_written_) + " of " +
                              std::to_string(num_parts_) + " parts");
    }
    return Status::OK();
  }

  int64_t size_in_bytes() const { return bytes_; }

 private:
  Status OpenPart() {
    ++parts_written_;
    path_ = store_.LogPath(part_size_ > 0
                               ? MultiPartCheckpointFileName(version_, parts_written_, num_parts_)
                               : CheckpointFileName(version_));
    ASSIGN_OR_RETURN(auto sink, store_.fs().OpenForWrite(path_));
    parquet::WriterOptions wopts;
    wopts.compression = parquet::CompressionCodec::kSnappy;  // what Spark readers expect most
    ASSIGN_OR_RETURN(writer_, parquet::FileWriter::Open(std::move(sink), CheckpointSchema(), wopts));
    rows_in_part_ = 0;
    return Status::OK();
  }

  Status ClosePart() {
    if (writer_ == nullptr) return Status::OK();
    if (shredder_.num_rows() > 0) RETURN_IF_ERROR(shredder_.WriteTo(writer_.get()));
    RETURN_IF_ERROR(writer_->Close());
    writer_.reset();
    ASSIGN_OR_RETURN(io::FileInfo info, store_.fs().Stat(path_));
    bytes_ += static_cast<int64_t>(info.size);
    return Status::OK();
  }

  const LogStore& store_;
  const int64_t version_;
  const int64_t part_size_;
  const int num_parts_;
  const int64_t batch_rows_;
  parquet::RecordShredder shredder_;
  std::unique_ptr<parquet::FileWriter> writer_;
  std::string path_;
  int parts_written_ = 0;
  int64_t rows_in_part_ = 0;
  int64_t bytes_ = 0;
};

}  // namespace

const parquet::Schema& CheckpointSchema() {
  static const parquet::Schema* schema = new parquet::Schema(BuildSchema());
  return *schema;
}

Result<LastCheckpoint> WriteCheckpoint(const Snapshot& snapshot, const CheckpointOptions& options) {
  const LogStore& store = *snapshot.log_store();
  if (options.part_size < 0) {
    return Status::InvalidArgument("delta: checkpoint part size must be positive, got " +
                                   std::to_string(options.part_size));
  }
  if (options.part_size > 0 && snapshot.protocol().HasWriterFeature("v2Checkpoint")) {
    return Status::InvalidArgument("delta: " + store.table_root() +
                                   ": multi-part checkpoints are forbidden on a table with the "
                                   "v2Checkpoint feature (PROTOCOL.md); write a classic one");
  }
  auto kept = [&](const RemoveFile& r) {
    return r.deletion_timestamp.value_or(0) >= options.min_tombstone_timestamp_ms;
  };
  // protocol + metaData + txns + domains + adds + unexpired removes
  int64_t actions = 2 + static_cast<int64_t>(snapshot.transactions().size() +
                                             snapshot.domain_metadata().size() +
                                             snapshot.files().size());
  for (const RemoveFile& r : snapshot.tombstones()) actions += kept(r) ? 1 : 0;
  int64_t num_parts = 1;
  if (options.part_size > 0) num_parts = (actions + options.part_size - 1) / options.part_size;
  if (num_parts > std::numeric_limits<int>::max()) {
    return Status::InvalidArgument("delta: checkpoint part size " +
                                   std::to_string(options.part_size) + " makes " +
                                   std::to_string(num_parts) + " parts, too many");
  }

  CheckpointFilesWriter out(store, snapshot.version(), options.part_size,
                            static_cast<int>(num_parts), options.batch_rows);
  int64_t adds = 0;
  RETURN_IF_ERROR(out.Add(Row(kProtocol, ProtocolValue(snapshot.protocol()))));
  RETURN_IF_ERROR(out.Add(Row(kMetaData, MetadataValue(snapshot.metadata()))));
  for (const auto& [app, t] : snapshot.transactions()) {
    RETURN_IF_ERROR(out.Add(Row(
        kTxn, Value::Struct({Str(t.app_id), Value::Int64(t.version), OptI64(t.last_updated)}))));
  }
  for (const auto& [name, d] : snapshot.domain_metadata()) {
    RETURN_IF_ERROR(out.Add(Row(kDomainMetadata, Value::Struct({Str(d.domain), Str(d.configuration),
                                                                Value::Bool(false)}))));
  }
  for (const AddFile& a : snapshot.files()) {
    AddFile copy = a;
    copy.data_change = false;  // a checkpoint re-states files, it does not change data
    RETURN_IF_ERROR(out.Add(Row(kAdd, AddValue(copy))));
    ++adds;
  }
  for (const RemoveFile& r : snapshot.tombstones()) {
    if (!kept(r)) continue;
    RemoveFile copy = r;
    copy.data_change = false;
    RETURN_IF_ERROR(out.Add(Row(kRemove, RemoveValue(copy))));
  }
  RETURN_IF_ERROR(out.Finish());

  LastCheckpoint lc;
  lc.version = snapshot.version();
  lc.size = actions;
  if (options.part_size > 0) lc.parts = num_parts;
  lc.size_in_bytes = out.size_in_bytes();
  lc.num_of_add_files = adds;
  RETURN_IF_ERROR(store.WriteLastCheckpoint(lc));
  return lc;
}

}  // namespace lakestream::delta
