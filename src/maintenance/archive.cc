#include "maintenance/archive.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/time_format.h"
#include "common/uuid.h"
#include "delta/deletion_vector.h"
#include "delta/features.h"
#include "delta/snapshot.h"
#include "delta/table_identity.h"
#include "delta/table_writer.h"
#include "delta/uri.h"
#include "maintenance/file_copy.h"
#include "parquet/file_reader.h"

namespace lakestream::maintenance {
namespace {

using delta::AddFile;

std::string Ctx(const ArchiveOptions& o) { return "archive: " + o.live->table_root(); }

// The latest snapshot, or null when the table has no log yet.
Result<std::shared_ptr<const delta::Snapshot>> LoadIfExists(
    const std::shared_ptr<delta::LogStore>& store) {
  ASSIGN_OR_RETURN(delta::LogListing listing, store->List());
  if (listing.empty()) return std::shared_ptr<const delta::Snapshot>();
  return delta::Snapshot::Load(store);
}

bool SameColumns(const delta::DeltaType& a, const delta::DeltaType& b) {
  if (a.fields.size() != b.fields.size()) return false;
  for (size_t i = 0; i < a.fields.size(); ++i) {
    if (a.fields[i].name != b.fields[i].name || !(a.fields[i].type == b.fields[i].type)) {
      return false;
    }
  }
  return true;
}

// Rows in a data file, from its Parquet footer.
Result<int64_t> FooterRows(io::FileSystem& fs, const std::string& path) {
  ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(fs, path));
  return reader->num_rows();
}

// The row count recorded on an archive add when its copy was made.
std::optional<int64_t> ArchivedRows(const AddFile& a) {
  if (!a.tags) return std::nullopt;
  auto it = a.tags->find(kArchiveRowsTag);
  if (it == a.tags->end() || it->second.empty() || it->second.size() > 18 ||
      it->second.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoll(it->second);
}

// A planned file: the live add and, once known, its archive copy.
struct Move {
  const AddFile* live = nullptr;
  std::string value;  // partition value
  std::optional<AddFile> archived;
};

}  // namespace

std::string ArchiveAppId(const std::string& live_table_id) {
  return "lakestream-archive-" + live_table_id;
}

Result<std::string> CutoffDate(const std::string& today, int64_t days) {
  std::optional<int32_t> d = ParseDate(today);
  if (!d) return Status::InvalidArgument("archive: '" + today + "' is not a YYYY-MM-DD date");
  return FormatDate(*d - days);
}

std::string DateOfMillis(int64_t ms) {
  int64_t days = ms >= 0 ? ms / 86'400'000 : -((-ms + 86'399'999) / 86'400'000);
  return FormatDate(days);
}

Status RunArchive(const ArchiveOptions& o, ArchiveReport* report) {
  if (!o.live || !o.archive) {
    return Status::InvalidArgument("archive: live and archive tables are required");
  }
  *report = ArchiveReport{};
  const std::string ctx = Ctx(o);
  std::optional<int32_t> cutoff = ParseDate(o.cutoff_date);
  if (!cutoff) {
    return Status::InvalidArgument(ctx + ": cutoff '" + o.cutoff_date +
                                   "' is not a YYYY-MM-DD date");
  }
  RETURN_IF_ERROR(delta::RequireDistinctTables(ctx, "live", o.live, "archive", o.archive));
  ASSIGN_OR_RETURN(auto live, delta::Snapshot::Load(o.live));
  RETURN_IF_ERROR(
      delta::CheckWriteSupported(live->protocol(), live->metadata(), o.live->table_root()));
  const auto& pcols = live->partition_columns();
  const delta::StructField* pfield = live->schema().FindField(o.partition_column);
  if (std::find(pcols.begin(), pcols.end(), o.partition_column) == pcols.end() || !pfield) {
    return Status::InvalidArgument(ctx + ": " + o.partition_column +
                                   " is not a partition column of the table");
  }
  using K = delta::DeltaType::Kind;
  if (pfield->type.kind != K::kDate && pfield->type.kind != K::kString) {
    return Status::InvalidArgument(ctx + ": partition column " + o.partition_column +
                                   " must be a date or a 'YYYY-MM-DD' string");
  }

  // 1. Plan.
  std::vector<Move> moves;
  for (const AddFile& f : live->files()) {
    // Keyed by physical name on a column-mapped table.
    std::optional<std::string> pv = live->column_mapping().PartitionValue(f, o.partition_column);
    if (!pv || pv->empty()) continue;
    std::optional<int32_t> day = ParseDate(*pv);
    if (!day) {
      return Status::InvalidArgument(ctx + ": " + f.path + ": partition value '" + *pv +
                                     "' of " + o.partition_column + " is not a date");
    }
    if (*day >= *cutoff) continue;
    if (f.deletion_vector && f.deletion_vector->storage_type == "p") {
      // An absolute DV path points into the live table's storage, which vacuum cleans.
      return Status::NotSupported(ctx + ": " + f.path +
                                  ": deletion vectors stored at absolute paths");
    }
    moves.push_back(Move{&f, *pv, std::nullopt});
  }
  if (moves.empty()) return Status::OK();  // nothing to do: no commit anywhere

  ASSIGN_OR_RETURN(auto arch, LoadIfExists(o.archive));
  if (arch) {
    if (!SameColumns(arch->schema(), live->schema()) || arch->partition_columns() != pcols) {
      return Status::InvalidArgument("archive: " + o.archive->table_root() +
                                     ": schema or partition columns differ from the live table " +
                                     o.live->table_root());
    }
    std::map<std::string, const AddFile*> by_source;
    for (const AddFile& a : arch->files()) {
      if (!a.tags) continue;
      auto t = a.tags->find(kArchiveSourceTableTag);
      auto p = a.tags->find(kArchiveSourceTag);
      if (t == a.tags->end() || p == a.tags->end() || t->second != live->metadata().id) continue;
      by_source[p->second] = &a;
    }
    for (Move& m : moves) {
      auto it = by_source.find(m.live->path);
      if (it != by_source.end()) m.archived = *it->second;
    }
  }
  std::map<std::string, ArchivePartition> parts;
  for (const Move& m : moves) {
    ArchivePartition& p = parts[m.value];
    p.value = m.value;
    ++p.files;
    p.bytes += m.live->size;
    p.rows += m.live->LiveRecords().value_or(0);
  }
  auto fill_partitions = [&] {
    report->partitions.clear();
    for (auto& [v, p] : parts) report->partitions.push_back(p);
  };
  if (o.dry_run) {
    fill_partitions();
    for (const Move& m : moves) {
      report->bytes += m.live->size;
      (m.archived ? report->files_resumed : report->files_copied)++;
    }
    return Status::OK();
  }

  // 2. Copy, 3. archive commit.
  io::FileSystem& live_fs = o.live->fs();
  io::FileSystem& arch_fs = o.archive->fs();
  const std::string app_id = ArchiveAppId(live->metadata().id);
  std::vector<AddFile> adds;
  std::set<std::string> dv_files;  // DV files copied (one may serve several data files)
  int64_t now = delta::NowMillis();
  for (Move& m : moves) {
    if (m.archived) {
      ++report->files_resumed;
      continue;
    }
    if (m.live->path.find("://") != std::string::npos || m.live->path.starts_with("/")) {
      return Status::NotSupported(ctx + ": " + m.live->path + ": absolute data file paths");
    }
    ASSIGN_OR_RETURN(std::string src, delta::ResolveDataPath(o.live->table_root(), m.live->path));
    ASSIGN_OR_RETURN(std::string dst,
                     delta::ResolveDataPath(o.archive->table_root(), m.live->path));
    Result<int64_t> live_rows = FooterRows(live_fs, src);
    if (!live_rows.ok()) return live_rows.status().WithContext(ctx + ": counting live rows");
    ASSIGN_OR_RETURN(int64_t copied, CopyFile(live_fs, src, arch_fs, dst));
    Result<int64_t> copy_rows = FooterRows(arch_fs, dst);
    if (!copy_rows.ok()) return copy_rows.status().WithContext(ctx + ": counting copied rows");
    if (*copy_rows != *live_rows) {
      return Status::Corruption(ctx + ": " + m.live->path + " has " + std::to_string(*live_rows) +
                                " rows but its copy " + dst + " has " + std::to_string(*copy_rows) +
                                "; nothing committed");
    }
    // A relative deletion vector goes along, to the same relative path (it stays in the
    // default tier: it is small and readers of the archive need it with the data).
    if (m.live->deletion_vector && m.live->deletion_vector->storage_type == "u") {
      const delta::DeletionVector& dv = *m.live->deletion_vector;
      ASSIGN_OR_RETURN(std::string dv_src, delta::DeletionVectorFilePath(o.live->table_root(), dv));
      ASSIGN_OR_RETURN(std::string dv_dst,
                       delta::DeletionVectorFilePath(o.archive->table_root(), dv));
      if (dv_files.insert(dv_dst).second) {
        Result<int64_t> c = CopyFile(live_fs, dv_src, arch_fs, dv_dst);
        if (!c.ok()) return c.status().WithContext(ctx + ": " + m.live->path);
      }
    }
    if (arch_fs.SupportsTiers()) {
      Status s = arch_fs.SetTier(dst, io::StorageTier::kArchive);
      if (!s.ok()) return s.WithContext(ctx + ": setting the archive tier");
      ++report->files_tiered;
    }
    AddFile a = *m.live;
    a.size = copied;
    a.modification_time = now;
    a.data_change = true;
    a.base_row_id.reset();  // row ids belong to the live table's row tracking
    a.default_row_commit_version.reset();
    if (!a.tags) a.tags.emplace();
    (*a.tags)[kArchiveSourceTag] = m.live->path;
    (*a.tags)[kArchiveSourceTableTag] = live->metadata().id;
    (*a.tags)[kArchiveRowsTag] = std::to_string(*copy_rows);
    m.archived = a;
    adds.push_back(std::move(a));
    ++report->files_copied;
  }
  const std::string predicate = o.partition_column + " < '" + o.cutoff_date + "'";
  if (!adds.empty()) {
    delta::Transaction txn(o.archive, arch, o.commit);
    if (arch && !dv_files.empty() && !arch->protocol().HasReaderFeature("deletionVectors")) {
      return Status::NotSupported(ctx + ": the archive table " + o.archive->table_root() +
                                  " lacks the deletionVectors feature the live files need; "
                                  "nothing committed");
    }
    if (!arch) {
      delta::Metadata md = live->metadata();
      md.id = NewUuid();
      md.created_time = now;
      txn.SetProtocol(live->protocol());
      txn.SetMetadata(std::move(md));
    }
    txn.SetTransaction(app_id, live->version());
    int64_t bytes = 0, rows = 0;
    for (const auto& a : adds) {
      bytes += a.size;
      rows += a.LiveRecords().value_or(0);
    }
    txn.SetOperation("ARCHIVE", {{"sourceTable", o.live->table_root()},
                                 {"sourceVersion", std::to_string(live->version())},
                                 {"predicate", "[\"" + predicate + "\"]"}});
    txn.SetMetric("numFiles", static_cast<int64_t>(adds.size()));
    txn.SetMetric("numOutputBytes", bytes);
    txn.SetMetric("numOutputRows", rows);
    txn.AddFiles(std::move(adds));
    Result<delta::CommitResult> c = txn.Commit();
    if (!c.ok()) return c.status().WithContext(ctx + ": archive commit");
    report->archive_version = c->version;
  }

  // 4. Verify row counts on both sides.
  for (auto& [v, p] : parts) p.rows = 0;
  delta::Transaction txn(o.live, live, o.commit);
  ASSIGN_OR_RETURN(delta::Expr e, delta::ParsePredicate(predicate));
  ASSIGN_OR_RETURN(delta::BoundPredicate bp, delta::BoundPredicate::Bind(e, live->schema(), pcols));
  txn.ReadPredicate(std::move(bp));
  for (const Move& m : moves) {
    ASSIGN_OR_RETURN(std::string src, delta::ResolveDataPath(o.live->table_root(), m.live->path));
    Result<int64_t> lr = FooterRows(live_fs, src);
    if (!lr.ok()) return lr.status().WithContext(ctx + ": counting live rows");
    std::optional<int64_t> ar = ArchivedRows(*m.archived);
    if (!ar) {
      return Status::Corruption(ctx + ": archive copy " + m.archived->path + " has no valid " +
                                kArchiveRowsTag + " tag; nothing removed");
    }
    if (*lr != *ar) {
      return Status::Corruption(ctx + ": " + m.live->path + " has " + std::to_string(*lr) +
                                " rows but its archive copy " + m.archived->path + " was counted " +
                                std::to_string(*ar) + "; nothing removed");
    }
    report->rows_live += *lr;
    report->rows_archive += *ar;
    report->bytes += m.live->size;
    parts[m.value].rows += *lr;
    txn.ReadFile(m.live->path);
    txn.Remove(*m.live, /*data_change=*/true);
  }
  fill_partitions();

  // 5. Remove from the live table.
  txn.SetTransaction(app_id, live->version());
  txn.SetOperation("ARCHIVE", {{"archiveTable", o.archive->table_root()},
                               {"predicate", "[\"" + predicate + "\"]"}});
  txn.SetMetric("numRemovedFiles", static_cast<int64_t>(moves.size()));
  txn.SetMetric("numDeletedRows", report->rows_live);
  Result<delta::CommitResult> c = txn.Commit();
  if (!c.ok()) return c.status().WithContext(ctx + ": live commit");
  report->live_version = c->version;
  report->files_removed = static_cast<int64_t>(moves.size());
  return Status::OK();
}

}  // namespace lakestream::maintenance
