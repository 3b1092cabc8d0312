// libFuzzer target: the Blob service's XML (List Blobs pages, error bodies)
// as the Azure backend reads it. Bytes from the network are untrusted; the
// element finder and unescaper must never read out of bounds or crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/redact.h"
#include "io/azure_credentials.h"
#include "io/azure_xml.h"
#include "io/http_client.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view xml(reinterpret_cast<const char*>(data), size);
  for (const auto& blob : lakestream::io::XmlFindAll(xml, "Blob")) {
    (void)lakestream::io::XmlText(blob.inner, "Name");
    (void)lakestream::io::XmlText(blob.inner, "Content-Length");
  }
  (void)lakestream::io::XmlText(xml, "NextMarker");
  (void)lakestream::io::XmlUnescape(xml);
  (void)lakestream::io::UrlDecode(xml, true);
  (void)lakestream::Redact(xml, {"secret"});
  return 0;
}
