#include "maintenance/optimize.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "delta/features.h"
#include "delta/predicate.h"
#include "delta/row_reader.h"
#include "delta/snapshot.h"
#include "delta/uri.h"
#include "maintenance/zorder.h"
#include "parquet/file_reader.h"

namespace lakestream::maintenance {
namespace {

using delta::AddFile;

std::string JoinCommas(const std::vector<std::string>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + v[i];
  return out;
}

bool HasTag(const AddFile& f, const char* key, const std::string& value) {
  if (!f.tags) return false;
  auto it = f.tags->find(key);
  return it != f.tags->end() && it->second == value;
}

// Whether a file's deletion vector hides more than the allowed fraction of its rows.
bool NeedsPurge(const AddFile& f, const OptimizeOptions& o) {
  if (!f.deletion_vector) return false;
  std::optional<int64_t> n = f.NumRecords();
  if (!n || *n <= 0) return true;
  return static_cast<double>(f.deletion_vector->cardinality) >
         o.max_deleted_fraction * static_cast<double>(*n);
}

// The files of one partition to rewrite, or empty.
std::vector<const AddFile*> PickFiles(const std::vector<const AddFile*>& files,
                                      const OptimizeOptions& o, int64_t min_size,
                                      const std::string& target_tag, const std::string& zorder) {
  if (!o.zorder_by.empty()) {
    bool all_done = std::all_of(files.begin(), files.end(), [&](const AddFile* f) {
      return HasTag(*f, kZOrderByTag, zorder) && !NeedsPurge(*f, o);
    });
    return all_done ? std::vector<const AddFile*>{} : files;
  }
  std::vector<const AddFile*> pick;
  int64_t small = 0, purge = 0;
  for (const AddFile* f : files) {
    if (NeedsPurge(*f, o)) {
      pick.push_back(f);
      ++purge;
    } else if (f->size < min_size && !HasTag(*f, kOptimizeTargetTag, target_tag)) {
      pick.push_back(f);
      ++small;
    }
  }
  if (purge == 0 && small < 2) pick.clear();
  return pick;
}

// Writes the rows of one partition, fed in order, into `files` output files
// of equal row counts (the last ones one row shorter at most).
class ChunkWriter {
 public:
  ChunkWriter(const OptimizeOptions& o, const delta::Snapshot& snap, int64_t total_rows,
              int64_t files, const delta::StringMap& tags, std::vector<AddFile>* adds,
              std::vector<std::string>* written)
      : o_(o), snap_(snap), n_(total_rows), tags_(tags), adds_(adds), written_(written) {
    files_ = std::clamp<int64_t>(files, 1, std::max<int64_t>(n_, 1));
  }
  ~ChunkWriter() { Collect(); }

  Status Add(const parquet::Value& row) {
    if (row_ >= n_) {
      return Status::Internal("optimize: " + o_.table->table_root() + ": more rows than counted");
    }
    if (!writer_) {
      delta::TableWriterOptions wo;
      wo.target_file_size = INT64_MAX;  // one file per writer: the chunks are cut here
      wo.parquet = o_.parquet;
      wo.data_change = false;
      ASSIGN_OR_RETURN(writer_,
                       delta::TableWriter::Make(o_.table->shared_fs(), o_.table->table_root(),
                                                snap_.schema(), snap_.partition_columns(), wo));
    }
    RETURN_IF_ERROR(writer_->Write(row));
    ++row_;
    if (row_ == n_ * (index_ + 1) / files_) {
      RETURN_IF_ERROR(Close());
      ++index_;
    }
    return Status::OK();
  }

  // OK when exactly the counted rows were written.
  Status Finish() {
    if (writer_) RETURN_IF_ERROR(Close());
    if (row_ != n_) {
      return Status::Corruption("optimize: " + o_.table->table_root() + ": read " +
                                std::to_string(row_) + " rows, the footers say " +
                                std::to_string(n_));
    }
    return Status::OK();
  }

