#include "io/config_yaml.h"

#include <algorithm>
#include <set>

#include <yaml-cpp/depthguard.h>

#include "common/config_values.h"

namespace lakestream::io {
namespace {

Status CheckDuplicateKeys(const YAML::Node& n, const std::string& what) {
  if (n.IsSequence()) {
    for (const YAML::Node& item : n) RETURN_IF_ERROR(CheckDuplicateKeys(item, what));
  } else if (n.IsMap()) {
    std::set<std::string> seen;
    for (const auto& kv : n) {
      if (kv.first.IsScalar() && !seen.insert(kv.first.Scalar()).second) {
        return Status::InvalidArgument(what + ": line " + std::to_string(kv.first.Mark().line + 1) +
                                       ": duplicate key '" + kv.first.Scalar() + "'");
      }
      RETURN_IF_ERROR(CheckDuplicateKeys(kv.second, what));
    }
  }
  return Status::OK();
}

// Levenshtein distance, for "did you mean".
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

Result<YAML::Node> LoadYaml(std::string_view text, const std::string& what) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::DeepRecursion& e) {
    return Status::InvalidArgument(what + ": line " + std::to_string(e.mark.line + 1) +
                                   ": nested deeper than " + std::to_string(e.depth()) +
                                   " levels");
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(what + ": line " + std::to_string(e.mark.line + 1) +
                                   ", column " + std::to_string(e.mark.column + 1) +
                                   ": not valid YAML: " + e.msg);
  }
  // The walk is as deep as the document, which the depth guard above has bounded.
  RETURN_IF_ERROR(CheckDuplicateKeys(root, what));
  return root;
}

Result<std::string> ReadConfigFile(FileSystem* fs, const std::string& path) {
  std::shared_ptr<FileSystem> local;
  if (fs == nullptr) {
    local = NewLocalFileSystem();
    fs = local.get();
  }
  Result<std::string> text = fs->ReadFile(path);
  if (!text.ok()) return text.status().WithContext(path + ": cannot read the config file");
  return text;
}

std::string ConfigKey(const std::string& at, std::string_view key) {
  return at.empty() ? std::string(key) : at + "." + std::string(key);
}

std::string ConfigIndex(const std::string& at, size_t i) {
  return at + "[" + std::to_string(i) + "]";
}

Status ConfigReader::Bad(const std::string& key, const std::string& why) const {
  return Status::InvalidArgument(what_ + ": " + (key.empty() ? "(top level)" : key) + ": " + why);
}

Status ConfigReader::CheckKeys(const YAML::Node& map, const std::string& at,
                               std::initializer_list<std::string_view> allowed) const {
  if (!map.IsMap()) return Bad(at, "expected a mapping");
  for (const auto& kv : map) {
    if (!kv.first.IsScalar()) return Bad(at, "keys must be strings");
    const std::string& k = kv.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
    std::string_view best;
    size_t best_d = 3;  // suggest only close spellings
    for (std::string_view a : allowed) {
      size_t d = EditDistance(k, a);
      if (d < best_d && d < a.size()) best = a, best_d = d;
    }
    if (!best.empty()) {
      return Bad(ConfigKey(at, k), "unknown key (did you mean '" + std::string(best) + "'?)");
    }
    std::string list;
    for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    return Bad(ConfigKey(at, k), "unknown key (expected one of: " + list + ")");
  }
  return Status::OK();
}

Result<std::string> ConfigReader::String(const YAML::Node& n, const std::string& key) const {
  if (!n.IsScalar()) return Bad(key, "expected a string");
  return n.Scalar();
}

Result<int64_t> ConfigReader::Int(const YAML::Node& n, const std::string& key) const {
  if (!n.IsScalar()) return Bad(key, "expected an integer");
  Result<int64_t> v = ParseInt64(n.Scalar());
  if (!v.ok()) return Bad(key, v.status().message());
  return v;
}

Result<double> ConfigReader::Double(const YAML::Node& n, const std::string& key) const {
  if (!n.IsScalar()) return Bad(key, "expected a number");
  try {
    return n.as<double>();
  } catch (const YAML::Exception&) {
    return Bad(key, "'" + n.Scalar() + "' is not a number");
  }
}

Result<bool> ConfigReader::Bool(const YAML::Node& n, const std::string& key) const {
  if (!n.IsScalar()) return Bad(key, "expected true or false");
  const std::string& s = n.Scalar();
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  return Bad(key, "'" + s + "' is not true or false");
}

Result<int64_t> ConfigReader::DurationMs(const YAML::Node& n, const std::string& key) const {
  ASSIGN_OR_RETURN(int64_t us, DurationMicros(n, key));
  return us / 1000;
}

Result<int64_t> ConfigReader::DurationMicros(const YAML::Node& n, const std::string& key) const {
  if (!n.IsScalar()) return Bad(key, "expected a duration such as 10s");
  Result<int64_t> v = ParseDurationMicros(n.Scalar());
  if (!v.ok()) return Bad(key, v.status().message());
  return v;
}

Result<int64_t> ConfigReader::Size(const YAML::Node& n, const std::string& key) const {
  if (!n.IsScalar()) return Bad(key, "expected a size such as 128MB");
  Result<int64_t> v = ParseByteSize(n.Scalar());
  if (!v.ok()) return Bad(key, v.status().message());
  return v;
}

Result<std::vector<std::string>> ConfigReader::StringList(const YAML::Node& n,
                                                          const std::string& key,
                                                          bool scalar_ok) const {
  std::vector<std::string> out;
  if (scalar_ok && n.IsScalar()) {
    out.push_back(n.Scalar());
    return out;
  }
  if (!n.IsSequence()) return Bad(key, "expected a list");
  for (size_t i = 0; i < n.size(); ++i) {
    ASSIGN_OR_RETURN(std::string s, String(n[i], ConfigIndex(key, i)));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace lakestream::io
