#include "delta/operations.h"

#include <nlohmann/json.hpp>
#include <set>

#include "common/uuid.h"
#include "delta/change_data.h"
#include "delta/column_mapping_writer.h"
#include "delta/deletion_vector.h"
#include "delta/features.h"
#include "delta/predicate.h"
#include "delta/row_reader.h"
#include "delta/snapshot.h"
#include "delta/uri.h"

namespace lakestream::delta {
namespace {

// The latest snapshot, or null when the table has no log yet.
Result<std::shared_ptr<const Snapshot>> LoadIfExists(const std::shared_ptr<LogStore>& store) {
  ASSIGN_OR_RETURN(LogListing listing, store->List());
  if (listing.empty()) return std::shared_ptr<const Snapshot>();
  return Snapshot::Load(store);
}

Metadata NewMetadata(const DeltaType& schema, const std::vector<std::string>& partition_columns,
                     const StringMap& configuration, int64_t now) {
  Metadata m;
  m.id = NewUuid();
  m.schema_string = SchemaToJson(schema);
  m.partition_columns = partition_columns;
  m.configuration = configuration;
  m.created_time = now;
  return m;
}

std::string JsonList(const std::vector<std::string>& v) { return nlohmann::json(v).dump(); }

// The protocol and metadata turning on column mapping when `configuration` (a
// write's table properties) sets delta.columnMapping.mode on a table without it; nullopt
// when it does not, or sets the mode the table has.
Result<std::optional<ProtocolAndMetadata>> ColumnMappingUpgrade(const Snapshot& snap,
                                                                const StringMap& configuration,
                                                                const std::string& root) {
  auto it = configuration.find(kColumnMappingModeKey);
  if (it == configuration.end()) return std::optional<ProtocolAndMetadata>();
  ASSIGN_OR_RETURN(ColumnMappingMode want, ParseColumnMappingMode(it->second, "delta: " + root));
  if (want == snap.column_mapping().mode()) return std::optional<ProtocolAndMetadata>();
  ASSIGN_OR_RETURN(ProtocolAndMetadata pm, EnableColumnMapping(snap.protocol(), snap.metadata(),
                                                               want, "delta: " + root));
  return std::optional<ProtocolAndMetadata>(std::move(pm));
}

// Same field names and types at every depth; field metadata (column mapping ids and
// physical names) aside; nullability compared below the top level.
bool SameColumns(const DeltaType& a, const DeltaType& b, bool top = true) {
  if (a.kind != b.kind || a.fields.size() != b.fields.size() ||
      a.children.size() != b.children.size() || a.contains_null != b.contains_null) {
    return false;
  }
  if (a.kind < DeltaType::Kind::kStruct && !(a == b)) return false;  // decimal precision etc.
  for (size_t i = 0; i < a.fields.size(); ++i) {
    if (a.fields[i].name != b.fields[i].name ||
        (!top && a.fields[i].nullable != b.fields[i].nullable) ||
        !SameColumns(a.fields[i].type, b.fields[i].type, false)) {
      return false;
    }
  }
  for (size_t i = 0; i < a.children.size(); ++i) {
    if (!SameColumns(a.children[i], b.children[i], false)) return false;
  }
  return true;
}

}  // namespace

Result<CommitResult> CreateTable(std::shared_ptr<LogStore> store, const DeltaType& logical,
                                 const std::vector<std::string>& partition_columns,
                                 const StringMap& table_configuration,
                                 const CommitOptions& commit, const std::string& table_id) {
  DeltaType schema = logical;
  StringMap configuration = table_configuration;
  AddNewTableDefaults(&configuration);
  RETURN_IF_ERROR(
      PrepareNewTableColumnMapping(&schema, &configuration, "delta: " + store->table_root()));
  ASSIGN_OR_RETURN(auto snap, LoadIfExists(store));
  if (snap) {
    return Status::AlreadyExists("delta: " + store->table_root() + ": table already exists");
  }
  for (const auto& p : partition_columns) {
    if (schema.FindField(p) == nullptr) {
      return Status::InvalidArgument("delta: " + store->table_root() + ": partition column " + p +
                                     " is not in the schema");
    }
  }
  Transaction txn(store, nullptr, commit);
  txn.SetProtocol(ProtocolForNewTable(schema, configuration));
  Metadata metadata = NewMetadata(schema, partition_columns, configuration, NowMillis());
  if (!table_id.empty()) metadata.id = table_id;
  txn.SetMetadata(std::move(metadata));
  txn.SetOperation("CREATE TABLE", {{"isManaged", "false"},
                                    {"partitionBy", JsonList(partition_columns)},
                                    {"properties", nlohmann::json(configuration).dump()}});
  Result<CommitResult> r = txn.Commit();
  if (!r.ok() && r.status().IsConflict()) {
    return Status::AlreadyExists("delta: " + store->table_root() +
                                 ": table was created concurrently: " + r.status().message());
  }
  return r;
}

Result<WriteResult> WriteRows(std::shared_ptr<LogStore> store, const DeltaType& input_schema,
                              const RowProducer& produce, const WriteRequest& request) {
  const std::string& root = store->table_root();
  ASSIGN_OR_RETURN(auto snap, LoadIfExists(store));
  std::vector<std::string> partition_columns = request.partition_columns;
  // The schema files are written with: a new column-mapped table's ids and physical
  // names, or an existing column-mapped table's own.
  DeltaType schema = input_schema;
  StringMap configuration = request.configuration;
  std::optional<ProtocolAndMetadata> upgrade;  // column mapping turned on by this write
  if (!snap) {
    AddNewTableDefaults(&configuration);
    RETURN_IF_ERROR(PrepareNewTableColumnMapping(&schema, &configuration, "delta: " + root));
  }
  if (snap) {
    RETURN_IF_ERROR(CheckWriteSupported(snap->protocol(), snap->metadata(), root));
    ASSIGN_OR_RETURN(upgrade, ColumnMappingUpgrade(*snap, request.configuration, root));
    DeltaType table_schema = snap->schema();
    if (upgrade) {
      ASSIGN_OR_RETURN(table_schema, ParseSchemaString(upgrade->metadata.schema_string));
    }
    if (SameColumns(table_schema, schema) && HasPhysicalNames(table_schema)) {
      schema = table_schema;
    }
    if (!SameColumns(snap->schema(), schema)) {
      return Status::InvalidArgument("delta: " + root + ": schema " + SchemaToJson(schema) +
                                     " does not match the table's " +
                                     snap->metadata().schema_string);
    }
    if (!partition_columns.empty() && partition_columns != snap->partition_columns()) {
      return Status::InvalidArgument("delta: " + root + ": partition columns " +
                                     JsonList(partition_columns) + " differ from the table's " +
                                     JsonList(snap->partition_columns()));
    }
    partition_columns = snap->partition_columns();
  }
  WriteResult result;
  if (request.app_id && snap) {
    std::optional<int64_t> done = snap->TransactionVersion(*request.app_id);
    if (done && *done >= request.app_version) {
      result.skipped = true;
      result.commit.version = snap->version();
      return result;
    }
  }
  std::optional<BoundPredicate> replace;
  if (request.replace_where) {
    if (request.mode != SaveMode::kOverwrite) {
      return Status::InvalidArgument("delta: " + root + ": replaceWhere needs overwrite mode");
    }
    ASSIGN_OR_RETURN(Expr e, ParsePredicate(*request.replace_where));
    ASSIGN_OR_RETURN(BoundPredicate p, BoundPredicate::Bind(e, schema, partition_columns));
    if (!p.partition_only()) {
      return Status::NotSupported("delta: " + root + ": replaceWhere on data columns (" +
                                  e.ToString() + "); use partition columns only");
    }
    replace = std::move(p);
  }
  ASSIGN_OR_RETURN(auto writer, TableWriter::Make(store->shared_fs(), root, schema,
                                                  partition_columns, request.writer));
  Status produced = produce(writer.get());
  Result<std::vector<AddFile>> adds =
      produced.ok() ? writer->Finish() : Result<std::vector<AddFile>>(produced);
  if (!adds.ok()) {
    CleanUpAfterFailedCommit(store->fs(), writer->written_paths(), adds.status());
    return adds.status();
  }
  if (replace) {
    for (const auto& a : *adds) {
      if (replace->EvalFile(a) != Tri::kTrue) {
        Status bad = Status::InvalidArgument("delta: " + root + ": written data in " + a.path +
                                             " does not match replaceWhere " +
                                             replace->expr().ToString());
        CleanUpAfterFailedCommit(store->fs(), writer->written_paths(), bad);
        return bad;
      }
    }
  }
  Transaction txn(store, snap, request.commit);
  if (!snap) {
    txn.SetProtocol(ProtocolForNewTable(schema, configuration));
    txn.SetMetadata(NewMetadata(schema, partition_columns, configuration, NowMillis()));
  } else if (upgrade) {
    txn.SetProtocol(upgrade->protocol);
    txn.SetMetadata(upgrade->metadata);
  }
  if (request.app_id) txn.SetTransaction(*request.app_id, request.app_version);
  StringMap params = {{"mode", request.mode == SaveMode::kAppend ? "Append" : "Overwrite"},
                      {"partitionBy", JsonList(partition_columns)}};
  if (request.mode == SaveMode::kOverwrite && snap) {
    if (replace) {
      params["predicate"] = JsonList({replace->expr().ToString()});
      txn.ReadPredicate(*replace);
      for (const auto& f : snap->files()) {
        if (replace->EvalFile(f) != Tri::kFalse) {
          txn.Remove(f);
          ++result.files_removed;
        }
      }
    } else {
      txn.ReadWholeTable();
      for (const auto& f : snap->files()) {
        txn.Remove(f);
        ++result.files_removed;
      }
    }
  }
  txn.SetOperation("WRITE", params);
  result.files_added = static_cast<int64_t>(adds->size());
  result.rows = writer->rows_written();
  for (const auto& a : *adds) result.bytes += a.size;
  txn.AddFiles(std::move(adds).value());
  Result<CommitResult> c = txn.Commit();
  if (!c.ok()) {
    CleanUpAfterFailedCommit(store->fs(), writer->written_paths(), c.status());
    // Lost the race to a writer that committed this very txn (a retried job and its first
    // attempt, say): the write is done, so this is a skip, not a Conflict.
    if (c.status().IsConflict() && request.app_id) {
      Result<std::shared_ptr<const Snapshot>> now = Snapshot::Load(store);
      if (now.ok()) {
        std::optional<int64_t> done = (*now)->TransactionVersion(*request.app_id);
        if (done && *done >= request.app_version) {
          WriteResult skipped;
          skipped.skipped = true;
          skipped.commit.version = (*now)->version();
          return skipped;
        }
      }
    }
    return c.status();
  }
  result.commit = *c;
  return result;
}

Result<WriteResult> WriteRows(std::shared_ptr<LogStore> store, const DeltaType& schema,
                              const std::vector<parquet::Value>& rows,
                              const WriteRequest& request) {
  return WriteRows(
      std::move(store), schema, [&](TableWriter* w) { return w->Write(rows); }, request);
}

namespace {

// One planned and committed attempt of DeleteWhere against the latest snapshot.
Result<DeleteResult> DeleteWhereOnce(const std::shared_ptr<LogStore>& store,
                                     const std::string& where,
                                     const TableWriterOptions& writer_options,
                                     const CommitOptions& commit) {
  ASSIGN_OR_RETURN(auto snap, Snapshot::Load(store));
  RETURN_IF_ERROR(CheckWriteSupported(snap->protocol(), snap->metadata(), store->table_root()));
  ASSIGN_OR_RETURN(Expr e, ParsePredicate(where));
  ASSIGN_OR_RETURN(BoundPredicate pred,
                   BoundPredicate::Bind(e, snap->schema(), snap->partition_columns()));
  Transaction txn(store, snap, commit);
  txn.ReadPredicate(pred);
  DeleteResult result;
  ASSIGN_OR_RETURN(auto writer,
                   TableWriter::Make(store->shared_fs(), store->table_root(), snap->schema(),
                                     snap->partition_columns(), writer_options));
  // With deletion vectors enabled, partly matching files get a DV instead of a rewrite.
  const bool use_dvs = DeletionVectorsEnabled(snap->protocol(), snap->metadata());
  std::vector<std::string> dv_paths;  // DV files written, removed again if the commit fails
  // With the change data feed on, deleted rows of partly matching files go to
  // _change_data; so do those of whole files dropped in the same commit (a
  // commit with cdc files is read only through them).
  std::unique_ptr<ChangeDataWriter> cdc;
  if (ChangeDataFeedEnabled(snap->metadata())) {
    ASSIGN_OR_RETURN(cdc, ChangeDataWriter::Make(store->shared_fs(), store->table_root(),
                                                 snap->schema(), snap->partition_columns(),
                                                 writer_options));
  }
  std::vector<const AddFile*> dropped;
  std::vector<parquet::Value> rows;
  std::vector<uint64_t> indexes;
  Status s;
  for (const AddFile& f : snap->files()) {
    Tri t = pred.EvalFile(f);
    if (t == Tri::kFalse) continue;
    txn.ReadFile(f.path);
    if (t == Tri::kTrue) {
      txn.Remove(f);
      ++result.files_removed;
      result.rows_deleted += f.LiveRecords().value_or(0);
      dropped.push_back(&f);
      continue;
    }
    rows.clear();
    indexes.clear();
    s = ReadFileRows(*snap, f, &rows, &indexes);
    if (!s.ok()) break;
    std::vector<parquet::Value> keep;
    std::vector<uint64_t> matched;
    for (size_t i = 0; i < rows.size() && s.ok(); ++i) {
      if (pred.EvalRow(rows[i]) == Tri::kTrue) {
        matched.push_back(indexes[i]);
        if (cdc) s = cdc->Write(rows[i], ChangeType::kDelete);
        continue;
      }
      keep.push_back(std::move(rows[i]));
    }
    if (!s.ok()) break;
    if (keep.size() == rows.size()) continue;  // nothing to delete here
    if (use_dvs && !keep.empty() && f.NumRecords()) {
      Result<AddFile> marked =
          AddDeletionVector(store->fs(), store->table_root(), f, matched, &dv_paths);
      if (!marked.ok()) {
        s = marked.status();
        break;
      }
      txn.Remove(f);
      txn.AddFiles({*std::move(marked)});
      ++result.deletion_vectors_added;
      result.rows_deleted += static_cast<int64_t>(matched.size());
      continue;
    }
    txn.Remove(f);
    ++result.files_removed;
    result.rows_deleted += static_cast<int64_t>(rows.size() - keep.size());
    if (!keep.empty()) {
      ++result.files_rewritten;
      result.rows_copied += static_cast<int64_t>(keep.size());
      s = writer->Write(keep);
      if (!s.ok()) break;
    }
  }
  for (size_t i = 0; cdc && cdc->rows_written() > 0 && i < dropped.size() && s.ok(); ++i) {
    rows.clear();
    s = ReadFileRows(*snap, *dropped[i], &rows);
    for (size_t r = 0; r < rows.size() && s.ok(); ++r) s = cdc->Write(rows[r], ChangeType::kDelete);
  }
  Result<std::vector<AddFile>> adds = s.ok() ? writer->Finish() : Result<std::vector<AddFile>>(s);
  Result<std::vector<AddCdcFile>> changes =
      !adds.ok() ? Result<std::vector<AddCdcFile>>(adds.status())
      : cdc      ? cdc->Finish()
                 : Result<std::vector<AddCdcFile>>(std::vector<AddCdcFile>{});
  std::vector<std::string> written = writer->written_paths();
  written.insert(written.end(), dv_paths.begin(), dv_paths.end());
  if (cdc) written.insert(written.end(), cdc->written_paths().begin(), cdc->written_paths().end());
  if (!changes.ok()) {
    CleanUpAfterFailedCommit(store->fs(), written, changes.status());
    return changes.status();
  }
  if (result.files_removed == 0 && result.deletion_vectors_added == 0) {
    result.commit.version = -1;
    return result;
  }
  result.files_added = static_cast<int64_t>(adds->size());
  txn.AddFiles(std::move(adds).value());
  txn.AddCdcFiles(std::move(changes).value());
  txn.SetOperation("DELETE", {{"predicate", JsonList({e.ToString()})}});
  txn.SetMetric("numDeletedRows", result.rows_deleted);
  txn.SetMetric("numCopiedRows", result.rows_copied);
  txn.SetMetric("numAddedFiles", result.files_added);
  txn.SetMetric("numRemovedFiles", result.files_removed);
  txn.SetMetric("numDeletionVectorsAdded", result.deletion_vectors_added);
  Result<CommitResult> c = txn.Commit();
  if (!c.ok()) {
    CleanUpAfterFailedCommit(store->fs(), written, c.status());
    return c.status();
  }
  result.commit = *c;
  return result;
}

}  // namespace

Result<DeleteResult> DeleteWhere(std::shared_ptr<LogStore> store, const std::string& where,
                                 const TableWriterOptions& writer_options,
                                 const CommitOptions& commit) {
  // A concurrent commit that touched the files this delete read (an OPTIMIZE compacting
  // them, another DELETE) makes the commit a Conflict. The delete is then planned again on
  // the new snapshot: that is the same DELETE run after the other commit, so it is correct
  // whatever the other commit did.
  constexpr int kAttempts = 5;
  Result<DeleteResult> r = Status::Internal("delete: not attempted");
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    r = DeleteWhereOnce(store, where, writer_options, commit);
    if (r.ok() || !r.status().IsConflict() || r.status().outcome_unknown()) {
      return r;
    }
  }
  return r;
}

