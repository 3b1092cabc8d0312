#include "delta/table_properties.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "delta/change_data.h"
#include "delta/features.h"
#include "delta/snapshot.h"

namespace lakestream::delta {
namespace {

void AddFeature(std::optional<std::vector<std::string>>* list, const std::string& f) {
  if (!*list) list->emplace();
  if (std::find((*list)->begin(), (*list)->end(), f) == (*list)->end()) (*list)->push_back(f);
}

}  // namespace

Protocol ProtocolForProperties(const Protocol& protocol, const StringMap& configuration) {
  Protocol p = protocol;
  Metadata m;
  m.configuration = configuration;
  auto dv = configuration.find("delta.enableDeletionVectors");
  if (dv != configuration.end() && dv->second == "true" && !p.HasWriterFeature("deletionVectors")) {
    if (p.min_writer_version < 7) {
      // The legacy versions' implied writer features, listed as writer 7 needs them.
      p.writer_features = LegacyWriterFeatures(p.min_writer_version);
      p.min_writer_version = 7;
    }
    if (p.min_reader_version < 3) {
      p.reader_features.emplace();
      if (protocol.min_reader_version == 2) p.reader_features->push_back("columnMapping");
      p.min_reader_version = 3;
    }
    AddFeature(&p.reader_features, "deletionVectors");
    AddFeature(&p.writer_features, "deletionVectors");
  }
  if (ChangeDataFeedEnabled(m)) {
    if (p.min_writer_version >= 7) {
      AddFeature(&p.writer_features, "changeDataFeed");
    } else {
      p.min_writer_version = std::max(p.min_writer_version, 4);
    }
  }
  return p;
}

Result<CommitResult> SetTableProperties(std::shared_ptr<LogStore> store,
                                        const StringMap& properties,
                                        const CommitOptions& commit) {
  const std::string& root = store->table_root();
  for (const auto& [k, v] : properties) {
    if (k.empty()) return Status::InvalidArgument("delta: " + root + ": empty property name");
    if (k == "delta.columnMapping.mode") {
      return Status::InvalidArgument("delta: " + root +
                                     ": delta.columnMapping.mode is set by SetColumnMappingMode");
    }
  }
  ASSIGN_OR_RETURN(auto snap, Snapshot::Load(store));
  RETURN_IF_ERROR(CheckWriteSupported(snap->protocol(), snap->metadata(), root));
  Metadata m = snap->metadata();
  for (const auto& [k, v] : properties) m.configuration[k] = v;
  Protocol p = ProtocolForProperties(snap->protocol(), m.configuration);
  RETURN_IF_ERROR(CheckWriteSupported(p, m, root));
  Transaction txn(store, snap, commit);
  if (!(p == snap->protocol())) txn.SetProtocol(p);
  txn.SetMetadata(std::move(m));
  txn.SetOperation("SET TBLPROPERTIES", {{"properties", nlohmann::json(properties).dump()}});
  return txn.Commit();
}

}  // namespace lakestream::delta
