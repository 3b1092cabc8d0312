#include "delta/features.h"

namespace lakestream::delta {
namespace {

bool ColumnMappingActive(const Metadata& m) {
  std::optional<std::string> mode = m.Config("delta.columnMapping.mode");
  return mode && *mode != "none";
}

bool HasTimestampNtz(const DeltaType& t) {
  if (t.kind == DeltaType::Kind::kTimestampNtz) return true;
  for (const auto& f : t.fields) {
    if (HasTimestampNtz(f.type)) return true;
  }
  for (const auto& c : t.children) {
    if (HasTimestampNtz(c)) return true;
  }
  return false;
}

}  // namespace

Protocol ProtocolForNewTable(const DeltaType& schema) {
  Protocol p;
  if (HasTimestampNtz(schema)) {
    p.min_reader_version = 3;
    p.min_writer_version = 7;
    p.reader_features = std::vector<std::string>{"timestampNtz"};
    // Writer version 7 lists every feature in use, the legacy ones writer version 2 implied
    // too: Spark refuses a table with a NOT NULL column whose features lack "invariants".
    p.writer_features = std::vector<std::string>{"appendOnly", "invariants", "timestampNtz"};
  }
  return p;
}

std::vector<std::string> UnsupportedReaderFeatures(const Protocol& protocol,
                                                   const Metadata& metadata) {
  std::vector<std::string> out;
  if (protocol.min_reader_version == 2 && ColumnMappingActive(metadata)) {
    out.push_back("columnMapping");
  }
  if (protocol.min_reader_version >= 3 && protocol.reader_features) {
    for (const auto& f : *protocol.reader_features) {
      if (f == "timestampNtz" || f == "vacuumProtocolCheck") continue;
      if (f == "columnMapping" && !ColumnMappingActive(metadata)) continue;
      out.push_back(f);
    }
  }
  return out;
}

Status CheckReadSupported(const Protocol& protocol, const Metadata& metadata,
                          const std::string& context) {
  if (protocol.min_reader_version > 3 || protocol.min_reader_version < 1) {
    return Status::NotSupported("delta: " + context + ": reader version " +
                                std::to_string(protocol.min_reader_version) +
                                " (we support 1 to 3)");
  }
  std::vector<std::string> missing = UnsupportedReaderFeatures(protocol, metadata);
  if (missing.empty()) return Status::OK();
  std::string names;
  for (const auto& f : missing) {
    if (!names.empty()) names += ", ";
    names += f;
  }
  return Status::NotSupported("delta: " + context + ": reader features not supported: " + names);
}

}  // namespace lakestream::delta
