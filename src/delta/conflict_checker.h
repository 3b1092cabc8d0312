// Conflict detection for optimistic concurrency (what Delta's
// ConflictChecker does): when our commit of version N loses the race, each
// winning commit between our read version and now is checked against what
// our transaction read and wrote. If none conflicts, the transaction is
// rebased onto the newest version and retried.
//
// Rules, in order:
//  - a winning protocol or metaData change conflicts with every transaction
//    (ProtocolChanged / MetadataChanged);
//  - a winning txn action for an appId we also set conflicts
//    (ConcurrentTransaction);
//  - a winning remove of a file we remove (ConcurrentDeleteDelete) or read
//    (ConcurrentDeleteRead) conflicts;
//  - a winning add with dataChange into what we read conflicts
//    (ConcurrentAppend): the whole table when we read it without a
//    predicate, or files our read predicate may match (partition values and
//    stats), unless we are a blind append (we read nothing).
// Concurrent blind appends therefore always commute.
//
// Thread-safety: pure function.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "delta/actions.h"
#include "delta/predicate.h"

namespace lakestream::delta {

// What a transaction read and wrote, as far as conflicts are concerned.
struct TransactionFootprint {
  bool read_whole_table = false;
  // Reads restricted to rows matching this predicate (ignored when
  // read_whole_table).
  std::optional<BoundPredicate> read_predicate;
  std::set<std::string> read_files;     // add.path of files read
  std::set<std::string> removed_files;  // remove.path of files we remove
  std::set<std::string> app_ids;        // txn appIds we set
  bool changes_metadata = false;        // we write metaData or protocol

  bool blind_append() const {
    return !read_whole_table && !read_predicate && read_files.empty() && removed_files.empty();
  }
};

// OK when the winning commit `version` (its actions) does not conflict with
// `ours`; Conflict naming the rule, the version and the file or appId
// otherwise.
Status CheckConflicts(const TransactionFootprint& ours, int64_t version,
                      const std::vector<Action>& winning, const std::string& table);

}  // namespace lakestream::delta
