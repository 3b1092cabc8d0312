// Base64 (RFC 4648, standard alphabet, padded).
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lakestream {

void AppendBase64(std::string_view in, std::string* out);
std::string Base64Encode(std::string_view in);
// nullopt if `in` is not valid padded base64.
std::optional<std::string> Base64Decode(std::string_view in);

}  // namespace lakestream
