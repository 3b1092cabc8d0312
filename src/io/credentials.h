// The one credentials resolver: where every secret lakestream uses is found
// (Azure Storage keys, SAS tokens and client secrets, OData service users and
// OAuth clients, the SMTP password, the API token, the Event Hubs connection
// string), with one precedence and one secrets-file format.
//
// Precedence, the same for every credential (the first source that has it
// supplies all of its fields; sources are never mixed field by field):
//   1. the environment: LAKESTREAM_CRED_<NAME>_<FIELD> for a named credential
//      (NAME upper-cased, other characters as '_'), the well-known AZURE_*
//      variables for Azure Storage, the variable itself for a single secret;
//   2. the secrets file named by LAKESTREAM_SECRETS_FILE;
//   3. for Azure Storage only, a managed identity endpoint (IDENTITY_ENDPOINT
//      or MSI_ENDPOINT, which the platform sets): io/azure_credentials.h.
// The environment comes first so an operator can override a file for one run
// and containers can inject secrets without writing files; the managed
// identity comes last because the platform sets its variables whether or not
// the operator meant to use it.
//
// The secrets file is YAML (so a JSON object is read too, as JSON is YAML's
// flow style). Each top-level key is a credential name; its value is a
// mapping with a `type` and that type's fields, or a string for a single
// secret named like the variable that would otherwise hold it:
//
//   sap:   {type: basic, user: lake, password: "..."}
//   btp:   {type: oauth, token_url: https://..., client_id: app,
//           client_secret: "...", scope: "..."}          # scope optional
//   azure.storagea: {type: azure, account_key: "..."}    # storage account storagea
//   azure: {type: azure, sas_token: "..."}               # every other account
//   LAKESTREAM_SMTP_PASSWORD: "..."                      # a single secret
//
// docs/credentials.md specifies the format. Deprecated: the `name = value`
// file named by LAKESTREAM_AZURE_CREDENTIALS_FILE is still read (after the
// secrets file) with a warning saying how to move its lines.
//
// Errors name the credential and every place it was looked for, and the file
// line of a malformed entry; never a value. Every secret returned (a field
// that IsCredentialName, and every single secret) is registered with
// common/redact.h, so it never reaches a message later.
//
// Thread-safety: a CredentialResolver is immutable and may be shared; each
// call reads the environment and the files afresh. Ownership: the resolver
// borrows its FileSystem, which must outlive it.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "io/file_system.h"

namespace lakestream::io {

// One kind of credential: the `type` of its secrets-file entries and its fields.
struct CredentialKind {
  std::string type;
  std::vector<std::string> required;  // each must be set once the credential is found
  std::vector<std::string> optional;
  // A source has a credential of this kind when it sets one of these fields.
  std::vector<std::string> defining;
};
// basic: user, password.
const CredentialKind& BasicCredentialKind();
// oauth (client credentials): token_url, client_id, client_secret; scope.
const CredentialKind& OAuthCredentialKind();
// azure (Storage): account_key, sas_token, tenant_id, client_id, client_secret,
// authority_host; which of them make a usable set is io/azure_credentials.h's rule.
const CredentialKind& AzureStorageCredentialKind();

// A credential as found: its fields and where they came from.
struct ResolvedCredential {
  std::string name;   // as asked for
  std::string type;   // the kind's type
  std::string where;  // "environment (LAKESTREAM_CRED_SAP_*)", "secrets file F: entry sap (line 3)"
  std::map<std::string, std::string> fields;
  // The field's value; empty when unset.
  std::string Get(std::string_view field) const;
};

// What to look for.
struct CredentialQuery {
  std::string name;                          // names the credential in every message
  std::vector<const CredentialKind*> kinds;  // acceptable kinds; the environment tries them in order
  // The environment variables of a field, first set one wins. Default:
  // {LAKESTREAM_CRED_<NAME>_<FIELD>}.
  std::function<std::vector<std::string>(const std::string& field)> env_names;
  // Secrets-file entries to try, in order. Default: {name}.
  std::vector<std::string> entries;
  // A description of the variables for messages ("AZURE_STORAGE_KEY, ..."); default
  // "LAKESTREAM_CRED_<NAME>_*".
  std::string env_description;
};

// Looks up an environment variable; nullopt when unset or empty.
using EnvLookup = std::function<std::optional<std::string>(const std::string& var)>;
// The process environment.
EnvLookup ProcessEnvironment();

// "my-sap", "PASSWORD" -> "LAKESTREAM_CRED_MY_SAP_PASSWORD".
std::string CredentialEnvName(std::string_view name, std::string_view field);

class CredentialResolver {
 public:
  struct Options {
    EnvLookup env;             // null: the process environment
    FileSystem* fs = nullptr;  // the secrets files are read through it; null: the local disk
  };
  CredentialResolver();
  explicit CredentialResolver(Options options);

  // The credential from the first source that has it (see the precedence
  // above). NotFound "credentials: NAME: not found in <every place looked>";
  // InvalidArgument when the source that has it lacks a required field
  // ("credentials: NAME (WHERE): password is missing") or the secrets file
  // is malformed ("credentials: secrets file F: line 4: ...").
  Result<ResolvedCredential> Resolve(const CredentialQuery& query) const;

  // One secret held by the environment variable `var`: the variable, else
  // the secrets file's string entry `var`, else (when `file` is not empty)
  // the whole of `file`, a mounted secret such as /run/secrets/x (one
  // trailing newline dropped). NotFound naming `var` and `file` when none
  // has it; `what` ("notify.email.password") leads the message.
  Result<std::string> Secret(const std::string& what, const std::string& var,
                             const std::string& file = "") const;

  // A setting from the environment that points at a credential without being
  // one (IDENTITY_ENDPOINT); nullopt when unset or empty.
  std::optional<std::string> Env(const std::string& var) const;

 private:
  EnvLookup env_;
  FileSystem* fs_;
};

}  // namespace lakestream::io
