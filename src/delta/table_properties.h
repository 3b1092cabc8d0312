// Setting table properties on an existing table (Spark's ALTER TABLE ... SET
// TBLPROPERTIES): one commit with a metaData action whose configuration has
// the new values, and, where a property needs a table feature, the protocol
// upgraded as Spark upgrades it:
//   delta.enableChangeDataFeed = true   writer version 4, or the
//                                       changeDataFeed writer feature on a
//                                       writer 7 protocol;
//   delta.enableDeletionVectors = true  reader 3 / writer 7 with the
//                                       deletionVectors reader and writer
//                                       feature (a legacy protocol's implied
//                                       writer features listed explicitly).
// The table must be writable by us (delta/features.h) before and after.
//
// Thread-safety: functions; the commit is an optimistic transaction that
// conflicts with concurrent metadata changes (delta/transaction.h).
#pragma once

#include <memory>

#include "common/status.h"
#include "delta/actions.h"
#include "delta/log_store.h"
#include "delta/transaction.h"

namespace lakestream::delta {

// `protocol` with what `configuration` needs (see above); unchanged when it
// already has it.
Protocol ProtocolForProperties(const Protocol& protocol, const StringMap& configuration);

// Commits `properties` into the table's configuration (existing keys are
// replaced). InvalidArgument for an empty key or for "delta.columnMapping.mode"
// (SetColumnMappingMode, delta/alter.h, turns that on); NotFound without a
// table; NotSupported when the table is not writable.
Result<CommitResult> SetTableProperties(std::shared_ptr<LogStore> store,
                                        const StringMap& properties,
                                        const CommitOptions& commit = {});

}  // namespace lakestream::delta
