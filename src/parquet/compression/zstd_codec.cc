// ZSTD via libzstd, with one compression and one decompression context per
// Codec object, reused across pages.
#include <zstd.h>

#include "parquet/compression/codecs_internal.h"

namespace lakestream::parquet::internal {
namespace {

class ZstdCodec final : public Codec {
 public:
  explicit ZstdCodec(int level) : level_(level) {}
  ~ZstdCodec() override {
    ZSTD_freeCCtx(cctx_);
    ZSTD_freeDCtx(dctx_);
  }

  Status Compress(std::string_view input, std::string* out) override {
    if (cctx_ == nullptr && (cctx_ = ZSTD_createCCtx()) == nullptr) {
      return Status::Internal("parquet: ZSTD: cannot create a compression context");
    }
    out->resize(ZSTD_compressBound(input.size()));
    const size_t n =
        ZSTD_compressCCtx(cctx_, out->data(), out->size(), input.data(), input.size(), level_);
    if (ZSTD_isError(n)) {
      return Status::Internal(std::string("parquet: ZSTD: ") + ZSTD_getErrorName(n));
    }
    out->resize(n);
    return Status::OK();
  }

  Status Decompress(std::string_view input, size_t uncompressed_size, char* out) override {
    if (dctx_ == nullptr && (dctx_ = ZSTD_createDCtx()) == nullptr) {
      return Status::Internal("parquet: ZSTD: cannot create a decompression context");
    }
    // Writes at most uncompressed_size bytes; more output is an error.
    const size_t n = ZSTD_decompressDCtx(dctx_, out, uncompressed_size, input.data(), input.size());
    if (ZSTD_isError(n)) {
      return CodecError(codec(), std::string("malformed data: ") + ZSTD_getErrorName(n));
    }
    if (n != uncompressed_size) return SizeMismatch(codec(), n, uncompressed_size);
    return Status::OK();
  }

  CompressionCodec codec() const override { return CompressionCodec::kZstd; }

 private:
  int level_;
  ZSTD_CCtx* cctx_ = nullptr;
  ZSTD_DCtx* dctx_ = nullptr;
};

}  // namespace

Result<std::unique_ptr<Codec>> MakeZstdCodec(int level) {
  return std::unique_ptr<Codec>(new ZstdCodec(level));
}

}  // namespace lakestream::parquet::internal
