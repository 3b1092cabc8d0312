// LogReplay: PROTOCOL.md "Action Reconciliation". Actions are applied in
// log order (checkpoint first, then commits by ascending version) and the
// result is a table state: the latest protocol and metadata, the newest
// action per logical file (path, deletion vector id) split into live files
// and tombstones, the latest txn version per appId, and domain metadata
// (removed domains dropped).
//
// Thread-safety: single-threaded. Ownership: holds everything by value.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "common/status.h"
#include "delta/actions.h"

namespace lakestream::delta {

class LogReplay {
 public:
  // Applies one action read from commit `version` (or from the checkpoint
  // at that version). commitInfo, cdc and v2 checkpoint actions do not
  // change the state.
  void Apply(Action&& action);

  const std::optional<Protocol>& protocol() const { return protocol_; }
  const std::optional<Metadata>& metadata() const { return metadata_; }
  std::map<FileKey, AddFile>& files() { return files_; }
  std::map<FileKey, RemoveFile>& tombstones() { return tombstones_; }
  std::map<std::string, SetTransaction>& transactions() { return txns_; }
  std::map<std::string, DomainMetadata>& domains() { return domains_; }

 private:
  std::optional<Protocol> protocol_;
  std::optional<Metadata> metadata_;
  std::map<FileKey, AddFile> files_;
  std::map<FileKey, RemoveFile> tombstones_;
  std::map<std::string, SetTransaction> txns_;
  std::map<std::string, DomainMetadata> domains_;
};

}  // namespace lakestream::delta
