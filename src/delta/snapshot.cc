#include "delta/snapshot.h"

#include "delta/checkpoint_reader.h"
#include "delta/features.h"
#include "delta/history.h"
#include "delta/log_replay.h"

namespace lakestream::delta {
namespace {

// Complete V1 checkpoints at or below `target`, newest first.
std::vector<const CheckpointFiles*> Candidates(const LogListing& listing, int64_t target) {
  std::vector<const CheckpointFiles*> out;
  for (auto it = listing.checkpoints.rbegin(); it != listing.checkpoints.rend(); ++it) {
    if (it->first > target) continue;
    const CheckpointFiles& c = it->second;
    if (c.kind == CheckpointFiles::Kind::kUuid || !c.complete()) continue;
    // Prefer a classic checkpoint over a multi-part one of the same version.
    if (!out.empty() && out.back()->version == c.version) {
      if (c.kind == CheckpointFiles::Kind::kClassic) out.back() = &c;
      continue;
    }
    out.push_back(&c);
  }
  return out;
}

bool HasUuidCheckpoint(const LogListing& listing, int64_t target) {
  for (const auto& [v, c] : listing.checkpoints) {
    if (v <= target && c.kind == CheckpointFiles::Kind::kUuid) return true;
  }
  return false;
}

}  // namespace

std::optional<int64_t> Snapshot::TransactionVersion(const std::string& app_id) const {
  auto it = txns_.find(app_id);
  if (it == txns_.end()) return std::nullopt;
  return it->second.version;
}

int64_t Snapshot::total_bytes() const {
  int64_t n = 0;
  for (const auto& f : files_) n += f.size;
  return n;
}

std::optional<int64_t> Snapshot::total_records() const {
  int64_t n = 0;
  for (const auto& f : files_) {
    std::optional<int64_t> r = f.LiveRecords();
    if (!r) return std::nullopt;
    n += *r;
  }
  return n;
}

Result<std::shared_ptr<const Snapshot>> Snapshot::Load(std::shared_ptr<LogStore> store,
                                                       const SnapshotOptions& options) {
  const std::string& root = store->table_root();
  const std::string& log = store->log_dir();
  if (options.version && options.timestamp_ms) {
    return Status::InvalidArgument("delta: " + root + ": give a version or a timestamp, not both");
  }
  if (options.timestamp_ms) {
    SnapshotOptions latest_opts;
    latest_opts.check_reader_features = false;
    ASSIGN_OR_RETURN(auto latest, Load(store, latest_opts));
    ASSIGN_OR_RETURN(LogListing listing, store->List());
    ASSIGN_OR_RETURN(int64_t v,
                     VersionAtTimestamp(*store, listing, InCommitTimestampsFrom(latest->metadata()),
                                        *options.timestamp_ms));
    SnapshotOptions at = options;
    at.timestamp_ms.reset();
    at.version = v;
    return Load(store, at);
  }

  ASSIGN_OR_RETURN(LogListing listing, store->List());
  if (listing.empty()) {
    return Status::NotFound("delta: " + root +
                            ": not a Delta table (no commits or checkpoints in " + log + ")");
  }
  int64_t latest = -1;
  if (!listing.commits.empty()) latest = listing.commits.rbegin()->first;
  if (!listing.checkpoints.empty()) latest = std::max(latest, listing.checkpoints.rbegin()->first);
  int64_t target = options.version.value_or(latest);
  if (target < 0 || target > latest) {
    return Status::NotFound("delta: " + root + ": version " + std::to_string(target) +
                            " does not exist (latest is " + std::to_string(latest) + ")");
  }

  // _last_checkpoint is a hint only; remember what it claimed for messages.
  std::string hint_note;
  Result<std::optional<LastCheckpoint>> hint = store->ReadLastCheckpoint();
  if (hint.ok() && hint->has_value()) {
    int64_t hv = (*hint)->version;
    bool exists = false;
    for (auto [it, end] = listing.checkpoints.equal_range(hv); it != end; ++it) {
      exists = exists || it->second.complete();
    }
    if (!exists) {
      hint_note =
          "; _last_checkpoint names checkpoint " + std::to_string(hv) + ", which does not exist";
    }
  } else if (!hint.ok()) {
    hint_note = "; _last_checkpoint is unreadable (" + hint.status().message() + ")";
  }

  auto snap = std::shared_ptr<Snapshot>(new Snapshot());
  snap->store_ = store;
  snap->version_ = target;
  LogReplay replay;

  // Pick the starting checkpoint, falling back to older ones whose files
  // are still there.
  int64_t start = -1;
  for (const CheckpointFiles* c : Candidates(listing, target)) {
    LogReplay attempt;
    Status s = ReadCheckpoint(store->fs(), *c, [&](Action&& a) {
      attempt.Apply(std::move(a));
      return Status::OK();
    });
    if (s.IsNotFound()) {
      hint_note += "; checkpoint " + std::to_string(c->version) + " vanished while reading";
      continue;
    }
    RETURN_IF_ERROR(s);
    replay = std::move(attempt);
    start = c->version;
    snap->checkpoint_version_ = start;
    break;
  }

  // Commits start+1 .. target must all be there.
  for (int64_t v = start + 1; v <= target; ++v) {
    auto it = listing.commits.find(v);
    if (it != listing.commits.end()) continue;
    std::string missing = store->LogPath(CommitFileName(v));
    if (v == start + 1 && start < 0) {
      if (HasUuidCheckpoint(listing, target)) {
        return Status::NotSupported("delta: " + root +
                                    ": only UUID-named v2 checkpoints cover version " +
                                    std::to_string(target) + " (table feature v2Checkpoint)");
      }
      if (options.version && !listing.commits.empty() && listing.commits.begin()->first > target) {
        return Status::NotFound("delta: " + root + ": version " + std::to_string(target) +
                                " is no longer in the log (earliest commit is " +
                                std::to_string(listing.commits.begin()->first) + ")" + hint_note);
      }
      return Status::Corruption("delta: " + root + ": cannot rebuild version " +
                                std::to_string(target) + ": no checkpoint at or below it and " +
                                missing + " is missing" + hint_note);
    }
    return Status::Corruption("delta: " + missing + ": missing; log versions must be contiguous (" +
                              (start >= 0 ? "checkpoint " + std::to_string(start) + ", " : "") +
                              "target version " + std::to_string(target) + ")" + hint_note);
  }

  for (int64_t v = start + 1; v <= target; ++v) {
    const io::FileInfo& file = listing.commits.at(v);
    ASSIGN_OR_RETURN(std::string text, store->fs().ReadFile(file.path));
    ASSIGN_OR_RETURN(std::vector<Action> actions, ParseCommit(text, file.path));
    for (auto& a : actions) {
      if (v == target) {
        if (auto* ci = std::get_if<CommitInfo>(&a)) snap->commit_info_ = *ci;
      }
      if (std::holds_alternative<CheckpointMetadataAction>(a) ||
          std::holds_alternative<SidecarAction>(a)) {
        return Status::Corruption("delta: " + file.path + ": " + std::string(ActionName(a)) +
                                  " is only allowed in checkpoints");
      }
      replay.Apply(std::move(a));
    }
  }
  // A snapshot exactly at a checkpoint: its commitInfo is in the JSON file.
  if (start == target) {
    if (auto it = listing.commits.find(target); it != listing.commits.end()) {
      Result<std::string> text = store->fs().ReadFile(it->second.path);
      if (text.ok()) {
        Result<std::vector<Action>> actions = ParseCommit(*text, it->second.path);
        if (actions.ok()) {
          for (auto& a : *actions) {
            if (auto* ci = std::get_if<CommitInfo>(&a)) snap->commit_info_ = *ci;
          }
        }
      }
    }
  }

  if (!replay.protocol()) {
    return Status::Corruption("delta: " + root + ": no protocol action up to version " +
                              std::to_string(target));
  }
  if (!replay.metadata()) {
    return Status::Corruption("delta: " + root + ": no metaData action up to version " +
                              std::to_string(target));
  }
  snap->protocol_ = *replay.protocol();
  snap->metadata_ = *replay.metadata();
  if (options.check_reader_features) {
    RETURN_IF_ERROR(CheckReadSupported(snap->protocol_, snap->metadata_, root));
  }
  Result<DeltaType> schema = snap->metadata_.schema_string.empty()
                                 ? Result<DeltaType>(DeltaType{.kind = DeltaType::Kind::kStruct})
                                 : ParseSchemaString(snap->metadata_.schema_string);
  if (!schema.ok()) return schema.status().WithContext("delta: " + root + ": metaData");
  snap->schema_ = std::move(schema).value();
  Result<ColumnMapping> mapping =
      ColumnMapping::ForTable(snap->protocol_, snap->metadata_, snap->schema_, root);
  if (mapping.ok()) {
    snap->column_mapping_ = std::move(mapping).value();
  } else if (options.check_reader_features) {
    return mapping.status();
  }

  snap->files_.reserve(replay.files().size());
  for (auto& [k, f] : replay.files()) snap->files_.push_back(std::move(f));
  snap->tombstones_.reserve(replay.tombstones().size());
  for (auto& [k, r] : replay.tombstones()) snap->tombstones_.push_back(std::move(r));
  snap->txns_ = std::move(replay.transactions());
  snap->domains_ = std::move(replay.domains());

  snap->timestamp_ms_ = 0;
  if (auto it = listing.commits.find(target); it != listing.commits.end()) {
    snap->timestamp_ms_ = it->second.mtime_ms;
    std::optional<int64_t> ict = InCommitTimestampsFrom(snap->metadata_);
    if (ict && target >= *ict && snap->commit_info_ && snap->commit_info_->in_commit_timestamp) {
      snap->timestamp_ms_ = *snap->commit_info_->in_commit_timestamp;
    }
  } else if (snap->checkpoint_version_) {
    for (auto [it, end] = listing.checkpoints.equal_range(target); it != end; ++it) {
      if (!it->second.parts.empty()) snap->timestamp_ms_ = it->second.parts[0].mtime_ms;
    }
  }
  return std::shared_ptr<const Snapshot>(std::move(snap));
}

}  // namespace lakestream::delta
