// The credentials resolver: environment, then the secrets file(s).
#include "io/credentials.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "common/redact.h"
#include "io/credentials_file_internal.h"

namespace lakestream::io {
namespace {

std::vector<std::string> Fields(const CredentialKind& k) {
  std::vector<std::string> all = k.required;
  all.insert(all.end(), k.optional.begin(), k.optional.end());
  return all;
}

std::string Upper(std::string_view s) {
  std::string out;
  for (char c : s) {
    out += std::isalnum(static_cast<unsigned char>(c))
               ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
               : '_';
  }
  return out;
}

// "a", "a or b", "a, b or c".
std::string OrList(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " or " : ", ";
    out += items[i];
  }
  return out;
}

// InvalidArgument when a required field is empty; registers every value.
Status Complete(const ResolvedCredential& c, const CredentialKind& kind) {
  for (const std::string& f : kind.required) {
    if (c.Get(f).empty()) {
      return Status::InvalidArgument("credentials: " + c.name + " (" + c.where + "): " + f +
                                     " is missing");
    }
  }
  for (const auto& [field, value] : c.fields) {
    if (IsCredentialName(field)) RegisterSecret(value);
  }
  return Status::OK();
}

}  // namespace

const CredentialKind& BasicCredentialKind() {
  static const CredentialKind k{"basic", {"user", "password"}, {}, {"user", "password"}};
  return k;
}

const CredentialKind& OAuthCredentialKind() {
  static const CredentialKind k{"oauth",
                                {"token_url", "client_id", "client_secret"},
                                {"scope"},
                                {"token_url", "client_id", "client_secret"}};
  return k;
}

const CredentialKind& AzureStorageCredentialKind() {
  static const CredentialKind k{
      "azure",
      {},
      {"account_key", "sas_token", "tenant_id", "client_id", "client_secret", "authority_host"},
      {"account_key", "sas_token", "client_secret"}};
  return k;
}

std::string ResolvedCredential::Get(std::string_view field) const {
  auto it = fields.find(std::string(field));
  return it == fields.end() ? std::string() : it->second;
}

EnvLookup ProcessEnvironment() {
  return [](const std::string& var) -> std::optional<std::string> {
    const char* v = std::getenv(var.c_str());
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
  };
}

std::string CredentialEnvName(std::string_view name, std::string_view field) {
  return "LAKESTREAM_CRED_" + Upper(name) + "_" + Upper(field);
}

CredentialResolver::CredentialResolver() : CredentialResolver(Options{}) {}

CredentialResolver::CredentialResolver(Options options)
    : env_(options.env ? std::move(options.env) : ProcessEnvironment()), fs_(options.fs) {}

std::optional<std::string> CredentialResolver::Env(const std::string& var) const {
  return env_(var);
}

Result<ResolvedCredential> CredentialResolver::Resolve(const CredentialQuery& q) const {
  auto env_names = [&](const std::string& field) {
    return q.env_names ? q.env_names(field)
                       : std::vector<std::string>{CredentialEnvName(q.name, field)};
  };
  const std::string env_desc = q.env_description.empty()
                                   ? CredentialEnvName(q.name, "") + "*"
                                   : q.env_description;
  // 1. The environment: the first kind with a defining variable set.
  for (const CredentialKind* kind : q.kinds) {
    ResolvedCredential c{q.name, kind->type, "environment: " + env_desc, {}};
    bool defined = false;
    for (const std::string& field : Fields(*kind)) {
      for (const std::string& var : env_names(field)) {
        if (std::optional<std::string> v = env_(var)) {
          c.fields[field] = std::move(*v);
          break;
        }
      }
      if (c.fields.count(field) &&
          std::find(kind->defining.begin(), kind->defining.end(), field) !=
              kind->defining.end()) {
        defined = true;
      }
    }
    if (!defined) continue;
    RETURN_IF_ERROR(Complete(c, *kind));
    return c;
  }
  // 2. The secrets file(s).
  ASSIGN_OR_RETURN(SecretsFiles files, LoadSecretsFiles(env_, fs_));
  const std::vector<std::string> entries =
      q.entries.empty() ? std::vector<std::string>{q.name} : q.entries;
  std::vector<std::string> types;
  for (const CredentialKind* kind : q.kinds) types.push_back(kind->type);
  for (const std::string& name : entries) {
    const SecretsEntry* e = files.Find(name);
    if (e == nullptr) continue;
    const std::string where = e->Where();
    if (e->is_string) {
      return Status::InvalidArgument("credentials: " + q.name + " (" + where +
                                     "): a single secret; expected a mapping with type " +
                                     OrList(types));
    }
    for (const CredentialKind* kind : q.kinds) {
      if (kind->type != e->type) continue;
      ResolvedCredential c{q.name, kind->type, where, e->fields};
      RETURN_IF_ERROR(Complete(c, *kind));
      return c;
    }
    return Status::InvalidArgument("credentials: " + q.name + " (" + where + "): type " +
                                   e->type + " does not fit here; expected " + OrList(types));
  }
  std::vector<std::string> entry_names;
  for (const std::string& n : entries) entry_names.push_back("'" + n + "'");
  return Status::NotFound("credentials: " + q.name + ": not found (looked in the environment: " +
                          env_desc + "; " + files.Describe(OrList(entry_names)) + ")");
}

Result<std::string> CredentialResolver::Secret(const std::string& what, const std::string& var,
                                               const std::string& file) const {
  if (!var.empty()) {
    if (std::optional<std::string> v = env_(var)) {
      RegisterSecret(*v);
      return *v;
    }
    ASSIGN_OR_RETURN(SecretsFiles files, LoadSecretsFiles(env_, fs_));
    if (const SecretsEntry* e = files.Find(var)) {
      if (!e->is_string) {
        return Status::InvalidArgument(what + ": " + e->Where() + " is a " + e->type +
                                       " credential, not a single secret");
      }
      RegisterSecret(e->value);
      return e->value;
    }
    if (file.empty()) {
      return Status::NotFound(what + ": environment variable " + var + " is not set (" +
                              files.Describe("'" + var + "'") + ")");
    }
  }
  if (file.empty()) return Status::NotFound(what + ": no environment variable or file given");
  std::shared_ptr<FileSystem> local;
  FileSystem* fs = fs_;
  if (fs == nullptr) {
    local = NewLocalFileSystem();
    fs = local.get();
  }
  Result<std::string> text = fs->ReadFile(file);
  if (!text.ok()) {
    return Status::NotFound(what + ": cannot read secret file " + file + ": " +
                            std::string(StatusCodeName(text.status().code())));
  }
  std::string s = std::move(*text);
  if (!s.empty() && s.back() == '\n') s.pop_back();
  if (!s.empty() && s.back() == '\r') s.pop_back();
  if (s.empty()) return Status::NotFound(what + ": secret file " + file + " is empty");
  RegisterSecret(s);
  return s;
}

}  // namespace lakestream::io
