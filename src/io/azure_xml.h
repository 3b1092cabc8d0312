// The little XML the Blob service speaks: List Blobs results and error
// bodies. Not a general parser: it finds elements by tag name, which is all
// these flat, machine-written documents need, and never reads out of bounds
// on malformed input (it just finds nothing).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lakestream::io {

// One element: its raw inner XML and whether its start tag carried
// Encoded="true" (List Blobs percent-encodes names XML cannot hold).
struct XmlElement {
  std::string_view inner;
  bool encoded = false;
};

// Every <tag ...>inner</tag> in `xml`, in order (not nested inside itself).
std::vector<XmlElement> XmlFindAll(std::string_view xml, std::string_view tag);
// The decoded text of the first <tag>, or empty.
std::string XmlText(std::string_view xml, std::string_view tag);
// Decodes &lt; &gt; &amp; &quot; &apos; and &#N; / &#xN; references.
std::string XmlUnescape(std::string_view s);
// Escapes text for an XML element body.
std::string XmlEscape(std::string_view s);

}  // namespace lakestream::io
