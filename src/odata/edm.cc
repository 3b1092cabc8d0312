// EDMX parsing (a small tag scanner: EDMX is regular XML without mixed
// content we need) and EDM value conversion.
#include "odata/edm.h"

#include <cmath>
#include <map>

#include "common/time_format.h"
#include "delta/partition_values.h"
#include "parquet/json_printer.h"

namespace lakestream::odata {
namespace {

struct Tag {
  std::string name;  // without namespace prefix; "/Name" for end tags
  std::map<std::string, std::string> attrs;
  bool self_closing = false;
};

std::string DecodeEntities(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    size_t semi = s.find(';', i);
    if (semi == std::string_view::npos) {
      out += s[i];
      continue;
    }
    std::string_view ent = s.substr(i + 1, semi - i - 1);
    if (ent == "amp")
      out += '&';
    else if (ent == "lt")
      out += '<';
    else if (ent == "gt")
      out += '>';
    else if (ent == "quot")
      out += '"';
    else if (ent == "apos")
      out += '\'';
    else
      out += std::string(s.substr(i, semi - i + 1));
    i = semi;
  }
  return out;
}

std::string LocalName(std::string_view qname) {
  size_t colon = qname.find(':');
  return std::string(colon == std::string_view::npos ? qname : qname.substr(colon + 1));
}

// Splits the document into element tags (comments, PIs and text skipped).
Result<std::vector<Tag>> Tokenize(std::string_view xml) {
  std::vector<Tag> tags;
  size_t i = 0;
  while ((i = xml.find('<', i)) != std::string_view::npos) {
    if (xml.substr(i, 4) == "<!--") {
      size_t e = xml.find("-->", i);
      if (e == std::string_view::npos) return Status::Corruption("edmx: unterminated comment");
      i = e + 3;
      continue;
    }
    if (xml.substr(i, 2) == "<?" || xml.substr(i, 2) == "<!") {
      size_t e = xml.find('>', i);
      if (e == std::string_view::npos) return Status::Corruption("edmx: unterminated declaration");
      i = e + 1;
      continue;
    }
    size_t j = i + 1;
    Tag t;
    bool end = j < xml.size() && xml[j] == '/';
    if (end) ++j;
    size_t name_start = j;
    while (j < xml.size() && !isspace(static_cast<unsigned char>(xml[j])) && xml[j] != '>' &&
           xml[j] != '/') {
      ++j;
    }
    if (j >= xml.size())
      return Status::Corruption("edmx: unterminated tag at byte " + std::to_string(i));
    t.name = (end ? "/" : "") + LocalName(xml.substr(name_start, j - name_start));
    for (;;) {
      while (j < xml.size() && isspace(static_cast<unsigned char>(xml[j]))) ++j;
      if (j >= xml.size()) return Status::Corruption("edmx: unterminated tag " + t.name);
      if (xml[j] == '>') {
        ++j;
        break;
      }
      if (xml[j] == '/' && j + 1 < xml.size() && xml[j + 1] == '>') {
        t.self_closing = true;
        j += 2;
        break;
      }
      size_t a = j;
      while (j < xml.size() && xml[j] != '=' && !isspace(static_cast<unsigned char>(xml[j])) &&
             xml[j] != '>') {
        ++j;
      }
      std::string attr(xml.substr(a, j - a));
      while (j < xml.size() && isspace(static_cast<unsigned char>(xml[j]))) ++j;
      if (j >= xml.size() || xml[j] != '=') {
        return Status::Corruption("edmx: attribute " + attr + " of " + t.name + " has no value");
      }
      ++j;
      while (j < xml.size() && isspace(static_cast<unsigned char>(xml[j]))) ++j;
      if (j >= xml.size() || (xml[j] != '"' && xml[j] != '\'')) {
        return Status::Corruption("edmx: attribute " + attr + " of " + t.name + " is not quoted");
      }
      char q = xml[j++];
      size_t v = j;
      j = xml.find(q, j);
      if (j == std::string_view::npos) {
        return Status::Corruption("edmx: unterminated attribute " + attr);
      }
      t.attrs[attr] = DecodeEntities(xml.substr(v, j - v));
      ++j;
    }
    tags.push_back(std::move(t));
    i = j;
  }
  if (tags.empty()) return Status::Corruption("edmx: no XML elements");
  return tags;
}

std::string Attr(const Tag& t, const std::string& name) {
  auto it = t.attrs.find(name);
  return it == t.attrs.end() ? std::string() : it->second;
}

int IntAttr(const Tag& t, const std::string& name) {
  std::string v = Attr(t, name);
  if (v.empty() || v.size() > 6 || v.find_first_not_of("0123456789") != std::string::npos) {
    return -1;  // absent, "variable", or not a small number
  }
  return std::stoi(v);
}

Result<parquet::Value> Parse(const PropertyInfo& p, const std::string& text) {
  delta::StructField f{p.name, p.type, true, "{}"};
  Result<parquet::Value> r = delta::ParsePartitionValue(f, p.node, text);
  if (!r.ok()) {
    return Status::InvalidArgument("odata: property " + p.name + " (" + p.edm_type + "): value " +
                                   text.substr(0, 60) + " is not a " + p.type.ToString());
  }
  return r;
}

// "/Date(1704067260000+0000)/" -> ms since the epoch (the offset is informative).
std::optional<int64_t> ParseV2Date(const std::string& s) {
  if (s.rfind("/Date(", 0) != 0 || s.size() < 9 || s.substr(s.size() - 2) != ")/") {
    return std::nullopt;
  }
  std::string inner = s.substr(6, s.size() - 8);
  size_t end = 0;
  if (!inner.empty() && inner[0] == '-') end = 1;
  while (end < inner.size() && std::isdigit(static_cast<unsigned char>(inner[end]))) ++end;
  if (end == 0 || (end == 1 && inner[0] == '-') || end > 16) return std::nullopt;
  if (end < inner.size() && inner[end] != '+' && inner[end] != '-') return std::nullopt;
  return std::stoll(inner.substr(0, end));
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

const PropertyInfo* EntitySchema::Find(std::string_view name) const {
  for (const auto& p : properties) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

Result<delta::DeltaType> EdmToDelta(const std::string& edm, int precision, int scale,
                                    bool date_only) {
  using K = delta::DeltaType::Kind;
  delta::DeltaType t;
  if (edm == "Edm.String" || edm == "Edm.Guid" || edm == "Edm.TimeOfDay" || edm == "Edm.Time" ||
      edm == "Edm.Duration") {
    t.kind = K::kString;
  } else if (edm == "Edm.Boolean") {
    t.kind = K::kBoolean;
  } else if (edm == "Edm.Byte" || edm == "Edm.SByte" || edm == "Edm.Int16") {
    t.kind = K::kShort;
  } else if (edm == "Edm.Int32") {
    t.kind = K::kInteger;
  } else if (edm == "Edm.Int64") {
    t.kind = K::kLong;
  } else if (edm == "Edm.Single") {
    t.kind = K::kFloat;
  } else if (edm == "Edm.Double") {
    t.kind = K::kDouble;
  } else if (edm == "Edm.Decimal") {
    t.kind = K::kDecimal;
    if (precision <= 0 || precision > 38) {
      t.precision = 38;
      t.scale = scale >= 0 && scale <= 38 ? scale : 18;
    } else {
      t.precision = precision;
      t.scale = scale >= 0 && scale <= precision ? scale : 0;
    }
  } else if (edm == "Edm.Date") {
    t.kind = K::kDate;
  } else if (edm == "Edm.DateTime") {
    t.kind = date_only ? K::kDate : K::kTimestamp;
  } else if (edm == "Edm.DateTimeOffset") {
    t.kind = K::kTimestamp;
  } else if (edm == "Edm.Binary") {
    t.kind = K::kBinary;
  } else {
    return Status::NotSupported("odata: EDM type " + edm + " is not supported");
  }
  return t;
}

Result<EntitySchema> ParseEdmx(std::string_view xml, const std::string& entity_set) {
  ASSIGN_OR_RETURN(std::vector<Tag> tags, Tokenize(xml));
  std::string type_name;
  for (const auto& t : tags) {
    if (t.name == "EntitySet" && Attr(t, "Name") == entity_set) type_name = Attr(t, "EntityType");
  }
  if (type_name.empty()) {
    return Status::NotFound("odata: $metadata has no entity set " + entity_set);
  }
  // The type's simple name and namespace ("NS.Type" or an alias).
  std::string simple = type_name.substr(type_name.rfind('.') + 1);
  EntitySchema schema;
  schema.entity_set = entity_set;
  schema.entity_type = type_name;
  bool in_type = false, found = false;
  for (const auto& t : tags) {
    if (t.name == "EntityType" && Attr(t, "Name") == simple) {
      in_type = !t.self_closing;
      found = true;
      continue;
    }
    if (!in_type) continue;
    if (t.name == "/EntityType") break;
    if (t.name == "PropertyRef") schema.keys.push_back(Attr(t, "Name"));
    if (t.name != "Property") continue;
    PropertyInfo p;
    p.name = Attr(t, "Name");
    p.edm_type = Attr(t, "Type");
    p.nullable = Attr(t, "Nullable") != "false";
    bool date_only = Attr(t, "sap:display-format") == "Date";
    Result<delta::DeltaType> dt =
        EdmToDelta(p.edm_type, IntAttr(t, "Precision"), IntAttr(t, "Scale"), date_only);
    if (!dt.ok()) continue;  // complex/enum/stream properties are not loaded
    p.type = *dt;
    delta::StructField f{p.name, p.type, true, "{}"};
    ASSIGN_OR_RETURN(p.node, delta::ToParquetField(f));
    schema.properties.push_back(std::move(p));
  }
  if (!found) return Status::NotFound("odata: $metadata has no entity type " + type_name);
  for (const auto& k : schema.keys) {
    if (!schema.Find(k)) {
      return Status::NotSupported("odata: " + entity_set + ": key property " + k +
                                  " has an unsupported type");
    }
  }
  return schema;
}

Result<parquet::Value> JsonToValue(const PropertyInfo& p, const nlohmann::json& v) {
  using K = delta::DeltaType::Kind;
  if (v.is_null()) return parquet::Value::Null();
  auto bad = [&]() {
    return Status::InvalidArgument("odata: property " + p.name + " (" + p.edm_type + "): value " +
                                   v.dump().substr(0, 60) + " is not a " + p.type.ToString());
  };
  switch (p.type.kind) {
    case K::kString:
      if (!v.is_string()) return bad();
      return parquet::Value::Bytes(v.get<std::string>());
    case K::kBinary: {
      if (!v.is_string()) return bad();
      return parquet::Value::Bytes(v.get<std::string>());
    }
    case K::kBoolean:
      if (!v.is_boolean()) return bad();
      return parquet::Value::Bool(v.get<bool>());
    case K::kDate:
    case K::kTimestamp: {
      if (!v.is_string()) return bad();
      std::string s = v.get<std::string>();
      std::optional<int64_t> ms = ParseV2Date(s);
      if (ms) {
        if (p.type.kind == K::kDate) {
          return parquet::Value::Int32(static_cast<int32_t>(FloorDiv(*ms, 86400000)));
        }
        return parquet::Value::Int64(*ms * 1000);
      }
      return Parse(p, s);
    }
    case K::kFloat:
    case K::kDouble:
      if (v.is_string()) {
        std::string s = v.get<std::string>();
        if (s == "INF" || s == "-INF" || s == "NaN") {
          double d = s == "NaN" ? NAN : (s[0] == '-' ? -INFINITY : INFINITY);
          return p.type.kind == K::kFloat ? parquet::Value::Float(static_cast<float>(d))
                                          : parquet::Value::Double(d);
        }
        return Parse(p, s);
      }
      if (!v.is_number()) return bad();
      return p.type.kind == K::kFloat ? parquet::Value::Float(v.get<float>())
                                      : parquet::Value::Double(v.get<double>());
    default:  // integers and decimals: JSON numbers or strings
      if (v.is_string()) return Parse(p, v.get<std::string>());
      if (!v.is_number()) return bad();
      return Parse(p, v.dump());
  }
}

std::string FilterLiteral(const PropertyInfo& p, const std::string& text, bool v2) {
  using K = delta::DeltaType::Kind;
  switch (p.type.kind) {
    case K::kTimestamp:
      if (!v2) return text;
      if (p.edm_type == "Edm.DateTimeOffset") return "datetimeoffset'" + text + "'";
      // V2 Edm.DateTime has no zone: drop the trailing Z.
      return "datetime'" +
             (text.size() && text.back() == 'Z' ? text.substr(0, text.size() - 1) : text) + "'";
    case K::kDate:
      return v2 ? "datetime'" + text + "T00:00:00'" : text;
    case K::kString: {
      std::string out = "'";
      for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
      return out + "'";
    }
    case K::kDecimal:
      return v2 ? text + "M" : text;
    case K::kLong:
      return v2 ? text + "L" : text;
    default:
      return text;
  }
}

std::string WatermarkText(const PropertyInfo& p, const parquet::Value& v) {
  using K = delta::DeltaType::Kind;
  if (v.is_null()) return "";
  switch (p.type.kind) {
    case K::kTimestamp:
      return FormatTimestampMicros(v.i64);
    case K::kDate:
      return FormatDate(v.i32);
    case K::kString:
      return v.bytes;
    default: {
      std::string out;
      parquet::AppendValueJson(p.node, v, &out);
      if (out.size() >= 2 && out.front() == '"') out = out.substr(1, out.size() - 2);
      return out;
    }
  }
}

}  // namespace lakestream::odata
