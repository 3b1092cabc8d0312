#include "delta/log_store.h"

#include <charconv>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "delta/json_util_internal.h"
#include "delta/uri.h"
#include "io/file_system_resolver.h"

namespace lakestream::delta {
namespace {

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int64_t ParseVersion(std::string_view s) {
  int64_t v = -1;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return -1;
  return v;
}

std::string Pad(int64_t v, int width) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*lld", width, static_cast<long long>(v));
  return buf;
}

}  // namespace

std::string CommitFileName(int64_t version) { return Pad(version, 20) + ".json"; }

std::string CheckpointFileName(int64_t version) { return Pad(version, 20) + ".checkpoint.parquet"; }

std::string MultiPartCheckpointFileName(int64_t version, int part, int num_parts) {
  return Pad(version, 20) + ".checkpoint." + Pad(part, 10) + "." + Pad(num_parts, 10) + ".parquet";
}

LogFileName ParseLogFileName(std::string_view name) {
  LogFileName out;
  if (name == "_last_checkpoint") {
    out.kind = LogFileName::Kind::kLastCheckpoint;
    return out;
  }
  size_t dot = name.find('.');
  if (dot == std::string_view::npos || !AllDigits(name.substr(0, dot))) return out;
  int64_t version = ParseVersion(name.substr(0, dot));
  if (version < 0) return out;
  std::string_view rest = name.substr(dot);
  if (rest == ".json") {
    out.kind = LogFileName::Kind::kCommit;
  } else if (rest == ".crc") {
    out.kind = LogFileName::Kind::kChecksum;
  } else if (rest == ".checkpoint.parquet") {
    out.kind = LogFileName::Kind::kClassicCheckpoint;
  } else if (rest.starts_with(".checkpoint.")) {
    std::string_view tail = rest.substr(12);  // after ".checkpoint."
    // o.p.parquet with 10-digit o and p, or <uuid>.{json,parquet}
    if (tail.size() == 10 + 1 + 10 + 8 && tail.ends_with(".parquet") && tail[10] == '.' &&
        AllDigits(tail.substr(0, 10)) && AllDigits(tail.substr(11, 10))) {
      out.kind = LogFileName::Kind::kMultiPartCheckpoint;
      out.part = static_cast<int>(ParseVersion(tail.substr(0, 10)));
      out.num_parts = static_cast<int>(ParseVersion(tail.substr(11, 10)));
      if (out.part < 1 || out.num_parts < 1 || out.part > out.num_parts) {
        out.kind = LogFileName::Kind::kOther;
      }
    } else if (tail.ends_with(".json") || tail.ends_with(".parquet")) {
      out.kind = LogFileName::Kind::kUuidCheckpoint;
    }
  } else if (rest.ends_with(".compacted.json")) {
    out.kind = LogFileName::Kind::kCompaction;
  }
  if (out.kind != LogFileName::Kind::kOther) out.version = version;
  return out;
}

std::string LastCheckpoint::ToJson() const {
  nlohmann::ordered_json j;
  j["version"] = version;
  j["size"] = size;
  if (parts) j["parts"] = *parts;
  if (size_in_bytes) j["sizeInBytes"] = *size_in_bytes;
  if (num_of_add_files) j["numOfAddFiles"] = *num_of_add_files;
  return j.dump();
}

Result<LastCheckpoint> LastCheckpoint::Parse(std::string_view text, std::string_view context) {
  auto j = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  std::string where = "delta: " + std::string(context);
  if (j.is_discarded() || !j.is_object()) {
    return Status::Corruption(where + ": not a JSON object");
  }
  internal::JsonObject o(j, where);
  LastCheckpoint lc;
  RETURN_IF_ERROR(o.Int64("version", &lc.version));
  if (lc.version < 0) return o.Error("version", "is negative");
  RETURN_IF_ERROR(o.Int64("size", &lc.size, /*required=*/false));
  RETURN_IF_ERROR(o.OptInt64("parts", &lc.parts));
  RETURN_IF_ERROR(o.OptInt64("sizeInBytes", &lc.size_in_bytes));
  if (!lc.size_in_bytes) {
    RETURN_IF_ERROR(o.OptInt64("size_in_bytes", &lc.size_in_bytes));  // older delta-rs
  }
  RETURN_IF_ERROR(o.OptInt64("numOfAddFiles", &lc.num_of_add_files));
  return lc;
}

