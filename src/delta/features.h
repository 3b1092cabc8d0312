// Reader support: whether lakestream can read a table with a given protocol
// and metadata (PROTOCOL.md "Reader Version Requirements", "Table Features").
//
// Supported: reader versions 1-3; reader features timestampNtz and
// vacuumProtocolCheck; columnMapping only while delta.columnMapping.mode is
// "none". Everything else a table lists in readerFeatures (deletionVectors,
// v2Checkpoint, typeWidening, variantType, catalogManaged, unknown names)
// makes the table unreadable for us.
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

// The protocol a new table of `schema` needs (PROTOCOL.md "Timestamp without
// timezone (TimestampNtz)"): reader 1 / writer 2, or reader 3 / writer 7 with the
// timestampNtz reader and writer feature when any column, nested ones included,
// is timestamp_ntz (writer features then also appendOnly and invariants, which
// writer version 2 implied, as Spark lists them).
Protocol ProtocolForNewTable(const DeltaType& schema);

}  // namespace lakestream::delta
