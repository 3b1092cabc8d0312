// libFuzzer target for the footer and page-header decoders: any input must
// parse or fail cleanly; whatever parses must serialize to bytes that parse
// again to the same encoding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "parquet/metadata.h"

namespace {

using lakestream::parquet::DeserializeFileMetaData;
using lakestream::parquet::DeserializePageHeader;
using lakestream::parquet::SerializeFileMetaData;
using lakestream::parquet::SerializePageHeader;

const uint8_t* Data(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

void CheckFileMetaData(const uint8_t* data, size_t size) {
  auto md = DeserializeFileMetaData(data, size);
  if (!md.ok()) return;
  std::string once;
  SerializeFileMetaData(*md, &once);
  auto again = DeserializeFileMetaData(Data(once), once.size());
  if (!again.ok()) abort();
  std::string twice;
  SerializeFileMetaData(*again, &twice);
  if (once != twice) abort();
}

void CheckPageHeader(const uint8_t* data, size_t size) {
  size_t len = 0;
  auto header = DeserializePageHeader(data, size, &len);
  if (!header.ok()) return;
  if (len == 0 || len > size) abort();
  std::string once;
  SerializePageHeader(*header, &once);
  size_t once_len = 0;
  auto again = DeserializePageHeader(Data(once), once.size(), &once_len);
  if (!again.ok() || once_len != once.size()) abort();
  std::string twice;
  SerializePageHeader(*again, &twice);
  if (once != twice) abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  CheckFileMetaData(data, size);
  CheckPageHeader(data, size);
  return 0;
}
