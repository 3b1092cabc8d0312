// Calendar arithmetic and ISO-8601 formatting/parsing for dates and
// timestamps (proleptic Gregorian, UTC), used wherever values are printed
// or parsed (NDJSON output, Delta partition values, JSON ingest).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lakestream {

struct CivilDate {
  int64_t year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

CivilDate CivilFromDays(int64_t days_since_epoch);
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);

// "YYYY-MM-DD" (years past 9999 get more digits, years before 0 a '-').
void AppendDate(int64_t days_since_epoch, std::string* out);
// "YYYY-MM-DDTHH:MM:SS.ffffffZ" from microseconds since the epoch.
void AppendTimestampMicros(int64_t micros, std::string* out);
// "HH:MM:SS.ffffff" from microseconds since midnight.
void AppendTimeOfDayMicros(int64_t micros, std::string* out);

std::string FormatDate(int64_t days_since_epoch);
std::string FormatTimestampMicros(int64_t micros);

// Parses "YYYY-MM-DD".
std::optional<int32_t> ParseDate(std::string_view s);
// Parses ISO-8601 timestamps: "YYYY-MM-DD[T ]HH:MM[:SS[.f{1,9}]][Z|+HH:MM|-HH:MM]", or a bare
// date (midnight). Without a zone the time is taken as UTC.
std::optional<int64_t> ParseTimestampMicros(std::string_view s);

}  // namespace lakestream
