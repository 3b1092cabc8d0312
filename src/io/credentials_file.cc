// The secrets files: the YAML secrets file and the deprecated Azure
// `name = value` file, parsed into entries with the line of each.
#include <cctype>
#include <mutex>
#include <set>

#include <yaml-cpp/yaml.h>

#include "common/logger.h"
#include "io/config_yaml.h"
#include "io/credentials_file_internal.h"

namespace lakestream::io {
namespace {

constexpr char kSecretsFileVar[] = "LAKESTREAM_SECRETS_FILE";
constexpr char kLegacyAzureFileVar[] = "LAKESTREAM_AZURE_CREDENTIALS_FILE";

const std::vector<const CredentialKind*>& Kinds() {
  static const std::vector<const CredentialKind*> kinds = {
      &BasicCredentialKind(), &OAuthCredentialKind(), &AzureStorageCredentialKind()};
  return kinds;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

Status Bad(const std::string& path, int line, const std::string& why) {
  return Status::InvalidArgument("credentials: secrets file " + path + ": line " +
                                 std::to_string(line) + ": " + why);
}

std::string FieldList(const CredentialKind& k) {
  std::string out;
  for (const auto* list : {&k.required, &k.optional}) {
    for (const std::string& f : *list) out += (out.empty() ? "" : ", ") + f;
  }
  return out;
}

const CredentialKind* KindOf(const std::string& type) {
  for (const CredentialKind* k : Kinds()) {
    if (k->type == type) return k;
  }
  return nullptr;
}

bool HasField(const CredentialKind& k, const std::string& f) {
  for (const auto* list : {&k.required, &k.optional}) {
    for (const std::string& x : *list) {
      if (x == f) return true;
    }
  }
  return false;
}

// A credential entry: a mapping with a known type and only its fields.
Status ParseCredential(const YAML::Node& map, const std::string& path, SecretsEntry* e) {
  const YAML::Node type = map["type"];
  if (!type || !type.IsScalar()) {
    return Bad(path, e->line, e->name + ": no type (basic, oauth or azure)");
  }
  e->type = type.Scalar();
  const CredentialKind* kind = KindOf(e->type);
  if (kind == nullptr) {
    return Bad(path, type.Mark().line + 1,
               e->name + ".type: '" + e->type + "' is not basic, oauth or azure");
  }
  for (const auto& kv : map) {
    const std::string field = kv.first.Scalar();
    const int line = kv.first.Mark().line + 1;
    if (field == "type") continue;
    if (!HasField(*kind, field)) {
      return Bad(path, line, e->name + ": unknown field '" + field + "' (" + e->type +
                                 " credentials have " + FieldList(*kind) + ")");
    }
    if (!kv.second.IsScalar()) {
      return Bad(path, line, e->name + "." + field + ": expected a string");
    }
    e->fields[field] = kv.second.Scalar();
  }
  return Status::OK();
}

// Reads the file a variable names; nullopt when the variable is unset.
Result<std::optional<std::string>> ReadNamedFile(const EnvLookup& env, FileSystem* fs,
                                                 const char* var, std::string* path) {
  std::optional<std::string> p = env(var);
  if (!p) return std::optional<std::string>();
  *path = *p;
  std::shared_ptr<FileSystem> local;
  if (fs == nullptr) {
    local = NewLocalFileSystem();
    fs = local.get();
  }
  Result<std::string> text = fs->ReadFile(*path);
  if (!text.ok()) {
    return Status(text.status().code(), "credentials: secrets file " + *path + " (" + var +
                                            "): cannot read: " +
                                            std::string(StatusCodeName(text.status().code())));
  }
  return std::optional<std::string>(std::move(*text));
}

}  // namespace

std::string SecretsEntry::Where() const {
  return "secrets file " + file + ": entry " + name + " (line " + std::to_string(line) + ")";
}

const SecretsEntry* SecretsFiles::Find(std::string_view name) const {
  for (const SecretsEntry& e : entries) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

std::string SecretsFiles::Describe(const std::string& names) const {
  std::string out;
  for (const std::string& l : looked) {
    if (!out.empty()) out += "; ";
    out += l.starts_with("secrets file ") ? l + " (no entry " + names + ")" : l;
  }
  return out;
}

Result<std::vector<SecretsEntry>> ParseSecretsYaml(std::string_view text, const std::string& path) {
  ASSIGN_OR_RETURN(YAML::Node root, LoadYaml(text, "credentials: secrets file " + path));
  std::vector<SecretsEntry> out;
  if (root.IsNull()) return out;  // an empty file
  if (!root.IsMap()) {
    return Bad(path, root.Mark().line + 1,
               "expected a mapping of credential names to credentials or secrets");
  }
  for (const auto& kv : root) {
    SecretsEntry e;
    e.file = path;
    e.name = kv.first.Scalar();
    e.line = kv.first.Mark().line + 1;
    if (kv.second.IsScalar()) {
      e.is_string = true;
      e.value = kv.second.Scalar();
    } else if (kv.second.IsMap()) {
      RETURN_IF_ERROR(ParseCredential(kv.second, path, &e));
    } else {
      return Bad(path, e.line,
                 e.name + ": expected a mapping with a type, or a string (a single secret)");
    }
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::vector<SecretsEntry>> ParseLegacyAzureCredentials(std::string_view text,
                                                              const std::string& path) {
  std::vector<SecretsEntry> out;  // "azure.<account>" and "azure" entries
  auto entry = [&](const std::string& name, int line) -> SecretsEntry& {
    for (SecretsEntry& e : out) {
      if (e.name == name) return e;
    }
    out.push_back(SecretsEntry{path, name, line, false, "", "azure", {}});
    return out.back();
  };
  int line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string t = Trim(text.substr(pos, nl - pos));
    pos = nl + 1;
    ++line_no;
    if (t.empty() || t[0] == '#') continue;
    size_t eq = t.find('=');
    if (eq == std::string::npos) return Bad(path, line_no, "expected name = value");
    std::string name = Trim(t.substr(0, eq)), value = Trim(t.substr(eq + 1));
    size_t dot = name.find('.');
    std::string field = dot == std::string::npos ? name : name.substr(dot + 1);
    if (!HasField(AzureStorageCredentialKind(), field)) {
      return Bad(path, line_no,
                 "unknown name '" + field + "' (" + FieldList(AzureStorageCredentialKind()) + ")");
    }
    std::string entry_name = dot == std::string::npos ? "azure" : "azure." + name.substr(0, dot);
    entry(entry_name, line_no).fields[field] = value;
  }
  // As this format always did: an account's own names win over the plain
  // ones, field by field.
  for (SecretsEntry& e : out) {
    if (e.name == "azure") continue;
    for (const SecretsEntry& general : out) {
      if (general.name != "azure") continue;
      for (const auto& [field, value] : general.fields) e.fields.emplace(field, value);
    }
  }
  return out;
}

Result<SecretsFiles> LoadSecretsFiles(const EnvLookup& env, FileSystem* fs) {
  SecretsFiles files;
  std::string path;
  ASSIGN_OR_RETURN(std::optional<std::string> text, ReadNamedFile(env, fs, kSecretsFileVar, &path));
  if (text) {
    ASSIGN_OR_RETURN(files.entries, ParseSecretsYaml(*text, path));
    files.looked.push_back("secrets file " + path);
  } else {
    files.looked.push_back(std::string(kSecretsFileVar) + " is unset");
  }
  std::string legacy_path;
  ASSIGN_OR_RETURN(std::optional<std::string> legacy,
                   ReadNamedFile(env, fs, kLegacyAzureFileVar, &legacy_path));
  if (legacy) {
    static std::mutex mu;
    static std::set<std::string> warned;  // once per file and process
    std::lock_guard<std::mutex> lock(mu);
    if (warned.insert(legacy_path).second) {
      DefaultLogger().Warn(
          "credentials",
          std::string(kLegacyAzureFileVar) + " (" + legacy_path +
              ", name = value lines) is deprecated: move each `A.name = value` line to an entry "
              "`azure.A: {type: azure, name: value}` (plain `name = value` lines to `azure:`) of "
              "the YAML secrets file named by " + kSecretsFileVar + " (docs/credentials.md)");
    }
    ASSIGN_OR_RETURN(std::vector<SecretsEntry> more,
                     ParseLegacyAzureCredentials(*legacy, legacy_path));
    for (SecretsEntry& e : more) files.entries.push_back(std::move(e));
    files.looked.push_back("secrets file " + legacy_path);
  }
  return files;
}

}  // namespace lakestream::io
