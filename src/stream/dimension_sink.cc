#include "stream/dimension_sink.h"

#include <charconv>
#include <map>
#include <set>
#include <variant>

#include "delta/log_store.h"
#include "delta/merge.h"
#include "delta/operations.h"
#include "delta/snapshot.h"
#include "delta/table_config.h"
#include "delta/transaction.h"
#include "delta/uri.h"
#include "parquet/file_reader.h"
#include "parquet/record_assembler.h"
#include "stream/delta_batch_sink.h"
#include "stream/txn_app_id.h"

namespace lakestream::stream {

std::string DimensionTxnAppId(const std::string& pipeline_id, const std::string& name,
                              int32_t partition) {
  return pipeline_id + ":" + name + ":" + std::to_string(partition);
}

delta::DeltaType DimensionSchema(const PipelineConfig& config) {
  const DimensionConfig& d = config.dimension;
  delta::DeltaType t;
  t.kind = delta::DeltaType::Kind::kStruct;
  auto add = [&](const std::string& name, delta::DeltaType type, bool nullable) {
    delta::StructField f;
    f.name = name;
    f.type = std::move(type);
    f.nullable = nullable;
    t.fields.push_back(std::move(f));
  };
  auto type_of = [&](const std::string& column) {
    return DeltaTypeOf(config.FindColumn(column)->type);
  };
  add(d.key, type_of(d.key), false);
  for (const auto& c : d.track) add(c, type_of(c), true);
  add(d.sequence_by, type_of(d.sequence_by), true);
  add("valid_from", type_of(d.sequence_by), true);
  add("valid_to", type_of(d.sequence_by), true);
  delta::DeltaType b;
  b.kind = delta::DeltaType::Kind::kBoolean;
  add("is_current", b, true);
  return t;
}

namespace {

class DimensionBatchSink final : public BatchSink {
 public:
  DimensionBatchSink(std::unique_ptr<BatchSink> inner, const PipelineConfig& config,
                     DimensionSinkOptions options)
      : inner_(std::move(inner)), config_(config), options_(std::move(options)) {
    const DimensionConfig& d = config_.dimension;
    spec_.keys = {d.key};
    spec_.source_columns.push_back(d.key);
    for (const auto& c : d.track) spec_.source_columns.push_back(c);
    spec_.source_columns.push_back(d.sequence_by);
    spec_.sequence_by = d.sequence_by;
    spec_.track_columns = d.track;
  }

  Status Open(const TableLayout& layout) override {
    RETURN_IF_ERROR(inner_->Open(layout));
    fs_ = std::shared_ptr<io::FileSystem>(&inner_->fs(), [](io::FileSystem*) {});
    events_ = std::make_shared<delta::LogStore>(fs_, inner_->table_root(TableRole::kEvents));
    ASSIGN_OR_RETURN(std::string root, delta::NormalizeTableRoot(config_.dimension.table));
    dim_ = std::make_shared<delta::LogStore>(fs_, root);
    Result<std::shared_ptr<const delta::Snapshot>> snap = delta::Snapshot::Load(dim_);
    if (snap.status().IsNotFound()) return CreateDimension();
    if (!snap.ok()) return snap.status().WithContext("stream: dimension " + root);
    delta::DeltaType want = DimensionSchema(config_);
    for (const delta::StructField& f : want.fields) {
      const delta::StructField* have = (*snap)->schema().FindField(f.name);
      if (have == nullptr || !(have->type == f.type)) {
        return Status::InvalidArgument(
            "stream: dimension " + root + ": column " + f.name +
            (have == nullptr ? " is missing" : " is " + have->type.ToString()) +
            ", the config needs " + f.type.ToString());
      }
    }
    return Status::OK();
  }

  io::FileSystem& fs() override { return inner_->fs(); }
  const std::string& table_root(TableRole role) const override { return inner_->table_root(role); }

  Result<std::optional<int64_t>> CommittedOffset(TableRole role,
                                                 const TopicPartition& tp) override {
    if (role == TableRole::kEvents) {
      Status st = Recover();
      if (!st.ok()) {
        pending_ = true;  // retried before the next batch
        Failed(st);
        Log("warning: dimension recovery failed (retried before the next batch): " + st.ToString());
      }
    }
    return inner_->CommittedOffset(role, tp);
  }

