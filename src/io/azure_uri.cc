#include "io/azure_uri.h"

#include <cctype>

namespace lakestream::io {
namespace {

std::string_view SchemeOf(std::string_view uri) {
  size_t p = uri.find("://");
  return p == std::string_view::npos ? std::string_view() : uri.substr(0, p);
}

bool ValidAccount(std::string_view a) {
  if (a.empty() || a.size() > 64) return false;
  for (char c : a) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Container names: 3-63 of [a-z0-9-]; Azurite and the emulators are stricter
// than we need to be, so only the characters are checked.
bool ValidContainer(std::string_view c) {
  if (c.empty() || c.size() > 63) return false;
  for (char ch : c) {
    if (!(std::islower(static_cast<unsigned char>(ch)) ||
          std::isdigit(static_cast<unsigned char>(ch)) || ch == '-' || ch == '$')) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool IsAzureUri(std::string_view uri) {
  std::string_view s = SchemeOf(uri);
  return s == "az" || s == "abfss" || s == "abfs" || s == "wasbs" || s == "wasb";
}

Result<AzureLocation> ParseAzureUri(std::string_view uri) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("azure: URI " + std::string(uri) + ": " + why);
  };
  std::string_view scheme = SchemeOf(uri);
  if (!IsAzureUri(uri)) {
    return bad("not an Azure URI (az://, abfss://, abfs://, wasbs://, wasb://)");
  }
  if (uri.find_first_of("?#") != std::string_view::npos) {
    return bad(
        "query strings and fragments are not accepted (configure SAS tokens and "
        "endpoints through the environment)");
  }
  std::string_view rest = uri.substr(scheme.size() + 3);
  AzureLocation loc;
  if (scheme == "az") {
    size_t slash = rest.find('/');
    loc.account = std::string(rest.substr(0, slash));
    if (slash == std::string_view::npos) return bad("no container (az://account/container/path)");
    rest.remove_prefix(slash + 1);
    slash = rest.find('/');
    loc.container = std::string(rest.substr(0, slash));
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  } else {
    size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    size_t at = authority.find('@');
    if (at == std::string_view::npos)
      return bad("no container (" + std::string(scheme) + "://container@account.<host>/path)");
    loc.container = std::string(authority.substr(0, at));
    std::string_view host = authority.substr(at + 1);
    size_t dot = host.find('.');
    if (dot == std::string_view::npos || !host.ends_with(".core.windows.net")) {
      return bad("host " + std::string(host) + " is not <account>.(dfs|blob).core.windows.net");
    }
    loc.account = std::string(host.substr(0, dot));
  }
  if (!ValidAccount(loc.account)) return bad("bad storage account name '" + loc.account + "'");
  if (!ValidContainer(loc.container)) {
    return bad("bad container name '" + loc.container + "' (lowercase letters, digits, '-')");
  }
  loc.blob = std::string(rest);
  return loc;
}

std::string CanonicalAzureUri(const AzureLocation& loc) {
  std::string s = "az://" + loc.account + "/" + loc.container;
  if (!loc.blob.empty()) s += "/" + loc.blob;
  return s;
}

}  // namespace lakestream::io