LogStore::LogStore(std::shared_ptr<io::FileSystem> fs, std::string table_root)
    : fs_(std::move(fs)), root_(std::move(table_root)), log_dir_(root_ + "/_delta_log") {}

Result<std::shared_ptr<LogStore>> LogStore::Open(std::string_view table) {
  ASSIGN_OR_RETURN(std::string root, NormalizeTableRoot(table));
  ASSIGN_OR_RETURN(std::shared_ptr<io::FileSystem> fs, io::FileSystemForUri(root));
  return std::make_shared<LogStore>(std::move(fs), std::move(root));
}

std::string LogStore::LogPath(std::string_view file_name) const {
  return log_dir_ + "/" + std::string(file_name);
}

Result<LogListing> LogStore::List() const {
  std::string prefix = log_dir_ + "/";
  ASSIGN_OR_RETURN(std::vector<io::FileInfo> files, fs_->List(prefix));
  LogListing out;
  std::map<std::pair<int64_t, int>, CheckpointFiles> multipart;  // (version, parts)
  for (auto& f : files) {
    if (f.path.size() <= prefix.size() || f.path.compare(0, prefix.size(), prefix) != 0) continue;
    std::string_view name = std::string_view(f.path).substr(prefix.size());
    if (name.find('/') != std::string_view::npos) continue;  // _sidecars/, _staged_commits/
    LogFileName n = ParseLogFileName(name);
    switch (n.kind) {
      case LogFileName::Kind::kCommit:
        out.commits[n.version] = std::move(f);
        break;
      case LogFileName::Kind::kClassicCheckpoint: {
        CheckpointFiles c;
        c.version = n.version;
        c.parts.push_back(std::move(f));
        out.checkpoints.emplace(n.version, std::move(c));
        break;
      }
      case LogFileName::Kind::kUuidCheckpoint: {
        CheckpointFiles c;
        c.version = n.version;
        c.kind = CheckpointFiles::Kind::kUuid;
        c.parts.push_back(std::move(f));
        out.checkpoints.emplace(n.version, std::move(c));
        break;
      }
      case LogFileName::Kind::kMultiPartCheckpoint: {
        CheckpointFiles& c = multipart[{n.version, n.num_parts}];
        c.version = n.version;
        c.kind = CheckpointFiles::Kind::kMultiPart;
        c.num_parts = n.num_parts;
        c.parts.push_back(std::move(f));  // listing is sorted, so parts come in order
        break;
      }
      case LogFileName::Kind::kLastCheckpoint:
        out.has_last_checkpoint = true;
        break;
      default:
        break;
    }
  }
  for (auto& [key, c] : multipart) out.checkpoints.emplace(key.first, std::move(c));
  return out;
}

Result<std::optional<LastCheckpoint>> LogStore::ReadLastCheckpoint() const {
  std::string path = LogPath("_last_checkpoint");
  Result<std::string> text = fs_->ReadFile(path);
  if (!text.ok()) {
    if (text.status().IsNotFound()) return std::optional<LastCheckpoint>();
    return text.status();
  }
  ASSIGN_OR_RETURN(LastCheckpoint lc, LastCheckpoint::Parse(*text, path));
  return std::optional<LastCheckpoint>(lc);
}

Status LogStore::WriteLastCheckpoint(const LastCheckpoint& lc) const {
  return fs_->WriteFile(LogPath("_last_checkpoint"), lc.ToJson() + "\n");
}

Result<std::string> LogStore::ReadCommit(int64_t version) const {
  return fs_->ReadFile(LogPath(CommitFileName(version)));
}

Status LogStore::WriteCommit(int64_t version, std::string_view text) const {
  std::string path = LogPath(CommitFileName(version));
  Status s = fs_->PutIfAbsent(path, text);
  if (s.IsAlreadyExists()) {
    return Status::Conflict("delta: " + path + ": version " + std::to_string(version) +
                            " was committed by another writer");
  }
  return s;
}

}  // namespace lakestream::delta
