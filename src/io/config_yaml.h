// The one config reader: every config file lakestream reads (the ingest
// pipeline YAML, the serve YAML, the refresh config, dataflows) is read
// through io::FileSystem and parsed with LoadYaml, and its values are taken
// with a ConfigReader, so every file reports problems the same way:
//
//   /etc/lakestream/serve.yaml: serve config: jobs[2].schedule: "weekly": expected ...
//   <file>                      <what>        <key path>        <why>
//
// LoadYaml adds the checks yaml-cpp does not make: a duplicate key in a
// mapping is an error (yaml-cpp keeps both and a lookup silently sees one),
// nesting past yaml-cpp's depth guard is reported as such (its own message is
// "bad file"), and syntax errors carry the line. JSON is YAML's flow style,
// so a JSON config file is read by the same code.
//
// ConfigReader checks mappings for unknown keys (with a did-you-mean) and
// converts scalars with the one parser of each kind (common/config_values.h:
// durations, sizes, integers). Every error is InvalidArgument
// "<what>: <key>: <why>"; the loaders of each config prefix the path.
//
// Thread-safety: pure functions; a ConfigReader is an immutable value.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "common/status.h"
#include "io/file_system.h"

namespace lakestream::io {

// Parses a YAML (or JSON) document. InvalidArgument "<what>: line N: ..."
// for syntax errors, duplicate keys and excessive nesting.
Result<YAML::Node> LoadYaml(std::string_view text, const std::string& what);

// The file's bytes through `fs` (the local disk when null); the error names
// the path and keeps the FileSystem's code (NotFound for a missing file).
Result<std::string> ReadConfigFile(FileSystem* fs, const std::string& path);

// "a" + "b" -> "a.b" ("" + "b" -> "b"); "a" + 2 -> "a[2]".
std::string ConfigKey(const std::string& at, std::string_view key);
std::string ConfigIndex(const std::string& at, size_t i);

class ConfigReader {
 public:
  // `what` leads every message: "serve config", "config", "refresh config".
  explicit ConfigReader(std::string what) : what_(std::move(what)) {}

  // InvalidArgument "<what>: <key>: <why>" ("(top level)" for an empty key).
  Status Bad(const std::string& key, const std::string& why) const;
  // OK when `map` is a mapping whose keys are all in `allowed`; otherwise
  // names the first unknown key and the closest allowed one, or lists them.
  Status CheckKeys(const YAML::Node& map, const std::string& at,
                   std::initializer_list<std::string_view> allowed) const;

  // Scalars, converted; `key` is the full path used in the error.
  Result<std::string> String(const YAML::Node& n, const std::string& key) const;
  Result<int64_t> Int(const YAML::Node& n, const std::string& key) const;
  Result<double> Double(const YAML::Node& n, const std::string& key) const;
  // true/yes/on, false/no/off.
  Result<bool> Bool(const YAML::Node& n, const std::string& key) const;
  Result<int64_t> DurationMs(const YAML::Node& n, const std::string& key) const;
  Result<int64_t> DurationMicros(const YAML::Node& n, const std::string& key) const;
  Result<int64_t> Size(const YAML::Node& n, const std::string& key) const;
  // A list of strings; a single scalar is a list of one when `scalar_ok`.
  Result<std::vector<std::string>> StringList(const YAML::Node& n, const std::string& key,
                                              bool scalar_ok = false) const;

 private:
  std::string what_;
};

}  // namespace lakestream::io
