// LoadYaml: parses a YAML config document (the pipeline and serve configs) with the checks
// yaml-cpp does not make: a duplicate key in a mapping is an error (yaml-cpp keeps both and a
// lookup silently sees one), and nesting past yaml-cpp's depth guard is reported as such
// (yaml-cpp's own message for it is "bad file").
//
// Errors are InvalidArgument "<what>: line N: ...". Other yaml-cpp exceptions propagate to the
// caller, which reports them with its own context.
//
// Thread-safety: a pure function.
#pragma once

#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "common/status.h"

namespace lakestream::stream {

Result<YAML::Node> LoadYaml(std::string_view text, const std::string& what);

}  // namespace lakestream::stream
