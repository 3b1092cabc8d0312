#include "stream/delta_batch_sink.h"

#include "delta/alter.h"
#include "delta/column_mapping_writer.h"
#include "delta/file_stats.h"
#include "delta/operations.h"
#include "delta/snapshot.h"
#include "delta/uri.h"
#include "io/file_system_resolver.h"
#include "stream/dedup_rebuild.h"
#include "stream/pipeline_config.h"
#include "stream/txn_app_id.h"

namespace lakestream::stream {

delta::DeltaType DeltaTypeOf(pipeline::ColumnType type) {
  using K = delta::DeltaType::Kind;
  delta::DeltaType t;
  switch (type) {
    case pipeline::ColumnType::kString:
    case pipeline::ColumnType::kJson: t.kind = K::kString; break;
    case pipeline::ColumnType::kInt32: t.kind = K::kInteger; break;
    case pipeline::ColumnType::kInt64: t.kind = K::kLong; break;
    case pipeline::ColumnType::kDouble: t.kind = K::kDouble; break;
    case pipeline::ColumnType::kBoolean: t.kind = K::kBoolean; break;
    case pipeline::ColumnType::kTimestamp: t.kind = K::kTimestamp; break;
    case pipeline::ColumnType::kDate: t.kind = K::kDate; break;
  }
  return t;
}

namespace {

delta::DeltaType StructOf(const std::vector<pipeline::ColumnSpec>& columns) {
  delta::DeltaType s;
  s.kind = delta::DeltaType::Kind::kStruct;
  for (const auto& c : columns) {
    delta::StructField f;
    f.name = c.name;
    f.type = DeltaTypeOf(c.type);
    f.nullable = c.nullable;
    s.fields.push_back(std::move(f));
  }
  return s;
}

class DeltaBatchSink final : public BatchSink {
 public:
  explicit DeltaBatchSink(const DeltaSinkOptions& o) : options_(o) {}

  Status Init() {
    if (!options_.fs) options_.fs = io::NewRoutingFileSystem();
    for (int i = 0; i < 2; ++i) {
      const std::string& t = i == 0 ? options_.events_table : options_.quarantine_table;
      ASSIGN_OR_RETURN(roots_[i], delta::NormalizeTableRoot(t));
      stores_[i] = std::make_shared<delta::LogStore>(options_.fs, roots_[i]);
    }
    return Status::OK();
  }

  Status Open(const TableLayout& layout) override {
    pipeline_id_ = layout.pipeline_id;
    std::vector<pipeline::ColumnSpec> all = layout.event_columns;
    std::vector<std::string> pcols;
    for (const auto& p : layout.partition_columns) {
      all.push_back(p);
      all.back().nullable = true;
      pcols.push_back(p.name);
    }
    data_schema_[0] = StructOf(layout.event_columns);
    data_schema_[1] = StructOf(layout.quarantine_columns);
    RETURN_IF_ERROR(OpenTable(0, StructOf(all), pcols));
    RETURN_IF_ERROR(OpenTable(1, data_schema_[1], {}));
    RETURN_IF_ERROR(PlanFiles(0, layout.event_columns, layout.partition_columns));
    RETURN_IF_ERROR(PlanFiles(1, layout.quarantine_columns, {}));
    return Status::OK();
  }

  std::optional<FileLayout> file_layout(TableRole role) const override {
    return file_layout_[Index(role)];
  }

  io::FileSystem& fs() override { return *options_.fs; }
  const std::string& table_root(TableRole role) const override { return roots_[Index(role)]; }

  Result<std::optional<int64_t>> CommittedOffset(TableRole role,
                                                 const TopicPartition& tp) override {
    ASSIGN_OR_RETURN(auto snap, delta::Snapshot::Load(stores_[Index(role)]));
    return PartitionTxnVersion(
        [&](const std::string& app) { return snap->TransactionVersion(app); }, pipeline_id_,
        tp.topic, tp.partition);
  }

  Status Commit(const MicroBatch& batch) override {
    if (!batch.quarantine.empty()) {
      RETURN_IF_ERROR(CommitTable(1, batch.quarantine, batch, /*fence=*/false));
    }
    RETURN_IF_ERROR(CommitTable(0, batch.events, batch, /*fence=*/true));
    return Status::OK();
  }

  Status ScanRecentKeys(const RecentKeysScan& scan,
                        const std::function<void(std::string_view, int64_t)>& fn) override {
    ASSIGN_OR_RETURN(auto snap, delta::Snapshot::Load(stores_[0]));
    return ScanRecentKeysFromSnapshot(*snap, scan, fn);
  }

