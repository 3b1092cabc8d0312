#include "stream/yaml_load.h"

#include <set>

#include <yaml-cpp/depthguard.h>

namespace lakestream::stream {
namespace {

Status CheckDuplicateKeys(const YAML::Node& n, const std::string& what) {
  if (n.IsSequence()) {
    for (const YAML::Node& item : n) RETURN_IF_ERROR(CheckDuplicateKeys(item, what));
  } else if (n.IsMap()) {
    std::set<std::string> seen;
    for (const auto& kv : n) {
      if (kv.first.IsScalar() && !seen.insert(kv.first.Scalar()).second) {
        return Status::InvalidArgument(what + ": line " + std::to_string(kv.first.Mark().line + 1) +
                                       ": duplicate key '" + kv.first.Scalar() + "'");
      }
      RETURN_IF_ERROR(CheckDuplicateKeys(kv.second, what));
    }
  }
  return Status::OK();
}

}  // namespace

Result<YAML::Node> LoadYaml(std::string_view text, const std::string& what) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::DeepRecursion& e) {
    return Status::InvalidArgument(what + ": line " + std::to_string(e.mark.line + 1) +
                                   ": nested deeper than " + std::to_string(e.depth()) +
                                   " levels");
  }
  // The walk is as deep as the document, which the depth guard above has bounded.
  RETURN_IF_ERROR(CheckDuplicateKeys(root, what));
  return root;
}

}  // namespace lakestream::stream
