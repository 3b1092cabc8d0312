#include "delta/features.h"

#include <algorithm>

#include "delta/column_mapping_writer.h"

#include <nlohmann/json.hpp>

#include "delta/type_widening.h"

namespace lakestream::delta {
namespace {

// typeWidening, or its name while in preview (Delta 3.x wrote both).
bool IsTypeWidening(const std::string& f) {
  return f == "typeWidening" || f == "typeWidening-preview";
}

// Whether any field's metadata, nested fields included, has a key `key` (or,
// with `prefix`, a key starting with it).
bool AnyFieldMetadata(const DeltaType& t, const std::string& key, bool prefix) {
  for (const auto& f : t.fields) {
    nlohmann::json j = nlohmann::json::parse(f.metadata_json, nullptr, false);
    if (j.is_object()) {
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (prefix ? it.key().rfind(key, 0) == 0 : it.key() == key) return true;
      }
    }
    if (AnyFieldMetadata(f.type, key, prefix)) return true;
  }
  for (const auto& c : t.children) {
    if (AnyFieldMetadata(c, key, prefix)) return true;
  }
  return false;
}

// Why a writer feature we honour only while inactive is active, or "".
std::string ActiveReason(const std::string& f, const Metadata& m, const DeltaType* schema) {
  auto is_true = [&](const char* k) {
    std::optional<std::string> v = m.Config(k);
    return v && (*v == "true" || *v == "TRUE" || *v == "True");
  };
  if (f == "appendOnly") return is_true("delta.appendOnly") ? "delta.appendOnly = true" : "";
  if (f == "changeDataFeed") {
    return is_true("delta.enableChangeDataFeed") ? "delta.enableChangeDataFeed = true" : "";
  }
  if (f == "checkConstraints") {
    for (const auto& [k, v] : m.configuration) {
      if (k.rfind("delta.constraints.", 0) == 0) return k;
    }
    return "";
  }
  if (schema == nullptr) return "";
  if (f == "invariants" && AnyFieldMetadata(*schema, "delta.invariants", false)) {
    return "delta.invariants";
  }
  if (f == "generatedColumns" && AnyFieldMetadata(*schema, "delta.generationExpression", false)) {
    return "delta.generationExpression";
  }
  if (f == "identityColumns" && AnyFieldMetadata(*schema, "delta.identity.", true)) {
    return "delta.identity";
  }
  return "";
}

// "a, b, c".
std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

// The writer features a legacy writer version (below 7) implies.
std::vector<std::string> LegacyWriterFeatures(int32_t version) {
  std::vector<std::string> out;
  if (version >= 2) out.insert(out.end(), {"appendOnly", "invariants"});
  if (version >= 3) out.push_back("checkConstraints");
  if (version >= 4) out.insert(out.end(), {"changeDataFeed", "generatedColumns"});
  if (version >= 5) out.push_back("columnMapping");
  if (version >= 6) out.push_back("identityColumns");
  return out;
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

namespace {

// ProtocolForNewTable without column mapping.
Protocol ProtocolWithoutColumnMapping(const DeltaType& schema, const StringMap& configuration) {
  Protocol p;
  auto is_true = [&](const char* key) {
    auto it = configuration.find(key);
    return it != configuration.end() && it->second == "true";
  };
  const bool ntz = HasTimestampNtz(schema);
  const bool dvs = is_true("delta.enableDeletionVectors");
  const bool ict = is_true(kEnableInCommitTimestampsKey);
  if (!ntz && !dvs && !ict) return p;
  p.min_writer_version = 7;
  // Writer version 7 lists every feature in use, the legacy ones writer version 2 implied
  // too: Spark refuses a table with a NOT NULL column whose features lack "invariants".
  p.writer_features = std::vector<std::string>{"appendOnly", "invariants"};
  if (ntz || dvs) {
    p.min_reader_version = 3;
    p.reader_features.emplace();
  }
  for (const char* f : {"timestampNtz", "deletionVectors"}) {
    if (std::string_view(f) == "timestampNtz" ? ntz : dvs) {
      p.reader_features->push_back(f);
      p.writer_features->push_back(f);
    }
  }
  if (ict) p.writer_features->push_back("inCommitTimestamp");  // a writer-only feature
  return p;
}

}  // namespace

Protocol ProtocolForNewTable(const DeltaType& schema, const StringMap& configuration) {
  Protocol p = ProtocolWithoutColumnMapping(schema, configuration);
  auto mode = configuration.find(kColumnMappingModeKey);
  if (mode == configuration.end()) return p;
  Result<ColumnMappingMode> m = ParseColumnMappingMode(mode->second, "");
  return m.ok() && *m != ColumnMappingMode::kNone ? WithColumnMapping(std::move(p)) : p;
}

void AddNewTableDefaults(StringMap* configuration) {
  configuration->emplace(kEnableInCommitTimestampsKey, "true");
}

Protocol WithWriterFeature(Protocol protocol, const std::string& feature) {
  if (protocol.min_writer_version < 7 || !protocol.writer_features) {
    protocol.writer_features = LegacyWriterFeatures(protocol.min_writer_version);
    protocol.min_writer_version = 7;
  }
  std::vector<std::string>& listed = *protocol.writer_features;
  if (std::find(listed.begin(), listed.end(), feature) == listed.end()) listed.push_back(feature);
  return protocol;
}

bool DeletionVectorsEnabled(const Protocol& protocol, const Metadata& metadata) {
  std::optional<std::string> on = metadata.Config("delta.enableDeletionVectors");
  return on && *on == "true" && protocol.HasReaderFeature("deletionVectors") &&
         protocol.HasWriterFeature("deletionVectors");
}

bool InCommitTimestampsEnabled(const Protocol& protocol, const Metadata& metadata) {
  std::optional<std::string> on = metadata.Config(kEnableInCommitTimestampsKey);
  return on && *on == "true" && protocol.HasWriterFeature("inCommitTimestamp");
}

std::vector<std::string> UnsupportedReaderFeatures(const Protocol& protocol,
                                                   const Metadata& /*metadata*/) {
  std::vector<std::string> out;
  if (protocol.min_reader_version >= 3 && protocol.reader_features) {
    for (const auto& f : *protocol.reader_features) {
      if (f == "timestampNtz" || f == "vacuumProtocolCheck" || f == "deletionVectors" ||
          f == "columnMapping" || f == "v2Checkpoint" || IsTypeWidening(f)) {
        continue;
      }
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
  if (missing.empty()) {
    bool widened = protocol.min_reader_version >= 3 && protocol.reader_features &&
                   std::any_of(protocol.reader_features->begin(),
                               protocol.reader_features->end(), IsTypeWidening);
    if (!widened) return Status::OK();
    ASSIGN_OR_RETURN(DeltaType schema, ParseSchemaString(metadata.schema_string));
    return CheckTypeChanges(schema, context);
  }
  return Status::NotSupported("delta: " + context +
                              ": reader features not supported: " + JoinNames(missing));
}

std::vector<std::string> UnsupportedWriterFeatures(const Protocol& protocol,
                                                   const Metadata& metadata) {
  std::vector<std::string> listed = protocol.min_writer_version >= 7 && protocol.writer_features
                                        ? *protocol.writer_features
                                        : LegacyWriterFeatures(protocol.min_writer_version);
  Result<DeltaType> schema = ParseSchemaString(metadata.schema_string);
  const DeltaType* s = schema.ok() ? &*schema : nullptr;
  std::vector<std::string> out;
  for (const auto& f : listed) {
    if (f == "timestampNtz" || f == "deletionVectors" || f == "vacuumProtocolCheck" ||
        f == "domainMetadata" || f == "v2Checkpoint" || f == "columnMapping" ||
        f == "inCommitTimestamp" || IsTypeWidening(f)) {
      continue;
    }
    if (f == "appendOnly" || f == "invariants" || f == "checkConstraints" ||
        f == "changeDataFeed" || f == "generatedColumns" || f == "identityColumns") {
      std::string why = ActiveReason(f, metadata, s);
      if (!why.empty()) out.push_back(f + " (" + why + ")");
      continue;
    }
    out.push_back(f);
  }
  return out;
}

Status CheckWriteSupported(const Protocol& protocol, const Metadata& metadata,
                           const std::string& context) {
  Status readable = CheckReadSupported(protocol, metadata, context);
  if (!readable.ok()) return readable;
  if (protocol.min_writer_version > 7 || protocol.min_writer_version < 1) {
    return Status::NotSupported("delta: " + context + ": writer version " +
                                std::to_string(protocol.min_writer_version) +
                                " (we write 1 to 7)");
  }
  std::vector<std::string> missing = UnsupportedWriterFeatures(protocol, metadata);
  if (missing.empty()) return Status::OK();
  return Status::NotSupported("delta: " + context +
                              ": writer features not supported: " + JoinNames(missing));
}

}  // namespace lakestream::delta
