// SNAPPY: raw snappy blocks (no framing), via libsnappy.
#include <snappy.h>

#include "parquet/compression/codecs_internal.h"

namespace lakestream::parquet::internal {
namespace {

class SnappyCodec final : public Codec {
 public:
  Status Compress(std::string_view input, std::string* out) override {
    out->resize(snappy::MaxCompressedLength(input.size()));
    size_t n = 0;
    snappy::RawCompress(input.data(), input.size(), out->data(), &n);
    out->resize(n);
    return Status::OK();
  }

  Status Decompress(std::string_view input, size_t uncompressed_size, char* out) override {
    size_t stated = 0;
    if (!snappy::GetUncompressedLength(input.data(), input.size(), &stated)) {
      return CodecError(codec(), "malformed length header");
    }
    if (stated != uncompressed_size) return SizeMismatch(codec(), stated, uncompressed_size);
    if (!snappy::RawUncompress(input.data(), input.size(), out)) {
      return CodecError(codec(), "malformed compressed data");
    }
    return Status::OK();
  }

  CompressionCodec codec() const override { return CompressionCodec::kSnappy; }
};

}  // namespace

std::unique_ptr<Codec> MakeSnappyCodec() { return std::make_unique<SnappyCodec>(); }

}  // namespace lakestream::parquet::internal
