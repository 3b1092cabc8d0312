#include "stream/record_probe.h"

#include <simdjson.h>

#include <charconv>
#include <cstring>

#include "common/time_format.h"

namespace lakestream::stream {

namespace od = simdjson::ondemand;

struct RecordProbe::Impl {
  std::vector<std::string> fields;
  od::parser parser;
  std::string padded;
};

RecordProbe::RecordProbe(std::vector<std::string> fields) : impl_(std::make_unique<Impl>()) {
  impl_->fields = std::move(fields);
}
RecordProbe::~RecordProbe() = default;

static_assert(kJsonPadding == simdjson::SIMDJSON_PADDING);

Status RecordProbe::Probe(std::string_view record, size_t readable, std::vector<ProbedValue>* out) {
  Impl& m = *impl_;
  out->resize(m.fields.size());
  for (ProbedValue& v : *out) v.kind = ProbedValue::Kind::kMissing;  // keeps text buffers
  const char* data = record.data();
  size_t capacity = readable;
  if (readable < record.size() + simdjson::SIMDJSON_PADDING) {
    if (m.padded.size() < record.size() + simdjson::SIMDJSON_PADDING) {
      m.padded.resize(record.size() + simdjson::SIMDJSON_PADDING);
    }
    std::memcpy(m.padded.data(), record.data(), record.size());
    data = m.padded.data();
    capacity = m.padded.size();
  }
  od::document doc;
  auto err = m.parser.iterate(data, record.size(), capacity).get(doc);
  if (err) return Status::InvalidArgument(std::string("not JSON: ") + simdjson::error_message(err));
  od::object obj;
  if (doc.get_object().get(obj)) return Status::InvalidArgument("record is not a JSON object");
  size_t found = 0;
  for (auto field_result : obj) {
    od::field field;
    if ((err = std::move(field_result).get(field))) {
      return Status::InvalidArgument(std::string("malformed JSON: ") +
                                     simdjson::error_message(err));
    }
    std::string_view key;
    if ((err = field.unescaped_key().get(key))) {
      return Status::InvalidArgument(std::string("malformed JSON key: ") +
                                     simdjson::error_message(err));
    }
    for (size_t i = 0; i < m.fields.size(); ++i) {
      if (m.fields[i] != key || (*out)[i].kind != ProbedValue::Kind::kMissing) continue;
      ProbedValue& pv = (*out)[i];
      od::value v = field.value();
      od::json_type t;
      if (v.type().get(t)) return Status::InvalidArgument("malformed JSON value of " + m.fields[i]);
      switch (t) {
        case od::json_type::null:
          pv.kind = ProbedValue::Kind::kNull;
          break;
        case od::json_type::string: {
          std::string_view s;
          if (v.get_string().get(s)) {
            return Status::InvalidArgument("malformed JSON string in " + m.fields[i]);
          }
          pv.kind = ProbedValue::Kind::kString;
          pv.text.assign(s);
          break;
        }
        case od::json_type::number: {
          std::string_view raw = v.raw_json_token();
          while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\t' ||
                                  raw.back() == '\r')) {
            raw.remove_suffix(1);
          }
          pv.kind = ProbedValue::Kind::kNumber;
          pv.text.assign(raw);
          break;
        }
        case od::json_type::boolean:
          pv.kind = ProbedValue::Kind::kBool;
          break;
        default:
          pv.kind = ProbedValue::Kind::kOther;
          break;
      }
      // The same field name may be wanted twice (e.g. dedup time and
      // partition source): copy it to every slot.
      for (size_t j = i + 1; j < m.fields.size(); ++j) {
        if (m.fields[j] == m.fields[i]) {
          (*out)[j] = pv;
          ++found;
        }
      }
      ++found;
      break;
    }
    if (found == m.fields.size()) break;
  }
  return Status::OK();
}

std::optional<int64_t> ProbedTimestampMicros(const ProbedValue& v) {
  if (v.kind == ProbedValue::Kind::kString) return ParseTimestampMicros(v.text);
  if (v.kind == ProbedValue::Kind::kNumber) {
    int64_t ms = 0;
    auto [p, ec] = std::from_chars(v.text.data(), v.text.data() + v.text.size(), ms);
    if (ec != std::errc() || p != v.text.data() + v.text.size()) return std::nullopt;
    if (ms > INT64_MAX / 1000 || ms < INT64_MIN / 1000) return std::nullopt;
    return ms * 1000;
  }
  return std::nullopt;
}

}  // namespace lakestream::stream