  Status Commit(const MicroBatch& batch) override {
    RETURN_IF_ERROR(inner_->Commit(batch));
    Status st;
    if (pending_) {
      st = Recover();  // covers this batch too: it is in the events log now
    } else {
      std::vector<std::string> paths;
      for (const StagedFile& f : batch.events) paths.push_back(f.path);
      std::map<std::string, int64_t> txns;
      for (const auto& [tp, last] : batch.last_offsets) {
        txns[DimensionTxnAppId(config_.pipeline_id, config_.dimension.name, tp.partition)] = last;
      }
      st = Apply(paths, txns, "batch " + std::to_string(batch.sequence));
    }
    if (!st.ok()) {
      pending_ = true;
      Failed(st);
      Log("warning: dimension not updated for batch " + std::to_string(batch.sequence) +
          " (events are committed; it catches up before the next batch): " + st.ToString());
    }
    return Status::OK();
  }

  Status ScanRecentKeys(const RecentKeysScan& scan,
                        const std::function<void(std::string_view, int64_t)>& fn) override {
    return inner_->ScanRecentKeys(scan, fn);
  }

 private:
  void Log(const std::string& s) const {
    if (options_.log) options_.log(s);
  }
  void Failed(const Status& st) const {
    if (options_.observer) options_.observer->OnDimensionMergeFailed(config_.dimension.name, st);
  }

  // The Kafka partition of an events txn appId of this pipeline (current or
  // legacy format, stream/txn_app_id.h), or -1.
  int32_t EventsPartition(const std::string& app) const {
    return TxnAppIdPartition(app, config_.pipeline_id, config_.source.topic).value_or(-1);
  }

  // Per Kafka partition, the events table's committed offset.
  std::map<int32_t, int64_t> EventsTxns(const delta::Snapshot& events) const {
    return PartitionTxnVersions(events.transactions(), config_.pipeline_id,
                                config_.source.topic);
  }

  // Creates the table and starts it at the events table's txns.
  Status CreateDimension() {
    const std::string& root = dim_->table_root();
    Result<delta::CommitResult> c = delta::CreateTable(dim_, DimensionSchema(config_), {},
                                                         delta::MergeTableProperties());
    if (!c.ok() && !c.status().IsAlreadyExists() && !c.status().IsConflict()) {
      return c.status().WithContext("stream: create dimension " + root);
    }
    ASSIGN_OR_RETURN(auto events, delta::Snapshot::Load(events_));
    ASSIGN_OR_RETURN(auto dim, delta::Snapshot::Load(dim_));
    delta::Transaction txn(dim_, dim);
    bool any = false;
    for (const auto& [p, version] : EventsTxns(*events)) {
      txn.SetTransaction(DimensionTxnAppId(config_.pipeline_id, config_.dimension.name, p),
                         version);
      any = true;
    }
    if (!any) return Status::OK();
    txn.SetOperation("STREAMING UPDATE", {{"outputMode", "Update"},
                                          {"queryId", config_.pipeline_id},
                                          {"note", "dimension starts at the events txns"}});
    Result<delta::CommitResult> r = txn.Commit();
    if (!r.ok()) return r.status().WithContext("stream: start dimension " + root);
    Log("dimension " + root + ": created; starts at the events table's offsets (no backfill)");
    return Status::OK();
  }

  // Brings every partition whose dimension txn lags its events txn up to it.
  Status Recover() {
    ASSIGN_OR_RETURN(auto events, delta::Snapshot::Load(events_));
    ASSIGN_OR_RETURN(auto dim, delta::Snapshot::Load(dim_));
    std::map<int32_t, int64_t> applied;  // lagging partition -> dimension txn (-1: none)
    std::map<std::string, int64_t> txns;
    for (const auto& [p, version] : EventsTxns(*events)) {
      std::string dim_app = DimensionTxnAppId(config_.pipeline_id, config_.dimension.name, p);
      std::optional<int64_t> have = dim->TransactionVersion(dim_app);
      if (have && *have >= version) continue;
      applied[p] = have.value_or(-1);
      txns[dim_app] = version;
    }
    if (applied.empty()) {
      pending_ = false;
      return Status::OK();
    }
    // Walk back to the events commits holding offsets the dimension lacks.
    std::set<int32_t> open;
    for (const auto& [p, v] : applied) open.insert(p);
    std::vector<std::string> paths;
    int commits = 0;
    for (int64_t v = events->version(); v >= 0 && !open.empty(); --v) {
      Result<std::string> text = events_->ReadCommit(v);
      if (!text.ok()) {
        return text.status().WithContext(
            "stream: dimension " + dim_->table_root() +
            " lags the events table further back than its log reaches (version " +
            std::to_string(v) + "); rebuild it with lakestream merge --mode scd2");
      }
      ASSIGN_OR_RETURN(
          std::vector<delta::Action> actions,
          delta::ParseCommit(*text, events_->table_root() + " version " + std::to_string(v)));
      bool needed = false;
      std::vector<std::string> adds;
      for (const delta::Action& a : actions) {
        if (const auto* t = std::get_if<delta::SetTransaction>(&a)) {
          int32_t p = EventsPartition(t->app_id);
          auto it = applied.find(p);
          if (p < 0 || it == applied.end()) continue;
          if (t->version > it->second) {
            needed = true;
          } else {
            open.erase(p);
          }
        } else if (const auto* add = std::get_if<delta::AddFile>(&a)) {
          adds.push_back(add->path);
        }
      }
      if (needed) {
        ++commits;
        paths.insert(paths.end(), adds.begin(), adds.end());
      }
    }
    Log("dimension: " + std::to_string(applied.size()) +
        " partition(s) behind the events table: re-applying " + std::to_string(commits) +
        " events commit(s), " + std::to_string(paths.size()) + " file(s)");
    RETURN_IF_ERROR(Apply(paths, txns, "recovery"));
    pending_ = false;
    return Status::OK();
  }