 private:
  static int Index(TableRole role) { return role == TableRole::kEvents ? 0 : 1; }

  Status OpenTable(int i, const delta::DeltaType& schema, const std::vector<std::string>& pcols) {
    const std::string& root = roots_[i];
    Result<std::shared_ptr<const delta::Snapshot>> snap = delta::Snapshot::Load(stores_[i]);
    if (snap.status().IsNotFound()) {
      Result<delta::CommitResult> created =
          delta::CreateTable(stores_[i], schema, pcols, {}, options_.commit);
      if (created.ok() || created.status().IsAlreadyExists() ||
          created.status().IsConflict()) {
        snap = delta::Snapshot::Load(stores_[i]);
      } else {
        return created.status().WithContext("stream: create table " + root);
      }
    }
    if (!snap.ok()) return snap.status().WithContext("stream: open table " + root);
    const delta::DeltaType& have = (*snap)->schema();
    // Schema evolution (docs/schema-evolution.md): columns the config adds are added to the
    // table, nullable, by the first commit (metaData beside the data); removed ones refused.
    evolved_[i].reset();
    base_[i] = (*snap)->metadata();
    table_schema_[i] = have;
    std::vector<std::string> added;
    for (const delta::StructField& have_field : have.fields) {
      if (schema.FindField(have_field.name) == nullptr) {
        return Status::InvalidArgument(
            "stream: table " + root + ": has column " + have_field.name +
            " the config lacks; declare it again, or drop it from the table first (lakestream "
            "alter TABLE drop-column " + have_field.name + ", which needs column mapping)");
      }
    }
    for (const delta::StructField& want : schema.fields) {
      const delta::StructField* f = have.FindField(want.name);
      if (f == nullptr) {
        delta::StructField add = want;
        add.nullable = true;  // the rows already in the table hold null in it
        add.metadata_json = "{}";
        int64_t max_id = delta::MaxColumnId(table_schema_[i]);
        if (auto m = base_[i].Config(delta::kMaxColumnIdKey)) {
          max_id = std::max<int64_t>(max_id, std::strtoll(m->c_str(), nullptr, 10));
        }
        RETURN_IF_ERROR(delta::AddColumnToSchema(**snap, &table_schema_[i], want.name,
                                                 std::move(add), &max_id)
                            .WithContext("stream: evolving the schema"));
        if ((*snap)->column_mapping().active()) {
          base_[i].configuration[delta::kMaxColumnIdKey] = std::to_string(max_id);
        }
        added.push_back(want.name);
        continue;
      }
      if (!(f->type == want.type)) {
        return Status::InvalidArgument("stream: table " + root + ": column " + want.name +
                                       " is " + f->type.ToString() + ", the config says " +
                                       want.type.ToString());
      }
    }
    if ((*snap)->partition_columns() != pcols) {
      return Status::InvalidArgument("stream: table " + root +
                                     ": partition columns differ from the config's partition_by");
    }
    if (!added.empty()) {
      delta::Metadata md = base_[i];
      md.schema_string = delta::SchemaToJson(table_schema_[i]);
      evolved_[i] = std::move(md);
      base_[i] = (*snap)->metadata();
    }
    return Status::OK();
  }

  // How the engine writes table i's files: by physical names and field ids when the table
  // maps columns, else as the config names them (no layout).
  Status PlanFiles(int i, const std::vector<pipeline::ColumnSpec>& columns,
                   const std::vector<pipeline::ColumnSpec>& partitions) {
    file_layout_[i].reset();
    if (!delta::HasPhysicalNames(table_schema_[i])) return Status::OK();
    FileLayout fl;
    delta::DeltaType physical;
    physical.kind = delta::DeltaType::Kind::kStruct;
    for (const pipeline::ColumnSpec& c : columns) {
      const delta::StructField* f = table_schema_[i].FindField(c.name);
      if (f == nullptr) return Status::Internal("stream: column " + c.name + " not planned");
      pipeline::ColumnSpec spec = c;
      spec.name = delta::PhysicalNameOf(*f).value_or(c.name);
      if (spec.source.empty()) spec.source = c.name;
      std::optional<int64_t> id = delta::ColumnIdOf(*f);
      fl.field_ids.push_back(id ? std::optional<int32_t>(static_cast<int32_t>(*id))
                                : std::nullopt);
      delta::StructField pf;
      pf.name = spec.name;
      pf.type = DeltaTypeOf(c.type);
      pf.nullable = c.nullable;
      physical.fields.push_back(std::move(pf));
      fl.columns.push_back(std::move(spec));
    }
    for (const pipeline::ColumnSpec& p : partitions) {
      const delta::StructField* f = table_schema_[i].FindField(p.name);
      fl.partition_keys.push_back(f ? delta::PhysicalNameOf(*f).value_or(p.name) : p.name);
    }
    data_schema_[i] = std::move(physical);  // stats keyed by physical names
    file_layout_[i] = std::move(fl);
    return Status::OK();
  }

