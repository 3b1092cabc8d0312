#include "delta/uri.h"

#include "common/percent_encode.h"
#include "io/azure_uri.h"
#include "io/file_system_resolver.h"

namespace lakestream::delta {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "scheme:" at the start of `s` (RFC 3986 scheme characters), or empty.
std::string_view Scheme(std::string_view s) {
  size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon < 2) return {};  // "C:" is not a scheme here
  for (size_t i = 0; i < colon; ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
    if (!ok) return {};
  }
  return s.substr(0, colon);
}

// "file:///x" -> "/x", "file:/x" -> "/x".
// "file:/x", "file:///x" and "file://localhost/x" are the local path /x. "file://host/x"
// names a host: InvalidArgument (it used to become the relative path host/x).
Result<std::string_view> StripFileScheme(std::string_view s) {
  const std::string_view uri = s;
  s.remove_prefix(5);  // "file:"
  if (s.starts_with("//")) {
    s.remove_prefix(2);
    if (s.starts_with("localhost/")) s.remove_prefix(9);
    if (!s.starts_with("/")) {
      std::string_view host = s.substr(0, s.find('/'));
      return Status::InvalidArgument(
          "delta: " + std::string(uri) + ": a file URI with host '" + std::string(host) +
          "' (a local path is file:///path, with three slashes)");
    }
  }
  return s;
}

}  // namespace

Result<std::string> DecodeUriPath(std::string_view encoded) {
  std::string out;
  out.reserve(encoded.size());
  for (size_t i = 0; i < encoded.size(); ++i) {
    char c = encoded[i];
    if (c != '%') {
      out.push_back(c);
      continue;
    }
    int hi = i + 1 < encoded.size() ? HexValue(encoded[i + 1]) : -1;
    int lo = i + 2 < encoded.size() ? HexValue(encoded[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      return Status::Corruption("delta: path " + std::string(encoded) + ": bad %-escape");
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

std::string EncodeUriPath(std::string_view path) {
  // RFC 3986 path characters (pchar and '/') other than '%': the sub-delims, ':' and '@'.
  return PercentEncode(path, "/=!$&'()*+,;@:");
}

Result<std::string> NormalizeTableRoot(std::string_view table) {
  std::string_view scheme = Scheme(table);
  std::string_view rest = table;
  if (!scheme.empty()) {
    if (io::IsAzureUri(table)) {
      Result<std::string> canonical = io::CanonicalLocation(table);
      if (!canonical.ok()) return canonical.status().WithContext("delta");
      return *canonical;
    }
    if (scheme != "file") {
      return Status::NotSupported("delta: " + std::string(table) + ": URI scheme " +
                                  std::string(scheme) +
                                  " (local paths, file://, az://, abfss://, abfs://, wasbs://)");
    }
    ASSIGN_OR_RETURN(rest, StripFileScheme(table));
  }
  std::string root(rest);
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  if (root.empty()) return Status::InvalidArgument("delta: empty table path");
  return root;
}

Result<std::string> ResolveDataPath(const std::string& root, std::string_view encoded_path) {
  std::string_view scheme = Scheme(encoded_path);
  if (!scheme.empty()) {
    if (io::IsAzureUri(encoded_path)) {
      // Absolute Azure URIs (as Spark writes for shallow clones) on the same
      // account and container are read through the table's filesystem.
      ASSIGN_OR_RETURN(std::string decoded, DecodeUriPath(encoded_path));
      Result<std::string> canonical = io::CanonicalLocation(decoded);
      if (!canonical.ok()) return canonical.status().WithContext("delta: data file");
      return *canonical;
    }
    if (scheme != "file") {
      return Status::NotSupported("delta: data file " + std::string(encoded_path) +
                                  ": URI scheme " + std::string(scheme));
    }
    Result<std::string_view> local = StripFileScheme(encoded_path);
    if (!local.ok()) return Status::Corruption("delta: data file " + local.status().message());
    return DecodeUriPath(*local);
  }
  ASSIGN_OR_RETURN(std::string decoded, DecodeUriPath(encoded_path));
  if (!decoded.empty() && decoded[0] == '/') return decoded;
  return root + "/" + decoded;
}

}  // namespace lakestream::delta
