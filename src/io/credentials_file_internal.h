// Private to io/credentials.cc: the secrets files, parsed. The format is
// specified in docs/credentials.md (and summarized in io/credentials.h).
//
// Thread-safety: pure functions over values. Ownership: plain values.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "io/credentials.h"
#include "io/file_system.h"

namespace lakestream::io {

// One top-level entry of a secrets file.
struct SecretsEntry {
  std::string file;  // the path it was read from
  std::string name;  // its key
  int line = 0;      // 1-based line of its key
  bool is_string = false;
  std::string value;  // a single secret (is_string)
  std::string type;   // a credential: its type and fields
  std::map<std::string, std::string> fields;
  // "secrets file F: entry NAME (line N)"; never a value.
  std::string Where() const;
};

// Every secrets file that is configured, read and checked.
struct SecretsFiles {
  std::vector<SecretsEntry> entries;  // the first file's entries first
  std::vector<std::string> looked;    // "secrets file F" or "LAKESTREAM_SECRETS_FILE unset"
  // The first entry called `name`; null when no file has one.
  const SecretsEntry* Find(std::string_view name) const;
  // For NotFound messages: where `entries` (a description) were looked for.
  std::string Describe(const std::string& entries) const;
};

// Reads LAKESTREAM_SECRETS_FILE (YAML) and, deprecated, the `name = value`
// file of LAKESTREAM_AZURE_CREDENTIALS_FILE (warning once per process).
// NotFound when a named file cannot be read; InvalidArgument "credentials:
// secrets file F: line N: ..." when one is malformed.
Result<SecretsFiles> LoadSecretsFiles(const EnvLookup& env, FileSystem* fs);

// The parsers, exposed for tests. `path` names the file in messages.
Result<std::vector<SecretsEntry>> ParseSecretsYaml(std::string_view text, const std::string& path);
Result<std::vector<SecretsEntry>> ParseLegacyAzureCredentials(std::string_view text,
                                                              const std::string& path);

}  // namespace lakestream::io