  Status CommitTable(int i, const std::vector<StagedFile>& files, const MicroBatch& batch,
                     bool fence) {
    const std::string& root = roots_[i];
    ASSIGN_OR_RETURN(auto snap, delta::Snapshot::Load(stores_[i]));
    delta::Transaction txn(stores_[i], snap, options_.commit);
    if (evolved_[i]) {
      // The schema evolves in the same commit as the first data that has the new columns.
      if (!(snap->metadata() == base_[i])) {
        return Status::Conflict("stream: table " + root +
                                ": its metadata changed since the pipeline opened it (a "
                                "concurrent ALTER?); restart the pipeline to evolve the schema");
      }
      txn.SetMetadata(*evolved_[i]);
    }
    std::vector<delta::AddFile> adds;
    int64_t rows = 0, bytes = 0;
    for (const StagedFile& f : files) {
      delta::AddFile a;
      a.path = f.path;
      a.partition_values = f.partition_values;
      a.size = f.size;
      a.modification_time = f.modification_time_ms;
      a.data_change = true;
      ASSIGN_OR_RETURN(std::string stats,
                       delta::StatsJsonFromFooter(data_schema_[i], *f.schema, f.footer));
      a.stats = std::move(stats);
      rows += f.num_records;
      bytes += f.size;
      adds.push_back(std::move(a));
    }
    for (const auto& [tp, last] : batch.last_offsets) {
      // Read through the legacy appId (a table written before the current format); written
      // in the current format only.
      const std::string app = TxnAppId(pipeline_id_, tp.topic, tp.partition);
      std::optional<int64_t> have = PartitionTxnVersion(
          [&](const std::string& a) { return txn.TransactionVersion(a); }, pipeline_id_,
          tp.topic, tp.partition);
      if (fence) {
        auto first = batch.first_offsets.find(tp);
        if (have && first != batch.first_offsets.end() && *have >= first->second) {
          return Status::Conflict("stream: table " + root + ": " + tp.ToString() +
                                  " is already committed up to offset " + std::to_string(*have) +
                                  ", batch starts at " + std::to_string(first->second) +
                                  " (another consumer owns the partition?)");
        }
      }
      txn.SetTransaction(app, have ? std::max(*have, last) : last);
    }
    txn.AddFiles(std::move(adds));
    txn.SetOperation("STREAMING UPDATE", {{"outputMode", "Append"},
                                          {"queryId", pipeline_id_},
                                          {"epochId", std::to_string(batch.sequence)}});
    txn.SetMetric("numOutputRows", rows);
    txn.SetMetric("numOutputBytes", bytes);
    txn.SetMetric("numAddedFiles", static_cast<int64_t>(files.size()));
    if (i == 0) {
      txn.SetMetric("numDuplicates", batch.metrics.duplicates);
      txn.SetMetric("numQuarantined", batch.metrics.quarantined);
    }
    Result<delta::CommitResult> r = txn.Commit();
    if (!r.ok()) return r.status().WithContext("stream: commit to " + root);
    evolved_[i].reset();
    if (!r->checkpoint_error.empty() && options_.observer != nullptr) {
      options_.observer->OnCheckpointFailed(root, r->checkpoint_error);
    }
    return Status::OK();
  }

  DeltaSinkOptions options_;
  std::string pipeline_id_;
  std::string roots_[2];
  std::shared_ptr<delta::LogStore> stores_[2];
  delta::DeltaType data_schema_[2];
  // Schema evolution: the table's schema with the config's new columns, and the metadata
  // to commit with the next batch (unset when nothing is added). base_: the metadata it
  // was derived from, which must still be the table's at that commit.
  delta::DeltaType table_schema_[2];
  std::optional<delta::Metadata> evolved_[2];
  delta::Metadata base_[2];
  std::optional<FileLayout> file_layout_[2];
};

}  // namespace

Result<std::unique_ptr<BatchSink>> NewDeltaBatchSink(const DeltaSinkOptions& options) {
  auto sink = std::make_unique<DeltaBatchSink>(options);
  RETURN_IF_ERROR(sink->Init());
  return std::unique_ptr<BatchSink>(std::move(sink));
}

}  // namespace lakestream::stream
