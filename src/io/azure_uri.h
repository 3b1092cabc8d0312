// Azure Blob / ADLS Gen2 URIs and how lakestream names blobs.
//
// Accepted forms (all name a blob, or a prefix of blobs, in one container):
//   az://account/container/path                      (lakestream's canonical form)
//   abfss://container@account.dfs.core.windows.net/path   (ADLS Gen2, as Spark writes)
//   abfs://...  wasbs://container@account.blob.core.windows.net/path  wasb://...
// Inside AzureFileSystem every path is the canonical az:// form, so a table
// root "az://acct/cont/t" joins with "/_delta_log/..." like a local path.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace lakestream::io {

struct AzureLocation {
  std::string account;
  std::string container;
  std::string blob;  // may be empty (the container itself) or a prefix
};

// Whether `uri` uses one of the schemes above (it may still be malformed).
bool IsAzureUri(std::string_view uri);

// Parses any accepted form. InvalidArgument naming the URI and what is wrong
// (missing container, account or host not ending in .core.windows.net, ...).
// Repeated and trailing slashes in the path are kept as given; a query
// string or fragment is rejected.
Result<AzureLocation> ParseAzureUri(std::string_view uri);

// "az://account/container/blob" (no trailing slash when blob is empty).
std::string CanonicalAzureUri(const AzureLocation& loc);

}  // namespace lakestream::io
