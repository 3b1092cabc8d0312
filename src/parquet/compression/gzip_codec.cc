// GZIP via zlib. Writes gzip framing (RFC 1952); reads gzip or zlib streams
// (zlib's automatic header detection), including concatenated gzip members.
// The z_streams are kept across calls and reset, not reallocated.
#include <zlib.h>

#include <climits>
#include <cstring>

#include "parquet/compression/codecs_internal.h"

namespace lakestream::parquet::internal {
namespace {

class GzipCodec final : public Codec {
 public:
  explicit GzipCodec(int level) : level_(level) {}
  ~GzipCodec() override {
    if (deflate_ready_) deflateEnd(&deflate_);
    if (inflate_ready_) inflateEnd(&inflate_);
  }

  Status Compress(std::string_view input, std::string* out) override {
    if (input.size() > UINT_MAX) {
      return Status::InvalidArgument("parquet: GZIP: input of " + std::to_string(input.size()) +
                                     " bytes is too large");
    }
    if (!deflate_ready_) {
      std::memset(&deflate_, 0, sizeof(deflate_));
      if (deflateInit2(&deflate_, level_, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        return Status::Internal("parquet: GZIP: deflateInit2 failed");
      }
      deflate_ready_ = true;
    } else if (deflateReset(&deflate_) != Z_OK) {
      return Status::Internal("parquet: GZIP: deflateReset failed");
    }
    out->resize(deflateBound(&deflate_, static_cast<uLong>(input.size())));
    deflate_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    deflate_.avail_in = static_cast<uInt>(input.size());
    deflate_.next_out = reinterpret_cast<Bytef*>(out->data());
    deflate_.avail_out = static_cast<uInt>(out->size());
    if (deflate(&deflate_, Z_FINISH) != Z_STREAM_END) {
      return Status::Internal("parquet: GZIP: deflate did not finish within deflateBound");
    }
    out->resize(out->size() - deflate_.avail_out);
    return Status::OK();
  }

  Status Decompress(std::string_view input, size_t uncompressed_size, char* out) override {
    if (input.size() > UINT_MAX || uncompressed_size > UINT_MAX) {
      return CodecError(codec(), "page too large");
    }
    if (!inflate_ready_) {
      std::memset(&inflate_, 0, sizeof(inflate_));
      if (inflateInit2(&inflate_, 15 + 32) != Z_OK) {
        return Status::Internal("parquet: GZIP: inflateInit2 failed");
      }
      inflate_ready_ = true;
    } else if (inflateReset(&inflate_) != Z_OK) {
      return Status::Internal("parquet: GZIP: inflateReset failed");
    }
    char dummy;
    inflate_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    inflate_.avail_in = static_cast<uInt>(input.size());
    inflate_.next_out = reinterpret_cast<Bytef*>(uncompressed_size ? out : &dummy);
    inflate_.avail_out = static_cast<uInt>(uncompressed_size);
    while (true) {
      const int rc = inflate(&inflate_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        // Another gzip member may follow (concatenated streams).
        if (inflate_.avail_in > 0 && inflate_.avail_out > 0) {
          if (inflateReset(&inflate_) != Z_OK) {
            return Status::Internal("parquet: GZIP: inflateReset failed");
          }
          continue;
        }
        break;
      }
      if (rc == Z_OK) continue;
      if (rc == Z_BUF_ERROR) {
        if (inflate_.avail_out == 0) {
          return CodecError(codec(), "data decompresses to more than the " +
                                         std::to_string(uncompressed_size) +
                                         " bytes the page header says");
        }
        return CodecError(codec(), "truncated stream");
      }
      return CodecError(
          codec(), std::string("malformed stream: ") + (inflate_.msg ? inflate_.msg : zError(rc)));
    }
    const size_t produced = uncompressed_size - inflate_.avail_out;
    if (produced != uncompressed_size) return SizeMismatch(codec(), produced, uncompressed_size);
    return Status::OK();
  }

  CompressionCodec codec() const override { return CompressionCodec::kGzip; }

 private:
  int level_;
  z_stream deflate_;
  z_stream inflate_;
  bool deflate_ready_ = false;
  bool inflate_ready_ = false;
};

}  // namespace

std::unique_ptr<Codec> MakeGzipCodec(int level) { return std::make_unique<GzipCodec>(level); }

}  // namespace lakestream::parquet::internal