 private:
  Status Close() {
    Result<std::vector<AddFile>> out = writer_->Finish();
    Collect();
    if (!out.ok()) return out.status();
    for (AddFile& a : *out) {
      a.tags = tags_;
      adds_->push_back(std::move(a));
    }
    return Status::OK();
  }
  // Hands the current writer's files to the caller's cleanup list.
  void Collect() {
    if (!writer_) return;
    written_->insert(written_->end(), writer_->written_paths().begin(),
                     writer_->written_paths().end());
    writer_.reset();
  }

  const OptimizeOptions& o_;
  const delta::Snapshot& snap_;
  int64_t n_ = 0, files_ = 1, index_ = 0, row_ = 0;
  const delta::StringMap& tags_;
  std::vector<AddFile>* adds_;
  std::vector<std::string>* written_;
  std::unique_ptr<delta::TableWriter> writer_;
};

// Live rows in a data file: its Parquet footer's, less those its deletion vector deletes.
Result<int64_t> FooterRows(const delta::Snapshot& snap, const AddFile& f) {
  ASSIGN_OR_RETURN(std::string path, delta::ResolveDataPath(snap.table_root(), f.path));
  ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(snap.log_store()->fs(), path));
  return reader->num_rows() - (f.deletion_vector ? f.deletion_vector->cardinality : 0);
}

// Rewrites the picked files of one partition: Z-ordered (all rows in memory,
// sorted) or bin-packed (streamed one input file at a time).
Status RewritePartition(const OptimizeOptions& o, const delta::Snapshot& snap,
                        const std::vector<const AddFile*>& pick, const std::vector<int>& zfields,
                        const delta::StringMap& tags, std::vector<AddFile>* adds,
                        std::vector<std::string>* written, int64_t* rows_out) {
  int64_t bytes = 0;
  for (const AddFile* f : pick) bytes += f->size;
  const int64_t nfiles = (bytes + o.target_file_size - 1) / o.target_file_size;
  std::vector<parquet::Value> rows;
  if (!zfields.empty()) {
    for (const AddFile* f : pick) RETURN_IF_ERROR(delta::ReadFileRows(snap, *f, &rows));
    RETURN_IF_ERROR(ZOrderSort(snap.schema(), zfields, &rows));
    ChunkWriter w(o, snap, static_cast<int64_t>(rows.size()), nfiles, tags, adds, written);
    for (const auto& r : rows) RETURN_IF_ERROR(w.Add(r));
    RETURN_IF_ERROR(w.Finish());
    *rows_out = static_cast<int64_t>(rows.size());
    return Status::OK();
  }
  int64_t total = 0;
  for (const AddFile* f : pick) {
    ASSIGN_OR_RETURN(int64_t n, FooterRows(snap, *f));
    total += n;
  }
  ChunkWriter w(o, snap, total, nfiles, tags, adds, written);
  for (const AddFile* f : pick) {
    rows.clear();
    RETURN_IF_ERROR(delta::ReadFileRows(snap, *f, &rows));
    for (const auto& r : rows) RETURN_IF_ERROR(w.Add(r));
  }
  RETURN_IF_ERROR(w.Finish());
  *rows_out = total;
  return Status::OK();
}

}  // namespace

