// MakeCodec: level validation and dispatch to one file per codec under
// compression/. UNCOMPRESSED lives here.
#include "parquet/compression.h"

#include <cctype>
#include <cstring>

#include "parquet/compression/codecs_internal.h"

namespace lakestream::parquet {
namespace {

class UncompressedCodec final : public Codec {
 public:
  Status Compress(std::string_view input, std::string* out) override {
    out->assign(input);
    return Status::OK();
  }
  Status Decompress(std::string_view input, size_t uncompressed_size, char* out) override {
    if (input.size() != uncompressed_size) {
      return internal::SizeMismatch(codec(), input.size(), uncompressed_size);
    }
    if (!input.empty()) std::memcpy(out, input.data(), input.size());
    return Status::OK();
  }
  CompressionCodec codec() const override { return CompressionCodec::kUncompressed; }
};

Status BadLevel(CompressionCodec codec, int level, int lo, int hi) {
  return Status::InvalidArgument("parquet: " + std::string(CompressionName(codec)) + ": level " +
                                 std::to_string(level) + " outside " + std::to_string(lo) + ".." +
                                 std::to_string(hi));
}

}  // namespace

Result<std::unique_ptr<Codec>> MakeCodec(CompressionCodec codec, int level) {
  switch (codec) {
    case CompressionCodec::kUncompressed:
      return std::unique_ptr<Codec>(new UncompressedCodec);
    case CompressionCodec::kSnappy:
      return internal::MakeSnappyCodec();
    case CompressionCodec::kGzip:
      if (level == 0) level = 6;
      if (level < 1 || level > 9) return BadLevel(codec, level, 1, 9);
      return internal::MakeGzipCodec(level);
    case CompressionCodec::kZstd:
      if (level == 0) level = 3;
      if (level < 1 || level > 22) return BadLevel(codec, level, 1, 22);
      return internal::MakeZstdCodec(level);
    case CompressionCodec::kLz4Raw:
      return internal::MakeLz4RawCodec();
    case CompressionCodec::kLz4:
      return internal::MakeLz4HadoopCodec();
    case CompressionCodec::kBrotli:
      // Brotli quality 1..11; 0 means a middle setting that compresses well
      // without the slowness of the top levels.
      if (level == 0) level = 5;
      if (level < 1 || level > 11) return BadLevel(codec, level, 1, 11);
      return internal::MakeBrotliCodec(level);
    case CompressionCodec::kLzo:
      break;
  }
  return Status::NotSupported("parquet: compression codec " + std::string(CompressionName(codec)) +
                              " is not supported");
}

Result<CompressionCodec> CompressionFromName(std::string_view name) {
  std::string n;
  for (char c : name) n += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (n == "none" || n == "uncompressed") return CompressionCodec::kUncompressed;
  if (n == "snappy") return CompressionCodec::kSnappy;
  if (n == "gzip") return CompressionCodec::kGzip;
  if (n == "zstd") return CompressionCodec::kZstd;
  if (n == "lz4_raw") return CompressionCodec::kLz4Raw;
  if (n == "lz4") return CompressionCodec::kLz4;
  if (n == "brotli") return CompressionCodec::kBrotli;
  if (n == "lzo") return Status::NotSupported("parquet: compression codec LZO is not supported");
  return Status::InvalidArgument("unknown compression '" + std::string(name) +
                                 "' (none, snappy, gzip, zstd, lz4_raw, lz4, brotli)");
}

}  // namespace lakestream::parquet
