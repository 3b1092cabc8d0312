// Delta Lake log actions (PROTOCOL.md "Actions") as plain C++ values, and
// their JSON form: one commit file `_delta_log/<version>.json` is a list of
// actions, one JSON object per line.
//
// Paths in add/remove/cdc actions are kept exactly as the log spells them
// (URI-encoded, RFC 2396); that text is the file's identity. Decode it with
// DecodeUriPath (delta/uri.h) only when resolving the file in storage.
//
// Unknown action kinds and unknown fields are ignored when reading, as the
// protocol asks; fields we know but which have the wrong JSON type are
// Corruption.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"

namespace lakestream::delta {

using StringMap = std::map<std::string, std::string>;
// Partition column -> serialized value; nullopt is a null partition value.
using PartitionValues = std::map<std::string, std::optional<std::string>>;

struct Protocol {
  int32_t min_reader_version = 1;
  int32_t min_writer_version = 2;
  // Present only with reader version 3 / writer version 7.
  std::optional<std::vector<std::string>> reader_features;
  std::optional<std::vector<std::string>> writer_features;

  bool HasReaderFeature(std::string_view f) const;
  bool HasWriterFeature(std::string_view f) const;
  bool operator==(const Protocol&) const = default;
};

struct Format {
  std::string provider = "parquet";
  StringMap options;
  bool operator==(const Format&) const = default;
};

struct Metadata {
  std::string id;
  std::optional<std::string> name;
  std::optional<std::string> description;
  Format format;
  std::string schema_string;  // Spark StructType JSON; see delta/schema.h
  std::vector<std::string> partition_columns;
  StringMap configuration;
  std::optional<int64_t> created_time;  // ms since the epoch

  // configuration[key], or nullopt.
  std::optional<std::string> Config(const std::string& key) const;
  bool operator==(const Metadata&) const = default;
};

// PROTOCOL.md "Deletion Vector Descriptor Schema".
struct DeletionVector {
  std::string storage_type;  // "u", "i" or "p"
  std::string path_or_inline_dv;
  std::optional<int32_t> offset;
  int32_t size_in_bytes = 0;
  int64_t cardinality = 0;
  std::optional<int64_t> max_row_index;

  // "<storageType><pathOrInlineDv>[@<offset>]": identifies the DV of a file.
  std::string UniqueId() const;
  bool operator==(const DeletionVector&) const = default;
};

struct AddFile {
  std::string path;  // URI-encoded, relative to the table root or absolute
  PartitionValues partition_values;
  int64_t size = 0;
  int64_t modification_time = 0;  // ms since the epoch
  bool data_change = true;
  std::optional<std::string> stats;  // JSON text, PROTOCOL.md "Per-file Statistics"
  std::optional<StringMap> tags;
  std::optional<DeletionVector> deletion_vector;
  std::optional<int64_t> base_row_id;
  std::optional<int64_t> default_row_commit_version;
  std::optional<std::string> clustering_provider;

  // numRecords from the stats, if they have it.
  std::optional<int64_t> NumRecords() const;
  // The rows a reader sees: numRecords less the deletion vector's
  // cardinality, if the stats have numRecords.
  std::optional<int64_t> LiveRecords() const;
  bool operator==(const AddFile&) const = default;
};

struct RemoveFile {
  std::string path;
  std::optional<int64_t> deletion_timestamp;  // ms since the epoch
  bool data_change = true;
  std::optional<bool> extended_file_metadata;
  std::optional<PartitionValues> partition_values;
  std::optional<int64_t> size;
  std::optional<std::string> stats;
  std::optional<StringMap> tags;
  std::optional<DeletionVector> deletion_vector;
  std::optional<int64_t> base_row_id;
  std::optional<int64_t> default_row_commit_version;
  bool operator==(const RemoveFile&) const = default;
};

// `txn`: an application's progress marker (idempotent writes).
struct SetTransaction {
  std::string app_id;
  int64_t version = 0;
  std::optional<int64_t> last_updated;
  bool operator==(const SetTransaction&) const = default;
};

// `commitInfo`: free-form provenance. `json` is the whole object as it was
// read (or will be written); the typed fields are parsed from it.
struct CommitInfo {
  std::string json = "{}";
  std::optional<int64_t> timestamp;
  std::optional<int64_t> in_commit_timestamp;
  std::optional<std::string> operation;
  // Values that are not JSON strings are kept as their JSON text.
  StringMap operation_parameters;
  bool operator==(const CommitInfo&) const = default;
};

struct DomainMetadata {
  std::string domain;
  std::string configuration;
  bool removed = false;
  bool operator==(const DomainMetadata&) const = default;
};

// `cdc`: change data files; not part of a snapshot.
struct AddCdcFile {
  std::string path;
  PartitionValues partition_values;
  int64_t size = 0;
  bool data_change = false;
  std::optional<StringMap> tags;
  bool operator==(const AddCdcFile&) const = default;
};

// V2 checkpoint actions (PROTOCOL.md "Checkpoint Metadata", "Sidecar File
// Information"): only in checkpoints; delta/checkpoint_reader.cc consumes them.
struct CheckpointMetadataAction {
  int64_t version = 0;
  bool operator==(const CheckpointMetadataAction&) const = default;
};
struct SidecarAction {
  std::string path;
  bool operator==(const SidecarAction&) const = default;
};

using Action = std::variant<AddFile, RemoveFile, Metadata, Protocol, SetTransaction, CommitInfo,
                            DomainMetadata, AddCdcFile, CheckpointMetadataAction, SidecarAction>;

// The key of a logical file: (path, deletion vector unique id or "").
struct FileKey {
  std::string path;
  std::string dv_id;
  auto operator<=>(const FileKey&) const = default;
};
FileKey KeyOf(const AddFile& a);
FileKey KeyOf(const RemoveFile& r);

// Parses one commit file (newline-delimited actions; blank lines are
// skipped). `context` names the file in error messages: Corruption
// "delta: <context>: line N: ..." for malformed JSON, a line that is not an
// object, or a known field of the wrong type; Corruption for a file without
// any action (empty or blank: a commit always holds one).
Result<std::vector<Action>> ParseCommit(std::string_view text, std::string_view context);
// Parses one line holding one action. Returns nullopt for an action kind we
// do not know (ignored, as the protocol asks).
Result<std::optional<Action>> ParseAction(std::string_view line);

// One action as a single-line JSON object ({"add":{...}}), no newline.
std::string SerializeAction(const Action& action);
// A whole commit file: one action per line, each ending in '\n'.
std::string SerializeCommit(const std::vector<Action>& actions);

// The action's key in the log ("add", "metaData", ...).
std::string_view ActionName(const Action& action);

}  // namespace lakestream::delta