Status RunOptimize(const OptimizeOptions& o, OptimizeReport* report) {
  *report = OptimizeReport{};
  if (!o.table) return Status::InvalidArgument("optimize: no table");
  const std::string ctx = "optimize: " + o.table->table_root();
  if (o.target_file_size <= 0) {
    return Status::InvalidArgument(ctx + ": target file size must be positive");
  }
  const int64_t min_size = o.min_file_size > 0 ? o.min_file_size : o.target_file_size / 4 * 3;
  ASSIGN_OR_RETURN(auto snap, delta::Snapshot::Load(o.table));
  RETURN_IF_ERROR(delta::CheckWriteSupported(snap->protocol(), snap->metadata(),
                                             o.table->table_root()));
  const auto& pcols = snap->partition_columns();
  std::optional<delta::BoundPredicate> where;
  if (!o.where.empty()) {
    ASSIGN_OR_RETURN(delta::Expr e, delta::ParsePredicate(o.where));
    ASSIGN_OR_RETURN(delta::BoundPredicate p,
                     delta::BoundPredicate::Bind(e, snap->schema(), pcols));
    if (!p.partition_only()) {
      return Status::InvalidArgument(ctx + ": --where " + e.ToString() +
                                     " uses data columns; OPTIMIZE takes partition predicates");
    }
    where = std::move(p);
  }
  std::vector<int> zfields;
  for (const auto& c : o.zorder_by) {
    if (std::find(pcols.begin(), pcols.end(), c) != pcols.end()) {
      return Status::InvalidArgument(ctx + ": " + c +
                                     " is a partition column; Z-order by data columns");
    }
    int idx = -1;
    for (size_t i = 0; i < snap->schema().fields.size(); ++i) {
      if (snap->schema().fields[i].name == c) idx = static_cast<int>(i);
    }
    if (idx < 0) return Status::InvalidArgument(ctx + ": no column named " + c + " to Z-order by");
    if (!snap->schema().fields[static_cast<size_t>(idx)].type.is_primitive()) {
      return Status::InvalidArgument(ctx + ": cannot Z-order by nested column " + c);
    }
    zfields.push_back(idx);
  }
  const std::string target_tag = std::to_string(o.target_file_size);
  const std::string zorder = JoinCommas(o.zorder_by);

  std::map<delta::PartitionValues, std::vector<const AddFile*>> partitions;
  for (const AddFile& f : snap->files()) {
    if (where && where->EvalFile(f) == delta::Tri::kFalse) continue;
    partitions[f.partition_values].push_back(&f);
  }
  report->partitions_considered = static_cast<int64_t>(partitions.size());

  delta::Transaction txn(o.table, snap, o.commit);
  std::vector<AddFile> adds;
  std::vector<std::string> written;
  delta::StringMap tags = {{kOptimizeTargetTag, target_tag}};
  if (!zorder.empty()) tags[kZOrderByTag] = zorder;
  Status s;
  for (auto& [pv, files] : partitions) {
    std::vector<const AddFile*> pick = PickFiles(files, o, min_size, target_tag, zorder);
    if (pick.empty()) continue;
    std::sort(pick.begin(), pick.end(), [](const AddFile* a, const AddFile* b) {
      return std::tie(a->modification_time, a->path) < std::tie(b->modification_time, b->path);
    });
    size_t before = adds.size();
    int64_t nrows = 0;
    s = RewritePartition(o, *snap, pick, zfields, tags, &adds, &written, &nrows);
    if (!s.ok()) break;
    for (const AddFile* f : pick) {
      txn.ReadFile(f->path);
      txn.Remove(*f, /*data_change=*/false);
      report->bytes_removed += f->size;
    }
    for (size_t i = before; i < adds.size(); ++i) report->bytes_added += adds[i].size;
    report->files_removed += static_cast<int64_t>(pick.size());
    report->rows += nrows;
    ++report->partitions_optimized;
  }
  if (!s.ok()) {
    for (const auto& p : written) (void)o.table->fs().Delete(p);
    return s.WithContext(ctx);
  }
  if (report->partitions_optimized == 0) return Status::OK();  // nothing to do: no commit
  report->files_added = static_cast<int64_t>(adds.size());
  delta::StringMap params = {
      {"predicate",
       nlohmann::json(o.where.empty() ? std::vector<std::string>{}
                                      : std::vector<std::string>{where->expr().ToString()})
           .dump()},
      {"zOrderBy", nlohmann::json(o.zorder_by).dump()},
      {"targetFileSize", target_tag}};
  txn.SetOperation("OPTIMIZE", params);
  txn.SetMetric("numAddedFiles", report->files_added);
  txn.SetMetric("numRemovedFiles", report->files_removed);
  txn.SetMetric("numAddedBytes", report->bytes_added);
  txn.SetMetric("numRemovedBytes", report->bytes_removed);
  txn.SetMetric("numPartitionsOptimized", report->partitions_optimized);
  txn.SetMetric("numRowsRewritten", report->rows);
  txn.AddFiles(std::move(adds));
  Result<delta::CommitResult> c = txn.Commit();
  if (!c.ok()) {
    delta::CleanUpAfterFailedCommit(o.table->fs(), written, c.status());
    return c.status().WithContext(ctx);
  }
  report->version = c->version;
  return Status::OK();
}

}  // namespace lakestream::maintenance
