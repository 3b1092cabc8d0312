// BROTLI via libbrotlienc/libbrotlidec (raw brotli streams, no framing).
#include <brotli/decode.h>
#include <brotli/encode.h>

#include "parquet/compression/codecs_internal.h"

namespace lakestream::parquet::internal {
namespace {

class BrotliCodec final : public Codec {
 public:
  explicit BrotliCodec(int quality) : quality_(quality) {}

  Status Compress(std::string_view input, std::string* out) override {
    size_t n = BrotliEncoderMaxCompressedSize(input.size());
    if (n == 0) n = input.size() + 1024;  // 0 means "too large to bound"
    out->resize(n);
    if (!BrotliEncoderCompress(quality_, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, input.size(),
                               reinterpret_cast<const uint8_t*>(input.data()), &n,
                               reinterpret_cast<uint8_t*>(out->data()))) {
      return Status::Internal("parquet: BROTLI: compression failed");
    }
    out->resize(n);
    return Status::OK();
  }

  Status Decompress(std::string_view input, size_t uncompressed_size, char* out) override {
    BrotliDecoderState* state = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
    if (state == nullptr) return Status::Internal("parquet: BROTLI: cannot create a decoder");
    size_t avail_in = input.size();
    const auto* next_in = reinterpret_cast<const uint8_t*>(input.data());
    size_t avail_out = uncompressed_size;
    auto* next_out = reinterpret_cast<uint8_t*>(out);
    const BrotliDecoderResult rc =
        BrotliDecoderDecompressStream(state, &avail_in, &next_in, &avail_out, &next_out, nullptr);
    BrotliDecoderDestroyInstance(state);
    switch (rc) {
      case BROTLI_DECODER_RESULT_SUCCESS:
        break;
      case BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT:
        return CodecError(codec(), "data decompresses to more than the " +
                                       std::to_string(uncompressed_size) +
                                       " bytes the page header says");
      case BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT:
        return CodecError(codec(), "truncated stream");
      default:
        return CodecError(codec(), "malformed stream");
    }
    const size_t produced = uncompressed_size - avail_out;
    if (produced != uncompressed_size) return SizeMismatch(codec(), produced, uncompressed_size);
    return Status::OK();
  }

  CompressionCodec codec() const override { return CompressionCodec::kBrotli; }

 private:
  int quality_;
};

}  // namespace

std::unique_ptr<Codec> MakeBrotliCodec(int quality) {
  return std::make_unique<BrotliCodec>(quality);
}

}  // namespace lakestream::parquet::internal