  // Reads the key, tracked and sequence columns of the events files and
  // merges them with the txns in one dimension commit.
  Status Apply(const std::vector<std::string>& paths, const std::map<std::string, int64_t>& txns,
               const std::string& what) {
    std::vector<parquet::Value> rows;
    int64_t skipped = 0;
    for (const std::string& p : paths) RETURN_IF_ERROR(ReadEventsFile(p, &rows, &skipped));
    delta::MergeOptions mo;
    mo.max_attempts = options_.max_attempts;
    mo.set_transactions = txns;
    Result<delta::MergeResult> r = delta::MergeScd2(dim_, rows, spec_, mo);
    if (!r.ok()) return r.status().WithContext("stream: dimension " + what);
    if (skipped > 0) {
      Log("dimension " + what + ": skipped " + std::to_string(skipped) +
          " events with a null key or sequence");
    }
    return Status::OK();
  }

  Status ReadEventsFile(const std::string& encoded, std::vector<parquet::Value>* rows,
                        int64_t* skipped) {
    ASSIGN_OR_RETURN(std::string path, delta::ResolveDataPath(events_->table_root(), encoded));
    ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(*fs_, path));
    const auto& children = reader->schema().root().children;
    std::vector<int> fields;
    std::vector<int> slot;  // per source column: index into fields, or -1
    for (const std::string& name : spec_.source_columns) {
      int s = -1;
      for (size_t c = 0; c < children.size(); ++c) {
        if (children[c].name == name) {
          s = static_cast<int>(fields.size());
          fields.push_back(static_cast<int>(c));
          break;
        }
      }
      slot.push_back(s);
    }
    parquet::RecordAssembler assembler(reader->schema(), fields);
    std::vector<int> needed = assembler.needed_columns();
    std::vector<parquet::ColumnData> data;
    std::vector<parquet::Value> assembled;
    const size_t key = 0, seq = spec_.source_columns.size() - 1;
    for (int g = 0; g < reader->num_row_groups(); ++g) {
      int64_t n = reader->metadata().row_groups[g].num_rows;
      assembled.clear();
      if (!fields.empty()) {
        RETURN_IF_ERROR(reader->ReadRowGroup(g, needed, &data));
        RETURN_IF_ERROR(assembler.Assemble(data, n, &assembled));
      }
      for (int64_t r = 0; r < n; ++r) {
        std::vector<parquet::Value> items(slot.size());
        for (size_t i = 0; i < slot.size(); ++i) {
          if (slot[i] >= 0) items[i] = std::move(assembled[static_cast<size_t>(r)].items[slot[i]]);
        }
        if (items[key].is_null() || items[seq].is_null()) {
          ++*skipped;
          continue;
        }
        rows->push_back(parquet::Value::Struct(std::move(items)));
      }
    }
    return Status::OK();
  }

  std::unique_ptr<BatchSink> inner_;
  PipelineConfig config_;
  DimensionSinkOptions options_;
  delta::CdcSpec spec_;
  std::shared_ptr<io::FileSystem> fs_;
  std::shared_ptr<delta::LogStore> events_;
  std::shared_ptr<delta::LogStore> dim_;
  // The dimension may lag the events table: run Recover() before applying
  // the next batch directly (set until a Recover() succeeds).
  bool pending_ = true;
};

}  // namespace

Result<std::unique_ptr<BatchSink>> WithDimension(std::unique_ptr<BatchSink> inner,
                                                 const PipelineConfig& config,
                                                 DimensionSinkOptions options) {
  if (!config.dimension.enabled()) return inner;
  RETURN_IF_ERROR(ValidatePipelineConfig(config));
  return std::unique_ptr<BatchSink>(
      new DimensionBatchSink(std::move(inner), config, std::move(options)));
}

}  // namespace lakestream::stream
