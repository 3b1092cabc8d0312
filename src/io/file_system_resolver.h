// Which FileSystem serves a location: the one place a table or file URI is
// turned into storage. Local paths and file:// URIs go to the local disk;
// az://, abfss://, abfs://, wasbs:// and wasb:// URIs go to Azure Blob Storage
// (one AzureFileSystem per process, configured from the environment; see
// azure_file_system.h and azure_credentials.h).
//
// Thread-safety: safe for concurrent use; the filesystems returned are
// shared and themselves thread-safe. Ownership: callers share them.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "io/file_system.h"

namespace lakestream::io {

// The FileSystem for `uri` (any of the forms above). InvalidArgument for a
// malformed Azure URI or Azure environment settings; NotSupported for other
// URI schemes (s3://, gs://, ...).
Result<std::shared_ptr<FileSystem>> FileSystemForUri(std::string_view uri);

// A FileSystem that routes every call by its path with FileSystemForUri, so
// one instance serves tables on local disk and on Azure alike (the streaming
// sink's events and quarantine tables may live on different storage).
std::shared_ptr<FileSystem> NewRoutingFileSystem();

// The canonical form of a location: Azure URIs become az://account/container/path
// (no trailing slash); anything else is returned unchanged. InvalidArgument
// for a malformed Azure URI.
Result<std::string> CanonicalLocation(std::string_view uri);

}  // namespace lakestream::io
