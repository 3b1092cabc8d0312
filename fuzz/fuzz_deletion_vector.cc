// libFuzzer target for deletion vectors (untrusted bytes from the log and from DV files):
// the RoaringBitmapArray decoder, Z85, and the whole load path (file framing, size,
// CRC-32, cardinality) through an in-memory file. Successful decodes are re-serialized
// and must decode to the same rows.
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "delta/deletion_vector.h"
#include "delta/z85.h"
#include "io/file_system.h"

using lakestream::delta::DeletedRows;
using lakestream::delta::DeletionVector;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  // 1. The bitmap itself, capped as a descriptor's cardinality would cap it.
  auto rows = lakestream::delta::ParseRoaringBitmapArray(in, int64_t{1} << 20);
  if (rows.ok()) {
    std::string again = lakestream::delta::SerializeRoaringBitmapArray(rows->rows());
    auto back = lakestream::delta::ParseRoaringBitmapArray(again, rows->cardinality());
    if (!back.ok() || back->rows() != rows->rows()) __builtin_trap();
  }
  // 2. Z85 text (inline DVs, UUIDs).
  auto z = lakestream::delta::Z85Decode(in);
  if (z.ok() && lakestream::delta::Z85Encode(*z) != in) __builtin_trap();
  // 3. A DV file: the first 8 bytes pick offset and size; the rest is the file, whose own
  //    checksum is patched in half of the cases so the bitmap decoder is reached.
  if (size < 8) return 0;
  DeletionVector dv;
  dv.storage_type = "p";
  dv.path_or_inline_dv = "/t/dv.bin";
  dv.offset = data[0] % 16;
  dv.size_in_bytes = static_cast<int32_t>(data[1] | (data[2] << 8));
  dv.cardinality = data[3] | (data[4] << 8);
  std::string file(in.substr(8));
  if ((data[5] & 1) && file.size() >= static_cast<size_t>(*dv.offset) + 8 + dv.size_in_bytes) {
    size_t at = static_cast<size_t>(*dv.offset) + 4;
    uint32_t crc = static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(file.data() + at),
                                               static_cast<uInt>(dv.size_in_bytes)));
    for (int i = 0; i < 4; ++i) file[at + dv.size_in_bytes + i] = static_cast<char>(crc >> (24 - 8 * i));
  }
  auto fs = lakestream::io::NewMemoryFileSystem();
  if (!fs->PutIfAbsent("/t/dv.bin", file).ok()) __builtin_trap();
  auto loaded = lakestream::delta::LoadDeletionVector(*fs, "/t", "part-0.parquet", dv);
  if (loaded.ok() && loaded->cardinality() != dv.cardinality) __builtin_trap();
  return 0;
}
