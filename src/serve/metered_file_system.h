// MeteredFileSystem: an io::FileSystem decorator that counts storage requests
// and storage errors by operation, for lakestream_storage_requests_total{op}
// and lakestream_storage_errors_total{op} (the LakestreamStorageErrors alert).
// Operations: open_read, read, open_write, append, close, put_if_absent, list,
// stat, delete, set_tier. Expected outcomes are not errors: NotFound from
// stat/open_read/delete (probing), AlreadyExists from put_if_absent (a lost
// commit race).
//
// Thread-safety: as the wrapped FileSystem; counters are atomics. Ownership:
// shares the wrapped FileSystem; files it opens hold the metric references,
// which live as long as the registry.
#pragma once

#include <memory>

#include "common/status.h"
#include "io/file_system.h"
#include "metrics/registry.h"

namespace lakestream::serve {

// InvalidArgument if the metric families clash with existing ones.
Result<std::shared_ptr<io::FileSystem>> NewMeteredFileSystem(std::shared_ptr<io::FileSystem> base,
                                                             metrics::Registry* registry);

}  // namespace lakestream::serve
