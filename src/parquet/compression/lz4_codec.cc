// LZ4_RAW: one raw LZ4 block. LZ4 (deprecated): Hadoop's framing, a sequence
// of [big-endian uncompressed length][big-endian compressed length][raw LZ4
// block]; when that framing does not fit the data, the page is read as one
// raw LZ4 block, as some older writers produced.
#include <lz4.h>

#include <climits>

#include "parquet/compression/codecs_internal.h"

namespace lakestream::parquet::internal {
namespace {

uint32_t LoadBE32(const char* p) {
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
}

void AppendBE32(std::string* out, uint32_t v) {
  const char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                     static_cast<char>(v >> 8), static_cast<char>(v)};
  out->append(b, 4);
}

Status CompressRaw(CompressionCodec codec, std::string_view input, std::string* out,
                   size_t offset) {
  if (input.size() > LZ4_MAX_INPUT_SIZE) {
    return Status::InvalidArgument("parquet: " + std::string(CompressionName(codec)) +
                                   ": input too large");
  }
  const int bound = LZ4_compressBound(static_cast<int>(input.size()));
  out->resize(offset + static_cast<size_t>(bound));
  const int n = LZ4_compress_default(input.data(), out->data() + offset,
                                     static_cast<int>(input.size()), bound);
  if (n <= 0 && !input.empty()) {
    return Status::Internal("parquet: " + std::string(CompressionName(codec)) +
                            ": compression failed");
  }
  out->resize(offset + static_cast<size_t>(n));
  return Status::OK();
}

// Decompresses one raw block into exactly `size` bytes; false otherwise.
bool DecompressRaw(std::string_view input, size_t size, char* out) {
  if (input.size() > INT_MAX || size > INT_MAX) return false;
  // An empty block is one 0 token; also accept no bytes at all for no data.
  if (size == 0) return input.empty() || (input.size() == 1 && input[0] == 0);
  const int n = LZ4_decompress_safe(input.data(), out, static_cast<int>(input.size()),
                                    static_cast<int>(size));
  return n >= 0 && static_cast<size_t>(n) == size;
}

class Lz4RawCodec final : public Codec {
 public:
  Status Compress(std::string_view input, std::string* out) override {
    return CompressRaw(codec(), input, out, 0);
  }
  Status Decompress(std::string_view input, size_t uncompressed_size, char* out) override {
    if (!DecompressRaw(input, uncompressed_size, out)) {
      return CodecError(codec(), "malformed block or not exactly " +
                                     std::to_string(uncompressed_size) + " bytes");
    }
    return Status::OK();
  }
  CompressionCodec codec() const override { return CompressionCodec::kLz4Raw; }
};

class Lz4HadoopCodec final : public Codec {
 public:
  Status Compress(std::string_view input, std::string* out) override {
    out->clear();
    AppendBE32(out, static_cast<uint32_t>(input.size()));
    out->append(4, '\0');
    RETURN_IF_ERROR(CompressRaw(codec(), input, out, 8));
    const auto n = static_cast<uint32_t>(out->size() - 8);
    for (int i = 0; i < 4; ++i) (*out)[4 + i] = static_cast<char>(n >> (24 - 8 * i));
    return Status::OK();
  }

  Status Decompress(std::string_view input, size_t uncompressed_size, char* out) override {
    if (DecompressHadoop(input, uncompressed_size, out)) return Status::OK();
    if (DecompressRaw(input, uncompressed_size, out)) return Status::OK();
    return CodecError(codec(), "neither Hadoop-framed nor raw LZ4 of exactly " +
                                   std::to_string(uncompressed_size) + " bytes");
  }

  CompressionCodec codec() const override { return CompressionCodec::kLz4; }

 private:
  static bool DecompressHadoop(std::string_view input, size_t size, char* out) {
    size_t produced = 0;
    while (!input.empty()) {
      if (input.size() < 8) return false;
      const uint32_t block_size = LoadBE32(input.data());
      const uint32_t compressed = LoadBE32(input.data() + 4);
      input.remove_prefix(8);
      if (compressed > input.size() || block_size > size - produced) return false;
      if (!DecompressRaw(input.substr(0, compressed), block_size, out + produced)) return false;
      produced += block_size;
      input.remove_prefix(compressed);
    }
    return produced == size;
  }
};

}  // namespace

std::unique_ptr<Codec> MakeLz4RawCodec() { return std::make_unique<Lz4RawCodec>(); }
std::unique_ptr<Codec> MakeLz4HadoopCodec() { return std::make_unique<Lz4HadoopCodec>(); }

}  // namespace lakestream::parquet::internal
