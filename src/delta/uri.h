// URI handling for Delta paths: add/remove paths in the log are URIs
// (RFC 2396), relative to the table root or absolute; a table itself is
// named by a local path, a file:// URI or an Azure URI.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace lakestream::delta {

// Decodes %XX escapes. Corruption for a truncated or non-hex escape.
Result<std::string> DecodeUriPath(std::string_view encoded);

// Percent-encodes what a path component cannot hold as is (everything but
// unreserved characters, '/', and a few safe sub-delimiters), as Spark does
// for partition directories ("a b" -> "a%20b").
std::string EncodeUriPath(std::string_view path);

// The table root as a FileSystem path: strips "file://" (and "file:"),
// and trailing slashes; Azure URIs (az://, abfss://, ...) become their
// canonical az://account/container/path form (io/azure_uri.h).
// InvalidArgument for a malformed Azure URI, NotSupported for other schemes.
Result<std::string> NormalizeTableRoot(std::string_view table);

// Where a file named by the log lives: `root/decoded` for relative paths,
// the decoded path itself for absolute ones ("/x", "file:///x", Azure URIs
// in canonical form). NotSupported for absolute URIs of other schemes (s3://).
Result<std::string> ResolveDataPath(const std::string& root, std::string_view encoded_path);

}  // namespace lakestream::delta
