// Test helpers for column-mapped schemas (delta/column_mapping.h): one
// field's JSON with its physical name and id, as Spark writes them.
#pragma once

#include <string>

namespace lakestream::delta::testing {

// {"name":NAME,"type":TYPE,"nullable":true,"metadata":{id, physicalName}};
// `type_json` is the type's JSON ("long", or a nested type object).
inline std::string MappedField(const std::string& name, const std::string& type_json,
                               const std::string& physical, int id) {
  return R"({"name":")" + name + R"(","type":)" +
         (type_json.front() == '{' ? type_json : "\"" + type_json + "\"") +
         R"(,"nullable":true,"metadata":{"delta.columnMapping.id":)" + std::to_string(id) +
         R"(,"delta.columnMapping.physicalName":")" + physical + R"("}})";
}

// A struct type's JSON from field JSONs joined with commas.
inline std::string StructJson(const std::string& fields) {
  return R"({"type":"struct","fields":[)" + fields + "]}";
}

}  // namespace lakestream::delta::testing
