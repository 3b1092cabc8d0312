// RecordProbe: reads a few top-level fields of a JSON record (the dedup key,
// the event time, the sources of partition columns) before the record is
// handed to the typed builder, which decides whether the record is good.
// The probe stops as soon as it has every field it wants, so it is cheap and
// does not validate the rest of the record.
//
// Thread-safety: single-threaded (owns a simdjson parser and a buffer).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace lakestream::stream {

// Bytes simdjson may read past the end of a record (simdjson::SIMDJSON_PADDING).
inline constexpr size_t kJsonPadding = 64;

struct ProbedValue {
  enum class Kind { kMissing, kNull, kString, kNumber, kBool, kOther };
  Kind kind = Kind::kMissing;
  std::string text;  // unescaped string, or the raw number text
};

class RecordProbe {
 public:
  explicit RecordProbe(std::vector<std::string> fields);
  ~RecordProbe();

  // Fills out[i] for fields[i]. InvalidArgument (the reason) when the record
  // is not a JSON object or is malformed before every field was found.
  // `readable` (>= record.size()) is how many bytes from record.data() may be
  // read: with at least record.size() + kJsonPadding the record is parsed in
  // place, otherwise it is copied into a padded buffer first.
  Status Probe(std::string_view record, std::vector<ProbedValue>* out) {
    return Probe(record, record.size(), out);
  }
  Status Probe(std::string_view record, size_t readable, std::vector<ProbedValue>* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Microseconds since the epoch of a timestamp given as ISO-8601 text or as
// epoch milliseconds (the JsonBatchBuilder's timestamp cast); nullopt if it
// is neither.
std::optional<int64_t> ProbedTimestampMicros(const ProbedValue& v);

}  // namespace lakestream::stream
