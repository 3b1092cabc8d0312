// Typed, non-throwing field access on nlohmann::json objects for the Delta
// JSON formats (actions, _last_checkpoint, schemas). Errors are Corruption
// naming the field: "add.size: is not an integer".
//
// Thread-safety: JsonObject is a view; the json it wraps must outlive it.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace lakestream::delta::internal {

// JSON text, invalid UTF-8 replaced (never throws).
inline std::string Dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

class JsonObject {
 public:
  JsonObject(const nlohmann::json& j, std::string where) : j_(j), where_(std::move(where)) {}

  const std::string& where() const { return where_; }

  // The member, or nullptr when absent.
  const nlohmann::json* Find(const char* key) const {
    if (!j_.is_object()) return nullptr;
    auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
  }

  Status Error(const char* key, const std::string& what) const {
    return Status::Corruption(where_ + "." + key + ": " + what);
  }

  // Required fields fail when absent or null; optional ones keep *out.
  Status Str(const char* key, std::string* out, bool required = true) const {
    const nlohmann::json* j = Find(key);
    if (j == nullptr || j->is_null()) return required ? Error(key, "is missing") : Status::OK();
    if (!j->is_string()) return Error(key, "is not a string");
    *out = j->get<std::string>();
    return Status::OK();
  }
  Status OptStr(const char* key, std::optional<std::string>* out) const {
    const nlohmann::json* j = Find(key);
    if (j == nullptr || j->is_null()) return Status::OK();
    if (!j->is_string()) return Error(key, "is not a string");
    *out = j->get<std::string>();
    return Status::OK();
  }
  Status Int64(const char* key, int64_t* out, bool required = true) const {
    const nlohmann::json* j = Find(key);
    if (j == nullptr || j->is_null()) return required ? Error(key, "is missing") : Status::OK();
    if (!j->is_number_integer()) return Error(key, "is not an integer");
    if (j->is_number_unsigned() && j->get<uint64_t>() > uint64_t{INT64_MAX}) {
      return Error(key, "is out of range");
    }
    *out = j->get<int64_t>();
    return Status::OK();
  }
  Status OptInt64(const char* key, std::optional<int64_t>* out) const {
    const nlohmann::json* j = Find(key);
    if (j == nullptr || j->is_null()) return Status::OK();
    int64_t v = 0;
    RETURN_IF_ERROR(Int64(key, &v));
    *out = v;
    return Status::OK();
  }
  Status Int32(const char* key, int32_t* out, bool required = true) const {
    int64_t v = *out;
    RETURN_IF_ERROR(Int64(key, &v, required));
    if (v < INT32_MIN || v > INT32_MAX) return Error(key, "is out of range");
    *out = static_cast<int32_t>(v);
    return Status::OK();
  }
  Status OptInt32(const char* key, std::optional<int32_t>* out) const {
    const nlohmann::json* j = Find(key);
    if (j == nullptr || j->is_null()) return Status::OK();
    int32_t v = 0;
    RETURN_IF_ERROR(Int32(key, &v));
    *out = v;
    return Status::OK();
  }
  Status Bool(const char* key, bool* out, bool required = true) const {
    const nlohmann::json* j = Find(key);
    if (j == nullptr || j->is_null()) return required ? Error(key, "is missing") : Status::OK();
    if (!j->is_boolean()) return Error(key, "is not a boolean");
    *out = j->get<bool>();
    return Status::OK();
  }
  Status OptBool(const char* key, std::optional<bool>* out) const {
    const nlohmann::json* j = Find(key);
    if (j == nullptr || j->is_null()) return Status::OK();
    bool v = false;
    RETURN_IF_ERROR(Bool(key, &v));
    *out = v;
    return Status::OK();
  }
  Status StrList(const char* key, std::vector<std::string>* out, bool required = true) const {
    const nlohmann::json* j = Find(key);
    if (j == nullptr || j->is_null()) return required ? Error(key, "is missing") : Status::OK();
    if (!j->is_array()) return Error(key, "is not an array");
    out->clear();
    for (const auto& e : *j) {
      if (!e.is_string()) return Error(key, "has an element that is not a string");
      out->push_back(e.get<std::string>());
    }
    return Status::OK();
  }
  // A string -> string map; null values are dropped.
  Status OptStringMap(const char* key,
                      std::optional<std::map<std::string, std::string>>* out) const {
    const nlohmann::json* j = Find(key);
    if (j == nullptr || j->is_null()) return Status::OK();
    if (!j->is_object()) return Error(key, "is not an object");
    std::map<std::string, std::string> m;
    for (auto it = j->begin(); it != j->end(); ++it) {
      if (it.value().is_null()) continue;
      m[it.key()] = it.value().is_string() ? it.value().get<std::string>() : Dump(it.value());
    }
    *out = std::move(m);
    return Status::OK();
  }

 private:
  const nlohmann::json& j_;
  std::string where_;
};

}  // namespace lakestream::delta::internal