Result<RestoreResult> RestoreTable(std::shared_ptr<LogStore> store, int64_t version,
                                   const CommitOptions& commit) {
  ASSIGN_OR_RETURN(auto latest, Snapshot::Load(store));
  RETURN_IF_ERROR(
      CheckWriteSupported(latest->protocol(), latest->metadata(), store->table_root()));
  SnapshotOptions so;
  so.version = version;
  ASSIGN_OR_RETURN(auto target, Snapshot::Load(store, so));
  std::map<FileKey, const AddFile*> want, have;
  for (const auto& f : target->files()) want[KeyOf(f)] = &f;
  for (const auto& f : latest->files()) have[KeyOf(f)] = &f;
  Transaction txn(store, latest, commit);
  txn.ReadWholeTable();
  RestoreResult result;
  std::vector<AddFile> adds;
  int64_t now = NowMillis();
  for (const auto& [key, f] : want) {
    if (have.count(key)) continue;
    ASSIGN_OR_RETURN(std::string path, ResolveDataPath(store->table_root(), f->path));
    ASSIGN_OR_RETURN(bool exists, store->fs().Exists(path));
    if (!exists) {
      return Status::NotFound("delta: " + store->table_root() + ": cannot restore version " +
                              std::to_string(version) + ": data file " + f->path +
                              " was removed (vacuumed?)");
    }
    AddFile a = *f;
    a.data_change = true;
    a.modification_time = now;
    adds.push_back(std::move(a));
  }
  for (const auto& [key, f] : have) {
    if (!want.count(key)) {
      txn.Remove(*f);
      ++result.files_removed;
    }
  }
  if (!(target->metadata() == latest->metadata())) txn.SetMetadata(target->metadata());
  result.files_added = static_cast<int64_t>(adds.size());
  txn.AddFiles(std::move(adds));
  txn.SetOperation("RESTORE", {{"version", std::to_string(version)}});
  txn.SetMetric("numRestoredFiles", result.files_added);
  txn.SetMetric("numRemovedFiles", result.files_removed);
  ASSIGN_OR_RETURN(result.commit, txn.Commit());
  return result;
}

}  // namespace lakestream::delta
