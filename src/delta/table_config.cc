#include "delta/table_config.h"

#include <cctype>
#include <charconv>
#include <string>

namespace lakestream::delta {

Result<int64_t> ParseIntervalMillis(std::string_view text) {
  auto bad = [&] {
    return Status::InvalidArgument("delta: \"" + std::string(text) + "\" is not an interval");
  };
  std::string s;
  for (char c : text) s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  std::string_view v = s;
  auto trim = [&] {
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
  };
  trim();
  if (v.starts_with("interval")) v.remove_prefix(8);
  trim();
  int64_t n = 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), n);
  if (r.ec != std::errc() || n < 0) return bad();
  v.remove_prefix(static_cast<size_t>(r.ptr - v.data()));
  trim();
  if (v.size() > 1 && v.back() == 's') v.remove_suffix(1);
  int64_t unit_us = 0;
  if (v == "microsecond")
    unit_us = 1;
  else if (v == "millisecond")
    unit_us = 1000;
  else if (v == "second")
    unit_us = 1000000;
  else if (v == "minute")
    unit_us = 60LL * 1000000;
  else if (v == "hour")
    unit_us = 3600LL * 1000000;
  else if (v == "day")
    unit_us = 86400LL * 1000000;
  else if (v == "week")
    unit_us = 7 * 86400LL * 1000000;
  else
    return bad();
  return n * unit_us / 1000;
}

namespace {
int64_t DurationOr(const Metadata& m, const char* key, int64_t fallback) {
  std::optional<std::string> v = m.Config(key);
  if (!v) return fallback;
  Result<int64_t> ms = ParseIntervalMillis(*v);
  return ms.ok() ? *ms : fallback;
}
}  // namespace

int64_t CheckpointInterval(const Metadata& m) {
  std::optional<std::string> v = m.Config("delta.checkpointInterval");
  int64_t n = 0;
  if (v && std::from_chars(v->data(), v->data() + v->size(), n).ec == std::errc() && n > 0) {
    return n;
  }
  return kDefaultCheckpointInterval;
}

int64_t LogRetentionMillis(const Metadata& m) {
  return DurationOr(m, "delta.logRetentionDuration", kDefaultLogRetentionMs);
}

int64_t DeletedFileRetentionMillis(const Metadata& m) {
  return DurationOr(m, "delta.deletedFileRetentionDuration", kDefaultDeletedFileRetentionMs);
}

StringMap MergeTableProperties() { return {{"delta.enableDeletionVectors", "true"}}; }

}  // namespace lakestream::delta
