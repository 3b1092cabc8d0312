// PercentEncode: RFC 3986 percent-encoding of everything but the unreserved characters
// (ALPHA / DIGIT / "-" / "." / "_" / "~") and the characters of `keep` ("/" for URL paths).
// The one encoder behind io's UrlEncodePath/UrlEncodeComponent, Delta's add.path URIs
// (delta::EncodeUriPath), OData's form and query encoding, stream's txn appIds and the
// redactor's matching of URL-encoded secrets. Bytes >= 0x80 are always encoded.
//
// Thread-safety: a pure function.
#pragma once

#include <string>
#include <string_view>

namespace lakestream {

std::string PercentEncode(std::string_view s, std::string_view keep = {});

}  // namespace lakestream
