// Redaction: THE one function that removes credentials from text before it
// reaches a log line, an error message, an API response or a notification.
// Status (every error message) and Logger (every log line) apply it; code
// that prints text it did not get from either calls Redact() itself.
//
// Rules (docs/security.md, "Redaction"), each replacing the secret with
// "REDACTED":
//   1. registered values: every value passed to RegisterSecret (credential
//      secrets, fetched tokens, the API token, webhook paths) wherever it
//      appears; values shorter than 4 characters are not registered.
//   2. credential fields written as NAME=VALUE (query strings, form bodies,
//      connection strings: sig=, client_secret=, password=, AccountKey=,
//      SharedAccessKey=, sasl.jaas.config=, ...) or "NAME":"VALUE" (JSON),
//      where NAME names a credential (IsCredentialName).
//   3. URL user information: scheme://user:PASSWORD@host keeps the user only.
//   4. Authorization header values: Bearer / Basic / SharedKey credentials.
//
// Thread-safety: every function may be called from any thread; the secret
// registry is guarded by a mutex and only grows.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lakestream {

inline constexpr std::string_view kRedacted = "REDACTED";

// `text` with every rule above applied, plus `extra_secrets` as rule 1.
std::string Redact(std::string_view text, const std::vector<std::string>& extra_secrets = {});

// Adds `value` to the process-wide list of rule 1 (ignored when shorter than
// 4 characters). Call it where a secret is loaded or received.
void RegisterSecret(std::string_view value);

// True when NAME (a query/form/config field or JSON key) holds a credential:
// it contains password, passwd, secret, token, apikey/api_key/api-key,
// accountkey, accesskey, signature, credential or jaas, or is sig, pwd or
// private_key; names ending in url, uri, endpoint, type, file, env or id
// (token_url, api_token_env, client_id) are not credentials.
bool IsCredentialName(std::string_view name);

// True when `url` ("scheme://...") carries user information (user@ or
// user:password@ before the host).
bool UrlHasUserInfo(std::string_view url);

// For URLs whose path and query are the secret (Slack/Teams webhooks):
// "https://hooks.example/T0/B0?k=v" -> "https://hooks.example/REDACTED".
// Also drops user information. A text without "://" is returned whole
// redacted.
std::string RedactUrlPath(std::string_view url);

}  // namespace lakestream
