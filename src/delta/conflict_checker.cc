#include "delta/conflict_checker.h"

namespace lakestream::delta {

Status CheckConflicts(const TransactionFootprint& ours, int64_t version,
                      const std::vector<Action>& winning, const std::string& table) {
  auto conflict = [&](const std::string& what) {
    return Status::Conflict("delta: " + table + ": concurrent commit " + std::to_string(version) +
                            ": " + what);
  };
  for (const Action& a : winning) {
    if (std::holds_alternative<Protocol>(a)) return conflict("protocol changed (ProtocolChanged)");
    if (std::holds_alternative<Metadata>(a)) return conflict("metadata changed (MetadataChanged)");
    if (const auto* t = std::get_if<SetTransaction>(&a)) {
      if (ours.app_ids.count(t->app_id)) {
        return conflict("txn for appId " + t->app_id + " (ConcurrentTransaction)");
      }
    }
    if (const auto* r = std::get_if<RemoveFile>(&a)) {
      if (ours.removed_files.count(r->path)) {
        return conflict("both removed " + r->path + " (ConcurrentDeleteDelete)");
      }
      if (ours.read_files.count(r->path)) {
        return conflict("removed " + r->path + ", which we read (ConcurrentDeleteRead)");
      }
    }
    if (const auto* add = std::get_if<AddFile>(&a)) {
      if (!add->data_change || ours.blind_append()) continue;
      if (ours.read_whole_table) {
        return conflict("added " + add->path + " to a table we read (ConcurrentAppend)");
      }
      if (ours.read_predicate && ours.read_predicate->EvalFile(*add) != Tri::kFalse) {
        return conflict("added " + add->path + ", which may match our predicate " +
                        ours.read_predicate->expr().ToString() + " (ConcurrentAppend)");
      }
    }
  }
  return Status::OK();
}

}  // namespace lakestream::delta
