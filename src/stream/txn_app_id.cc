#include "stream/txn_app_id.h"

#include <charconv>
#include <string_view>

#include "common/percent_encode.h"

namespace lakestream::stream {
namespace {

// The partition number `app` holds after `prefix`, or nullopt.
std::optional<int32_t> PartitionAfter(const std::string& app, const std::string& prefix) {
  if (app.size() <= prefix.size() || app.compare(0, prefix.size(), prefix) != 0) {
    return std::nullopt;
  }
  const char* b = app.data() + prefix.size();
  const char* e = app.data() + app.size();
  int32_t p = -1;
  auto [ptr, ec] = std::from_chars(b, e, p);
  if (ec != std::errc() || ptr != e || p < 0) return std::nullopt;
  return p;
}

std::string Prefix(const std::string& pipeline_id, const std::string& topic) {
  return PercentEncode(pipeline_id) + "/" + PercentEncode(topic) + "/";
}

std::string LegacyPrefix(const std::string& pipeline_id, const std::string& topic) {
  return pipeline_id + "-" + topic + "-";
}

}  // namespace

std::string TxnAppId(const std::string& pipeline_id, const std::string& topic,
                     int32_t partition) {
  return Prefix(pipeline_id, topic) + std::to_string(partition);
}

std::string LegacyTxnAppId(const std::string& pipeline_id, const std::string& topic,
                           int32_t partition) {
  return LegacyPrefix(pipeline_id, topic) + std::to_string(partition);
}

std::optional<int64_t> PartitionTxnVersion(const TxnVersionLookup& lookup,
                                           const std::string& pipeline_id,
                                           const std::string& topic, int32_t partition) {
  std::optional<int64_t> v = lookup(TxnAppId(pipeline_id, topic, partition));
  if (v) return v;
  return lookup(LegacyTxnAppId(pipeline_id, topic, partition));
}

std::optional<int32_t> TxnAppIdPartition(const std::string& app_id, const std::string& pipeline_id,
                                         const std::string& topic) {
  std::optional<int32_t> p = PartitionAfter(app_id, Prefix(pipeline_id, topic));
  return p ? p : PartitionAfter(app_id, LegacyPrefix(pipeline_id, topic));
}

std::map<int32_t, int64_t> PartitionTxnVersions(
    const std::map<std::string, delta::SetTransaction>& txns, const std::string& pipeline_id,
    const std::string& topic) {
  const std::string prefix = Prefix(pipeline_id, topic);
  const std::string legacy = LegacyPrefix(pipeline_id, topic);
  std::map<int32_t, int64_t> current, old;
  for (const auto& [app, t] : txns) {
    if (std::optional<int32_t> p = PartitionAfter(app, prefix)) {
      current[*p] = t.version;
    } else if (std::optional<int32_t> lp = PartitionAfter(app, legacy)) {
      old[*lp] = t.version;
    }
  }
  for (const auto& [p, v] : old) current.emplace(p, v);  // the current format wins
  return current;
}

}  // namespace lakestream::stream
