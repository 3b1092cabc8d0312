// Catalog object name rules (names.h).
#include "catalog/names.h"

#include <cstdio>
#include <vector>

namespace lakestream::catalog {
namespace {

bool Allowed(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '-' || c == '@';
}

// The name as it can be printed in a message: control and non-ASCII bytes as \xNN, and at
// most 80 characters of it.
std::string Printable(std::string_view name) {
  std::string out;
  for (char c : name.substr(0, 80)) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  if (name.size() > 80) out += "...";
  return out;
}

std::vector<std::string_view> SplitDots(std::string_view s) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    parts.push_back(s.substr(start, dot == std::string_view::npos ? s.npos : dot - start));
    if (dot == std::string_view::npos) return parts;
    start = dot + 1;
  }
}

}  // namespace

Result<std::string> NormalizeName(std::string_view kind, std::string_view name) {
  std::string where = "catalog: " + std::string(kind) + " name '" + Printable(name) + "'";
  if (name.empty()) return Status::InvalidArgument("catalog: " + std::string(kind) + " name is empty");
  if (name.size() > kMaxNameLength) {
    return Status::InvalidArgument(where + " is longer than " + std::to_string(kMaxNameLength) +
                                   " characters");
  }
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    if (!Allowed(c)) {
      return Status::InvalidArgument(
          where +
          ": a name holds only ASCII letters, digits, '_', '-' and '@' (no period, space, '/', "
          "quote, control or non-ASCII character)");
    }
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

Result<TableName> ParseTableName(std::string_view full_name) {
  std::vector<std::string_view> parts = SplitDots(full_name);
  if (parts.size() != 3) {
    return Status::InvalidArgument("catalog: table name '" + Printable(full_name) +
                                   "' is not catalog.schema.table");
  }
  TableName n;
  ASSIGN_OR_RETURN(n.catalog, NormalizeName("catalog", parts[0]));
  ASSIGN_OR_RETURN(n.schema, NormalizeName("schema", parts[1]));
  ASSIGN_OR_RETURN(n.table, NormalizeName("table", parts[2]));
  return n;
}

Result<SchemaName> ParseSchemaName(std::string_view full_name) {
  std::vector<std::string_view> parts = SplitDots(full_name);
  if (parts.size() != 2) {
    return Status::InvalidArgument("catalog: schema name '" + Printable(full_name) +
                                   "' is not catalog.schema");
  }
  SchemaName n;
  ASSIGN_OR_RETURN(n.catalog, NormalizeName("catalog", parts[0]));
  ASSIGN_OR_RETURN(n.schema, NormalizeName("schema", parts[1]));
  return n;
}

bool LooksLikeTableName(std::string_view arg) {
  if (arg.find_first_of("/\\:") != std::string_view::npos) return false;
  std::vector<std::string_view> parts = SplitDots(arg);
  if (parts.size() != 3) return false;
  for (std::string_view p : parts) {
    if (p.empty()) return false;
  }
  return true;
}

}  // namespace lakestream::catalog
