#include "collect/event_batch.h"

#include <simdjson.h>

#include <array>

#include "collect/query_string.h"
#include "common/json_escape.h"
#include "common/time_format.h"
#include "common/uuid.h"

namespace lakestream::collect {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

constexpr std::array<std::string_view, 5> kServerFields = {
    "received_at", "collector_id", "client_ip", "user_agent", "event_id_assigned"};
constexpr std::array<std::string_view, 3> kKeyFields = {"user_id", "device_id", "anonymous_id"};

bool IsServerField(std::string_view k) {
  for (auto f : kServerFields) {
    if (k == f) return true;
  }
  return false;
}

struct Builder {
  const Enrichment& enrich;
  const BatchLimits& limits;
  std::string received_at;
  ParsedBatch out;

  bool Refuse(int status, std::string reason) {
    out.http_status = status;
    out.reason = std::move(reason);
    out.records.clear();
    return false;
  }

  bool Add(element e, size_t index) {
    std::string at = "event " + std::to_string(index) + ": ";
    object obj;
    if (e.get_object().get(obj) != simdjson::SUCCESS) {
      return Refuse(400, at + "not a JSON object");
    }
    EventRecord rec;
    std::string& v = rec.value;
    v.reserve(256);
    v.push_back('{');
    std::string_view event_id;
    std::string_view key;
    size_t key_rank = kKeyFields.size();
    for (auto field : obj) {
      std::string_view k = field.key;
      if (IsServerField(k)) continue;
      if (k == "event_id") {
        if (field.value.get_string().get(event_id) != simdjson::SUCCESS || event_id.empty()) {
          return Refuse(400, at + "event_id must be a non-empty string");
        }
        if (event_id.size() > 128) return Refuse(400, at + "event_id is longer than 128 bytes");
      }
      for (size_t r = 0; r < key_rank; ++r) {
        std::string_view s;
        if (k == kKeyFields[r] && field.value.get_string().get(s) == simdjson::SUCCESS &&
            !s.empty()) {
          key = s;
          key_rank = r;
        }
      }
      if (v.size() > 1) v.push_back(',');
      AppendJsonString(k, &v);
      v.push_back(':');
      v += simdjson::minify(field.value);
    }
    if (static_cast<int64_t>(v.size()) + 1 > limits.max_event_bytes) {
      return Refuse(413, at + "is " + std::to_string(v.size() + 1) + " bytes, over the " +
                             std::to_string(limits.max_event_bytes) + "-byte event limit");
    }
    std::string assigned;
    if (event_id.empty()) {
      assigned = NewUuid();
      event_id = assigned;
      if (v.size() > 1) v.push_back(',');
      v += "\"event_id\":";
      AppendJsonString(assigned, &v);
      v += ",\"event_id_assigned\":true";
      ++out.assigned_ids;
    }
    if (v.size() > 1) v.push_back(',');
    v += "\"received_at\":\"";
    v += received_at;
    v += "\",\"collector_id\":";
    AppendJsonString(enrich.collector_id, &v);
    if (!enrich.client_ip.empty()) {
      v += ",\"client_ip\":";
      AppendJsonString(enrich.client_ip, &v);
    }
    if (!enrich.user_agent.empty()) {
      v += ",\"user_agent\":";
      AppendJsonString(enrich.user_agent, &v);
    }
    v.push_back('}');
    rec.key.assign(key.empty() ? event_id : key);
    out.bytes += static_cast<int64_t>(v.size());
    out.records.push_back(std::move(rec));
    if (static_cast<int64_t>(out.records.size()) > limits.max_events) {
      return Refuse(413, "more than " + std::to_string(limits.max_events) + " events in one request");
    }
    return true;
  }
};

simdjson::dom::parser& Parser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

std::string JsonError(simdjson::error_code e) { return simdjson::error_message(e); }

}  // namespace

ParsedBatch ParseAndEnrich(std::string_view body, BodyShape shape, const Enrichment& enrich,
                           const BatchLimits& limits) {
  Builder b{enrich, limits, {}, {}};
  AppendTimestampMicros(enrich.received_at_micros, &b.received_at);
  size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    b.Refuse(400, "body is empty");
    return std::move(b.out);
  }
  auto& parser = Parser();
  if (body[first] == '[' || shape == BodyShape::kSingle) {
    element doc;
    auto err = parser.parse(body.data(), body.size()).get(doc);
    if (err != simdjson::SUCCESS) {
      b.Refuse(400, "body is not JSON: " + JsonError(err));
      return std::move(b.out);
    }
    if (shape == BodyShape::kSingle) {
      if (doc.is_array()) {
        b.Refuse(400, "POST /v1/event takes one JSON object; send arrays to /v1/batch");
      } else {
        b.Add(doc, 0);
      }
      return std::move(b.out);
    }
    size_t i = 0;
    for (element e : doc.get_array()) {
      if (!b.Add(e, i++)) break;
    }
    if (i == 0) b.Refuse(400, "batch has no events");
    return std::move(b.out);
  }
  // {"batch": [...]} (Segment's envelope) or NDJSON, one object per line.
  size_t nl = body.find('\n', first);
  std::string_view first_line = body.substr(first, nl == std::string_view::npos ? body.npos : nl - first);
  element doc;
  if (nl == std::string_view::npos || body.find_first_not_of(" \t\r\n", nl) == body.npos) {
    if (parser.parse(first_line.data(), first_line.size()).get(doc) == simdjson::SUCCESS) {
      element batch;
      if (doc.is_object() && doc["batch"].get(batch) == simdjson::SUCCESS && batch.is_array()) {
        size_t i = 0;
        for (element e : batch.get_array()) {
          if (!b.Add(e, i++)) break;
        }
        if (i == 0) b.Refuse(400, "batch has no events");
        return std::move(b.out);
      }
    }
  }
  size_t index = 0;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t end = body.find('\n', pos);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = body.substr(pos, end - pos);
    pos = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    if (static_cast<int64_t>(line.size()) > limits.max_event_bytes) {
      b.Refuse(413, "event " + std::to_string(index) + ": is over the " +
                        std::to_string(limits.max_event_bytes) + "-byte event limit");
      return std::move(b.out);
    }
    auto err = parser.parse(line.data(), line.size()).get(doc);
    if (err != simdjson::SUCCESS) {
      b.Refuse(400, "event " + std::to_string(index) + " (line): not JSON: " + JsonError(err));
      return std::move(b.out);
    }
    if (!b.Add(doc, index++)) return std::move(b.out);
  }
  if (index == 0) b.Refuse(400, "batch has no events");
  return std::move(b.out);
}

std::string PixelEventJson(std::string_view query, const std::vector<std::string>& skip) {
  std::string v = "{";
  for (const auto& [k, val] : ParseQuery(query)) {
    bool skipped = false;
    for (const auto& s : skip) skipped = skipped || k == s;
    if (skipped || k.empty()) continue;
    if (v.size() > 1) v.push_back(',');
    AppendJsonString(k, &v);
    v.push_back(':');
    AppendJsonString(val, &v);
  }
  v.push_back('}');
  return v;
}

}  // namespace lakestream::collect
