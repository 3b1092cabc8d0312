// Canonical text form of UTC timestamps used in clickstream events and in
// lakestream's NDJSON output: "2026-11-24T10:15:30.123456Z" (ISO-8601, UTC,
// exactly six fractional digits).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace lakestream::pipeline {

// Formats microseconds since the Unix epoch; years must be in 0..9999.
std::string FormatTimestampUs(int64_t us);

// Parses "YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z" (a space may replace 'T'; digits past
// the sixth fractional digit are truncated). Returns microseconds since the
// Unix epoch, or InvalidArgument quoting the text.
Result<int64_t> ParseTimestampUs(std::string_view text);

}  // namespace lakestream::pipeline
