// PercentEncode: RFC 3986 percent-encoding of everything but the unreserved characters
// (ALPHA / DIGIT / "-" / "." / "_" / "~"), optionally keeping '/' (for URL paths). The one
// encoder behind io's UrlEncodePath/UrlEncodeComponent, OData's form and query encoding and
// the redactor's matching of URL-encoded secrets.
//
// Thread-safety: a pure function.
#pragma once

#include <string>
#include <string_view>

namespace lakestream {

std::string PercentEncode(std::string_view s, bool keep_slash = false);

}  // namespace lakestream
