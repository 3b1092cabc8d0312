// Config values: the one parser for each kind of scalar a config file,
// flag or API parameter holds, so every file and command accepts the same
// spellings:
//   durations  "250ms", "30s", "10m" (or "10min"), "2h", "7d"; a space may
//              separate number and unit ("10 s"); a bare number is refused
//              (its unit would be a guess)
//   sizes      "1024", "64KB", "128MB", "1GiB", "2g"; K, M and G are powers
//              of 1024, with or without B / iB, any case
//   integers   optional '-', decimal digits, nothing else
// Every parser rejects negative values except ParseInt64, and reports
// overflow rather than wrapping.
//
// Delta table properties keep their own syntax ("interval 7 days",
// delta/table_config.h: ParseIntervalMillis), which is the Delta protocol's,
// not a lakestream config spelling.
//
// Errors are InvalidArgument quoting the text and the accepted forms, without
// a key or file: callers add those (io/config_yaml.h does).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"

namespace lakestream {

// Duration -> microseconds.
Result<int64_t> ParseDurationMicros(std::string_view text);
// Duration -> milliseconds (sub-millisecond parts are truncated).
Result<int64_t> ParseDurationMs(std::string_view text);
// Size -> bytes.
Result<int64_t> ParseByteSize(std::string_view text);
// Decimal integer.
Result<int64_t> ParseInt64(std::string_view text);

}  // namespace lakestream
