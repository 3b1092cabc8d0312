// Reader and writer support: whether lakestream can read, and whether it
// may write, a table with a given protocol and metadata (PROTOCOL.md
// "Reader Version Requirements", "Writer Version Requirements", "Table
// Features").
//
// Reading: reader versions 1-3; reader features timestampNtz,
// deletionVectors, vacuumProtocolCheck, columnMapping (modes none, id and
// name: delta/column_mapping.h), v2Checkpoint (delta/checkpoint_reader.h)
// and typeWidening (older files' values converted: delta/type_widening.h; a
// schema whose delta.typeChanges lists an unsupported change is refused).
// Everything else a table lists in readerFeatures (variantType,
// catalogManaged, unknown names) makes the table unreadable for us.
//
// Writing needs reading, plus every writer feature honoured. Honoured
// always: timestampNtz, deletionVectors (rewrites drop deleted rows, removes
// carry the descriptor; new DVs only with delta.enableDeletionVectors =
// true: DeletionVectorsEnabled), vacuumProtocolCheck (vacuum
// checks write support), domainMetadata (never dropped: we write none),
// v2Checkpoint (we write classic V1 checkpoints, which PROTOCOL.md always
// allows, and refuse multi-part ones on such tables; log cleanup never deletes
// _sidecars), columnMapping (modes none, id and name: data files by physical
// names with field ids, stats and partition values by physical names,
// delta/column_mapping_writer.h), typeWidening (we never change a column's
// type, new files are written in the current type, and schema updates keep
// field metadata, so delta.typeChanges stays), inCommitTimestamp (each
// commit's commitInfo, first in the commit, carries inCommitTimestamp: later
// than the previous commit's by at least 1 ms, re-derived when a commit is
// retried at a later version; turning it on for an existing table records
// the enablement version and timestamp: delta/transaction.cc).
// Honoured while not active (the feature is listed, or implied by a legacy
// writer version, but its table property or column metadata is unset):
// appendOnly (delta.appendOnly), invariants (delta.invariants),
// checkConstraints (delta.constraints.*), changeDataFeed
// (delta.enableChangeDataFeed), generatedColumns
// (delta.generationExpression), identityColumns (delta.identity.*). Every
// other writer feature (rowTracking, clustering, icebergCompat*, unknown
// names) refuses writes.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "delta/actions.h"
#include "delta/schema.h"

namespace lakestream::delta {

// The reader features of `protocol` (and implied ones of reader version 2)
// that we do not support, in the order the table lists them.
std::vector<std::string> UnsupportedReaderFeatures(const Protocol& protocol,
                                                   const Metadata& metadata);

// OK, or NotSupported naming the table (`context`) and every unsupported
// reader feature or version.
Status CheckReadSupported(const Protocol& protocol, const Metadata& metadata,
                          const std::string& context);

// The writer features (listed, or implied by a legacy writer version) that
// we cannot honour on a write to this table, each with why when it is only
// refused while active ("appendOnly (delta.appendOnly = true)").
std::vector<std::string> UnsupportedWriterFeatures(const Protocol& protocol,
                                                   const Metadata& metadata);

// OK, or NotSupported naming the table (`context`) and every reader or
// writer feature or version that forbids writing it.
Status CheckWriteSupported(const Protocol& protocol, const Metadata& metadata,
                           const std::string& context);

// The protocol a new table of `schema` needs (PROTOCOL.md "Timestamp without
// timezone (TimestampNtz)"): reader 1 / writer 2, or reader 3 / writer 7 with the
// timestampNtz reader and writer feature when any column, nested ones included,
// is timestamp_ntz (writer features then also appendOnly and invariants, which
// writer version 2 implied, as Spark lists them). With
// delta.enableDeletionVectors = true in `configuration`, reader 3 / writer 7
// with deletionVectors too (PROTOCOL.md "Deletion Vectors"). With
// delta.columnMapping.mode = name or id, column mapping too: reader 2 /
// writer 5, or the columnMapping feature on a 3 / 7 protocol. With
// delta.enableInCommitTimestamps = true, writer 7 with the inCommitTimestamp
// writer feature (the reader version stays 1 unless another feature needs 3).
Protocol ProtocolForNewTable(const DeltaType& schema, const StringMap& configuration = {});

// The table property that turns in-commit timestamps on, and the two that
// record when they were turned on for a table that had commits before
// (PROTOCOL.md "In-Commit Timestamps").
inline constexpr const char* kEnableInCommitTimestampsKey = "delta.enableInCommitTimestamps";
inline constexpr const char* kInCommitTimestampEnablementVersionKey =
    "delta.inCommitTimestampEnablementVersion";
inline constexpr const char* kInCommitTimestampEnablementTimestampKey =
    "delta.inCommitTimestampEnablementTimestamp";

// Sets the table properties lakestream gives every table it creates unless
// the caller set them: delta.enableInCommitTimestamps = true (commit times
// that never go back, so time travel by timestamp holds where file times
// are not commit times: copied tables, object stores, skewed clocks). The
// table is then writer version 7 with the writer-only inCommitTimestamp
// feature, which every reader may ignore; "false" opts out (writers that do
// not know the feature, delta-rs 1.6.6 among them, refuse to write such a
// table: docs/interop.md).
void AddNewTableDefaults(StringMap* configuration);

// `protocol` with writer feature `feature` listed. A legacy writer version
// (below 7) becomes 7 and lists every feature it implied, since an upgraded
// table must be assumed to use them (PROTOCOL.md "Table Features for New and
// Existing Tables"); reader version and reader features stay as they are.
Protocol WithWriterFeature(Protocol protocol, const std::string& feature);

// Whether writers may write deletion vectors to this table: the feature is
// supported and delta.enableDeletionVectors is "true".
bool DeletionVectorsEnabled(const Protocol& protocol, const Metadata& metadata);

// Whether commits of a table at this protocol and metadata carry in-commit
// timestamps: delta.enableInCommitTimestamps = true and the
// inCommitTimestamp writer feature listed (PROTOCOL.md "In-Commit
// Timestamps").
bool InCommitTimestampsEnabled(const Protocol& protocol, const Metadata& metadata);

}  // namespace lakestream::delta
