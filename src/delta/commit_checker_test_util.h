// Test helper: checks a commit file we wrote against the required fields
// and types of PROTOCOL.md ("Actions", "Delta Log Entries", "Writer
// Requirements") plus the commitInfo shape lakestream promises. Returns a
// list of violations (empty when the commit is valid).
//
// Thread-safety: pure functions.
#pragma once

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace lakestream::delta::testing {

inline std::vector<std::string> CheckCommitFile(const std::string& text, int64_t version,
                                                std::vector<std::string> partition_columns = {}) {
  using nlohmann::json;
  std::vector<std::string> errs;
  auto err = [&](const std::string& s) {
    errs.push_back("v" + std::to_string(version) + ": " + s);
  };
  auto need = [&](const json& o, const char* action, const char* key, auto pred, const char* what,
                  bool required = true) {
    auto it = o.find(key);
    if (it == o.end() || it->is_null()) {
      if (required) err(std::string(action) + "." + key + " is required");
      return;
    }
    if (!pred(*it)) err(std::string(action) + "." + key + " is not " + what);
  };
  auto is_str = [](const json& j) { return j.is_string(); };
  auto is_int = [](const json& j) { return j.is_number_integer(); };
  auto is_bool = [](const json& j) { return j.is_boolean(); };
  auto is_obj = [](const json& j) { return j.is_object(); };
  auto is_str_map = [](const json& j) {
    if (!j.is_object()) return false;
    for (auto& [k, v] : j.items()) {
      if (!v.is_string() && !v.is_null()) return false;
    }
    return true;
  };
  auto is_str_list = [](const json& j) {
    if (!j.is_array()) return false;
    for (auto& v : j) {
      if (!v.is_string()) return false;
    }
    return true;
  };
  std::istringstream in(text);
  std::string line;
  int n = 0, metadata = 0, protocol = 0;
  std::set<std::string> add_paths, remove_paths, app_ids;
  while (std::getline(in, line)) {
    if (line.empty()) {
      err("empty line");
      continue;
    }
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || j.size() != 1) {
      err("line is not a single-action JSON object: " + line);
      continue;
    }
    ++n;
    const std::string kind = j.begin().key();
    const json& a = j.begin().value();
    if (!a.is_object()) {
      err(kind + " is not an object");
      continue;
    }
    if (kind == "commitInfo") {
      if (n != 1) err("commitInfo is not the first action");
      need(a, "commitInfo", "timestamp", is_int, "an integer");
      need(a, "commitInfo", "operation", is_str, "a string");
      need(a, "commitInfo", "operationParameters", is_str_map, "a string map");
      need(a, "commitInfo", "operationMetrics", is_str_map, "a string map");
      need(a, "commitInfo", "isBlindAppend", is_bool, "a boolean");
      need(a, "commitInfo", "engineInfo", is_str, "a string");
      if (a.value("engineInfo", "") != "lakestream/0.1.0") err("commitInfo.engineInfo");
      need(a, "commitInfo", "inCommitTimestamp", is_int, "an integer", false);
      if (a.contains("inCommitTimestamp") && a["inCommitTimestamp"] != a["timestamp"]) {
        err("commitInfo.timestamp differs from its inCommitTimestamp");
      }
    } else if (kind == "protocol") {
      ++protocol;
      need(a, "protocol", "minReaderVersion", is_int, "an integer");
      need(a, "protocol", "minWriterVersion", is_int, "an integer");
      // PROTOCOL.md "Table Features": reader 3 has readerFeatures, writer 7 writerFeatures,
      // lower versions neither; a reader feature is a writer feature too.
      const bool r3 = a.value("minReaderVersion", 0) == 3, w7 = a.value("minWriterVersion", 0) == 7;
      if (r3 != a.contains("readerFeatures")) err("protocol.readerFeatures iff reader version 3");
      if (w7 != a.contains("writerFeatures")) err("protocol.writerFeatures iff writer version 7");
      if (r3 && !w7) err("protocol: reader version 3 needs writer version 7");
      if (r3 && w7 && is_str_list(a["readerFeatures"]) && is_str_list(a["writerFeatures"])) {
        for (const auto& f : a["readerFeatures"]) {
          if (std::find(a["writerFeatures"].begin(), a["writerFeatures"].end(), f) ==
              a["writerFeatures"].end()) {
            err("protocol: reader feature " + f.get<std::string>() + " not a writer feature");
          }
        }
      }
    } else if (kind == "metaData") {
      ++metadata;
      need(a, "metaData", "id", is_str, "a string");
      need(a, "metaData", "format", is_obj, "an object");
      if (a.contains("format") && !a["format"].value("provider", json()).is_string()) {
        err("metaData.format.provider is required");
      }
      need(a, "metaData", "schemaString", is_str, "a string");
      if (a.contains("schemaString") && a["schemaString"].is_string()) {
        json s = json::parse(a["schemaString"].get<std::string>(), nullptr, false);
        if (s.is_discarded() || s.value("type", "") != "struct" || !s["fields"].is_array()) {
          err("metaData.schemaString is not a struct type");
        }
      }
      need(a, "metaData", "partitionColumns", is_str_list, "a string list");
      need(a, "metaData", "configuration", is_str_map, "a string map");
      need(a, "metaData", "createdTime", is_int, "an integer", false);
      if (a.contains("partitionColumns") && a["partitionColumns"].is_array()) {
        partition_columns = a["partitionColumns"].get<std::vector<std::string>>();
      }
    } else if (kind == "add") {
      need(a, "add", "path", is_str, "a string");
      need(a, "add", "partitionValues", is_str_map, "a string map");
      need(a, "add", "size", is_int, "an integer");
      need(a, "add", "modificationTime", is_int, "an integer");
      need(a, "add", "dataChange", is_bool, "a boolean");
      need(a, "add", "stats", is_str, "a string", false);
      std::string path = a.value("path", "");
      if (!add_paths.insert(path).second) err("add " + path + " twice");
      if (a.contains("partitionValues") && a["partitionValues"].is_object()) {
        std::set<std::string> keys;
        for (auto& [k, v] : a["partitionValues"].items()) keys.insert(k);
        if (keys != std::set<std::string>(partition_columns.begin(), partition_columns.end())) {
          err("add " + path + ": partitionValues keys differ from partitionColumns");
        }
      }
      if (a.contains("stats") && a["stats"].is_string()) {
        json s = json::parse(a["stats"].get<std::string>(), nullptr, false);
        if (s.is_discarded() || !s.is_object() || !s["numRecords"].is_number_integer()) {
          err("add " + path + ": stats without an integer numRecords");
        }
      }
    } else if (kind == "remove") {
      need(a, "remove", "path", is_str, "a string");
      need(a, "remove", "dataChange", is_bool, "a boolean");
      need(a, "remove", "deletionTimestamp", is_int, "an integer", false);
      if (a.value("extendedFileMetadata", false)) {
        need(a, "remove", "partitionValues", is_str_map, "a string map");
        need(a, "remove", "size", is_int, "an integer");
      }
      std::string path = a.value("path", "");
      if (!remove_paths.insert(path).second) err("remove " + path + " twice");
    } else if (kind == "txn") {
      need(a, "txn", "appId", is_str, "a string");
      need(a, "txn", "version", is_int, "an integer");
      need(a, "txn", "lastUpdated", is_int, "an integer", false);
      if (!app_ids.insert(a.value("appId", "")).second) err("two txn for one appId");
    } else {
      err("unexpected action " + kind);
    }
  }
  if (metadata > 1) err("more than one metaData");
  if (protocol > 1) err("more than one protocol");
  if (version == 0 && (metadata != 1 || protocol != 1)) err("version 0 lacks protocol/metaData");
  return errs;
}

}  // namespace lakestream::delta::testing
