// Request body decoding for the collector: Content-Encoding (identity, gzip,
// deflate, zstd) with caps on the decoded size and on the expansion ratio, so
// a small compressed body cannot expand into gigabytes (a zip bomb), then a
// UTF-8 check of the decoded bytes.
//
// Errors carry the HTTP status the collector answers with: 415 for an
// unknown encoding, 413 when a cap is exceeded, 400 for a corrupt stream or
// bytes that are not UTF-8. Messages name the encoding and the limit.
//
// Thread-safety: pure functions. Ownership: returns owned strings.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace lakestream::collect {

struct DecodeLimits {
  int64_t max_output_bytes = 1 << 20;  // decoded body cap (the batch limit)
  int64_t max_ratio = 100;             // decoded size / encoded size cap
};

struct DecodeResult {
  int http_status = 200;  // 200 when `body` holds the decoded bytes
  std::string reason;     // why not, for the response and the log
  std::string body;
};

// Decodes `encoded` as `content_encoding` ("" or "identity", "gzip",
// "x-gzip", "deflate", "zstd"; case-insensitive) and checks the result is
// UTF-8. "deflate" accepts the zlib wrapper (RFC 9110) and raw deflate, as
// browsers disagree on which they send.
DecodeResult DecodeBody(std::string_view content_encoding, std::string_view encoded,
                        const DecodeLimits& limits);

}  // namespace lakestream::collect
