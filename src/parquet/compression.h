// Page compression codecs (the CompressionCodec of a column chunk).
//
// Decompression works on untrusted bytes: the caller states the expected
// uncompressed size from the page header, and anything else (too short, too
// long, malformed) is Corruption. Output is never allowed to grow past the
// stated size, so a hostile page cannot make us allocate unboundedly.
//
// Thread-safety: a Codec object is single-threaded; make one per thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "parquet/types.h"

namespace lakestream::parquet {

class Codec {
 public:
  virtual ~Codec() = default;
  // Replaces `out` with the compressed form of `input`.
  virtual Status Compress(std::string_view input, std::string* out) = 0;
  // Decompresses `input` into out[0, uncompressed_size). Corruption unless it
  // yields exactly uncompressed_size bytes.
  virtual Status Decompress(std::string_view input, size_t uncompressed_size, char* out) = 0;
  virtual CompressionCodec codec() const = 0;
};

// A codec for `codec`. `level` applies to ZSTD (1..22, default 3) and GZIP
// (1..9, default 6); 0 means the default. NotSupported, naming the codec, for
// codecs we do not build with (LZO, and any not linked in).
Result<std::unique_ptr<Codec>> MakeCodec(CompressionCodec codec, int level = 0);

// The codec a user names on a command line or in a config, case-insensitively: none (or
// uncompressed), snappy, gzip, zstd, lz4_raw, lz4 (Parquet's deprecated Hadoop-framed LZ4,
// codec 5) or brotli. InvalidArgument listing the names for anything else; NotSupported for
// LZO, which we can read the name of but not write.
Result<CompressionCodec> CompressionFromName(std::string_view name);

}  // namespace lakestream::parquet
