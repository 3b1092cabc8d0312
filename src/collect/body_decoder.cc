#include "collect/body_decoder.h"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cctype>

#include "common/json_escape.h"

namespace lakestream::collect {
namespace {

DecodeResult Fail(int status, std::string reason) {
  DecodeResult r;
  r.http_status = status;
  r.reason = std::move(reason);
  return r;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // Trim surrounding blanks: "gzip " is gzip.
  while (!out.empty() && out.back() == ' ') out.pop_back();
  size_t i = 0;
  while (i < out.size() && out[i] == ' ') ++i;
  return out.substr(i);
}

// The output cap for this body: the smaller of the absolute cap and the ratio cap.
int64_t OutputCap(std::string_view encoded, const DecodeLimits& limits) {
  int64_t by_ratio = static_cast<int64_t>(encoded.size()) * limits.max_ratio;
  return std::min(limits.max_output_bytes, std::max<int64_t>(by_ratio, 4096));
}

std::string CapReason(const char* enc, const DecodeLimits& limits, int64_t cap) {
  if (cap < limits.max_output_bytes) {
    return std::string(enc) + " body expands more than " + std::to_string(limits.max_ratio) +
           "x (decompression ratio cap)";
  }
  return std::string(enc) + " body decodes to more than " +
         std::to_string(limits.max_output_bytes) + " bytes";
}

// window_bits: 16+15 gzip, 15 zlib, -15 raw deflate.
DecodeResult Inflate(std::string_view in, int window_bits, const char* enc, int64_t cap,
                     const DecodeLimits& limits) {
  z_stream zs{};
  if (inflateInit2(&zs, window_bits) != Z_OK) return Fail(500, "zlib init failed");
  DecodeResult r;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  char buf[16384];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      return Fail(400, std::string(enc) + " body is corrupt" + (zs.msg ? std::string(": ") + zs.msg : ""));
    }
    r.body.append(buf, sizeof(buf) - zs.avail_out);
    if (static_cast<int64_t>(r.body.size()) > cap) {
      inflateEnd(&zs);
      return Fail(413, CapReason(enc, limits, cap));
    }
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
      inflateEnd(&zs);
      return Fail(400, std::string(enc) + " body is truncated");
    }
  }
  inflateEnd(&zs);
  return r;
}

DecodeResult Unzstd(std::string_view in, int64_t cap, const DecodeLimits& limits) {
  ZSTD_DStream* ds = ZSTD_createDStream();
  if (ds == nullptr) return Fail(500, "zstd init failed");
  ZSTD_initDStream(ds);
  DecodeResult r;
  ZSTD_inBuffer ib{in.data(), in.size(), 0};
  char buf[16384];
  size_t last = 1;
  while (ib.pos < ib.size || last != 0) {
    ZSTD_outBuffer ob{buf, sizeof(buf), 0};
    last = ZSTD_decompressStream(ds, &ob, &ib);
    if (ZSTD_isError(last)) {
      ZSTD_freeDStream(ds);
      return Fail(400, std::string("zstd body is corrupt: ") + ZSTD_getErrorName(last));
    }
    r.body.append(buf, ob.pos);
    if (static_cast<int64_t>(r.body.size()) > cap) {
      ZSTD_freeDStream(ds);
      return Fail(413, CapReason("zstd", limits, cap));
    }
    if (ib.pos == ib.size && ob.pos == 0 && last != 0) {
      ZSTD_freeDStream(ds);
      return Fail(400, "zstd body is truncated");
    }
  }
  ZSTD_freeDStream(ds);
  return r;
}

}  // namespace

DecodeResult DecodeBody(std::string_view content_encoding, std::string_view encoded,
                        const DecodeLimits& limits) {
  std::string enc = Lower(content_encoding);
  int64_t cap = OutputCap(encoded, limits);
  DecodeResult r;
  if (enc.empty() || enc == "identity") {
    if (static_cast<int64_t>(encoded.size()) > limits.max_output_bytes) {
      return Fail(413, "body is larger than " + std::to_string(limits.max_output_bytes) + " bytes");
    }
    r.body.assign(encoded);
  } else if (enc == "gzip" || enc == "x-gzip") {
    r = Inflate(encoded, 16 + MAX_WBITS, "gzip", cap, limits);
  } else if (enc == "deflate") {
    // RFC 9110 says zlib-wrapped; some clients send raw deflate. A zlib stream
    // starts with a header whose 16-bit value is a multiple of 31.
    bool zlib_wrapped = encoded.size() >= 2 && (static_cast<unsigned char>(encoded[0]) & 0x0f) == 8 &&
                        ((static_cast<unsigned char>(encoded[0]) << 8) |
                         static_cast<unsigned char>(encoded[1])) % 31 == 0;
    r = Inflate(encoded, zlib_wrapped ? MAX_WBITS : -MAX_WBITS, "deflate", cap, limits);
  } else if (enc == "zstd") {
    r = Unzstd(encoded, cap, limits);
  } else {
    return Fail(415, "Content-Encoding '" + enc.substr(0, 40) +
                         "' is not supported (identity, gzip, deflate, zstd)");
  }
  if (r.http_status != 200) return r;
  if (!IsValidUtf8(r.body)) return Fail(400, "body is not valid UTF-8");
  return r;
}

}  // namespace lakestream::collect
