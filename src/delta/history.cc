#include "delta/history.h"

#include <charconv>

namespace lakestream::delta {
namespace {

std::optional<CommitInfo> FindCommitInfo(std::vector<Action>& actions) {
  for (auto& a : actions) {
    if (auto* c = std::get_if<CommitInfo>(&a)) return std::move(*c);
  }
  return std::nullopt;
}

}  // namespace

std::optional<int64_t> InCommitTimestampsFrom(const Metadata& latest) {
  std::optional<std::string> on = latest.Config("delta.enableInCommitTimestamps");
  if (!on || *on != "true") return std::nullopt;
  int64_t from = 0;
  if (auto v = latest.Config("delta.inCommitTimestampEnablementVersion")) {
    std::from_chars(v->data(), v->data() + v->size(), from);
  }
  return from;
}

Result<int64_t> CommitTimestamp(const LogStore& store, const io::FileInfo& commit_file,
                                int64_t version, std::optional<int64_t> ict_from) {
  if (ict_from && version >= *ict_from) {
    ASSIGN_OR_RETURN(std::string text, store.fs().ReadFile(commit_file.path));
    ASSIGN_OR_RETURN(std::vector<Action> actions, ParseCommit(text, commit_file.path));
    std::optional<CommitInfo> ci = FindCommitInfo(actions);
    if (ci && ci->in_commit_timestamp) return *ci->in_commit_timestamp;
  }
  return commit_file.mtime_ms;
}

Result<std::vector<HistoryEntry>> ReadHistory(const LogStore& store, const LogListing& listing,
                                              std::optional<int64_t> ict_from,
                                              std::optional<int64_t> limit) {
  std::vector<HistoryEntry> out;
  for (auto it = listing.commits.rbegin(); it != listing.commits.rend(); ++it) {
    if (limit && static_cast<int64_t>(out.size()) >= *limit) break;
    ASSIGN_OR_RETURN(std::string text, store.fs().ReadFile(it->second.path));
    ASSIGN_OR_RETURN(std::vector<Action> actions, ParseCommit(text, it->second.path));
    HistoryEntry e;
    e.version = it->first;
    e.commit_info = FindCommitInfo(actions);
    e.timestamp_ms = it->second.mtime_ms;
    if (ict_from && e.version >= *ict_from && e.commit_info && e.commit_info->in_commit_timestamp) {
      e.timestamp_ms = *e.commit_info->in_commit_timestamp;
    }
    out.push_back(std::move(e));
  }
  return out;
}

Result<int64_t> VersionAtTimestamp(const LogStore& store, const LogListing& listing,
                                   std::optional<int64_t> ict_from, int64_t timestamp_ms) {
  auto not_found = [&] {
    return Status::NotFound("delta: " + store.table_root() + ": no commit at or before " +
                            std::to_string(timestamp_ms) + " ms");
  };
  // Commits with in-commit timestamps: strictly increasing, so a binary search reads about
  // log2(n) commit files instead of all of them. A time at or after the first of them only
  // considers them (PROTOCOL.md "Recommendations for Readers").
  if (ict_from) {
    std::vector<std::pair<int64_t, const io::FileInfo*>> with;
    for (auto it = listing.commits.lower_bound(*ict_from); it != listing.commits.end(); ++it) {
      with.emplace_back(it->first, &it->second);
    }
    if (!with.empty()) {
      ASSIGN_OR_RETURN(int64_t first,
                       CommitTimestamp(store, *with[0].second, with[0].first, ict_from));
      if (timestamp_ms >= first) {
        size_t lo = 0, hi = with.size();  // with[lo] is at or before; find the last such
        while (hi - lo > 1) {
          size_t mid = lo + (hi - lo) / 2;
          ASSIGN_OR_RETURN(int64_t t,
                           CommitTimestamp(store, *with[mid].second, with[mid].first, ict_from));
          (t <= timestamp_ms ? lo : hi) = mid;
        }
        return with[lo].first;
      }
    }
  }
  // File times: from the listing, no file read. They may go backwards (clock skew, copies);
  // Delta makes them monotonic by bumping a commit to one past its predecessor.
  std::optional<int64_t> found;
  int64_t previous = INT64_MIN;
  for (const auto& [version, file] : listing.commits) {
    if (ict_from && version >= *ict_from) break;
    int64_t ts = file.mtime_ms;
    if (ts <= previous) ts = previous + 1;
    previous = ts;
    if (ts > timestamp_ms) break;
    found = version;
  }
  if (!found) return not_found();
  return *found;
}

}  // namespace lakestream::delta
