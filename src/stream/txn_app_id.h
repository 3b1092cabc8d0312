// Txn appIds of a streaming pipeline: how the last Kafka offset committed per
// partition is recorded in a Delta table's txn actions (PROTOCOL.md
// "Transaction Identifiers"), and how a table written by an older lakestream
// is read.
//
// Format: "<pipeline_id>/<topic>/<partition>" with pipeline id and topic
// percent-encoded (common/percent_encode.h, '/' included), so no part holds
// the separator and two (pipeline, topic, partition) triples never share an
// appId. Example: "clickstream/clicks/3".
//
// Legacy format (written before): "<pipeline_id>-<topic>-<partition>". It is
// ambiguous ('-' may occur in both names: pipeline "a-b" + topic "c" and
// pipeline "a" + topic "b-c" collide), so it is only read, as a migration: a
// partition with no appId in the current format resumes from its legacy one,
// and every commit writes the current format from then on.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "delta/actions.h"

namespace lakestream::stream {

// The appId recording progress of one Kafka partition in a table.
std::string TxnAppId(const std::string& pipeline_id, const std::string& topic, int32_t partition);

// The appId the same partition had in the legacy format.
std::string LegacyTxnAppId(const std::string& pipeline_id, const std::string& topic,
                           int32_t partition);

// A table's txn version for an appId (Snapshot/Transaction::TransactionVersion).
using TxnVersionLookup = std::function<std::optional<int64_t>(const std::string& app_id)>;

// The partition's committed offset: the version of its current appId, else
// of its legacy appId, else nullopt (the partition never committed).
std::optional<int64_t> PartitionTxnVersion(const TxnVersionLookup& lookup,
                                           const std::string& pipeline_id,
                                           const std::string& topic, int32_t partition);

// The partition an appId of (pipeline_id, topic) names, in the current or
// the legacy format; nullopt for any other appId.
std::optional<int32_t> TxnAppIdPartition(const std::string& app_id, const std::string& pipeline_id,
                                         const std::string& topic);

// Every partition of (pipeline_id, topic) holding a txn in `txns` (a
// snapshot's transactions()), with its version as PartitionTxnVersion reads it.
std::map<int32_t, int64_t> PartitionTxnVersions(
    const std::map<std::string, delta::SetTransaction>& txns, const std::string& pipeline_id,
    const std::string& topic);

}  // namespace lakestream::stream
