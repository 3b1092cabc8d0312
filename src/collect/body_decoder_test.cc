#include "collect/body_decoder.h"

#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

namespace lakestream::collect {
namespace {

std::string Deflate(const std::string& in, int window_bits) {
  z_stream zs{};
  deflateInit2(&zs, 9, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, in.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string Zstd(const std::string& in) {
  std::string out(ZSTD_compressBound(in.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3));
  return out;
}

const std::string kBody = R"([{"event_id":"e1","type":"page_view"},{"event_id":"e2"}])";

class BodyDecoderTest : public ::testing::Test {};

TEST_F(BodyDecoderTest, EveryEncodingDecodesToTheSameBody) {
  DecodeLimits lim;
  EXPECT_EQ(DecodeBody("", kBody, lim).body, kBody);
  EXPECT_EQ(DecodeBody("identity", kBody, lim).body, kBody);
  EXPECT_EQ(DecodeBody("gzip", Deflate(kBody, 16 + 15), lim).body, kBody);
  EXPECT_EQ(DecodeBody("GZIP", Deflate(kBody, 16 + 15), lim).body, kBody);
  EXPECT_EQ(DecodeBody("deflate", Deflate(kBody, 15), lim).body, kBody);   // zlib-wrapped
  EXPECT_EQ(DecodeBody("deflate", Deflate(kBody, -15), lim).body, kBody);  // raw, as some browsers send
  EXPECT_EQ(DecodeBody("zstd", Zstd(kBody), lim).body, kBody);
}

TEST_F(BodyDecoderTest, AZipBombIsRefusedByTheRatioCapBeforeItExpands) {
  std::string zeros(50 << 20, 'a');  // 50 MiB of one byte: ~50 KiB gzip'd
  DecodeLimits lim{int64_t{100} << 20, 100};
  for (auto [enc, bytes] : {std::pair{"gzip", Deflate(zeros, 31)}, {"zstd", Zstd(zeros)}}) {
    DecodeResult r = DecodeBody(enc, bytes, lim);
    EXPECT_EQ(r.http_status, 413) << enc;
    EXPECT_NE(r.reason.find("ratio"), std::string::npos) << r.reason;
    EXPECT_TRUE(r.body.empty());
  }
}

TEST_F(BodyDecoderTest, TheOutputCapHoldsForEveryEncoding) {
  std::string big(300000, 'x');
  for (char& c : big) c = static_cast<char>('a' + (&c - big.data()) * 7919 % 26);
  DecodeLimits lim{100000, 1000};
  EXPECT_EQ(DecodeBody("", big, lim).http_status, 413);
  DecodeResult r = DecodeBody("gzip", Deflate(big, 31), lim);
  EXPECT_EQ(r.http_status, 413);
  EXPECT_NE(r.reason.find("100000 bytes"), std::string::npos) << r.reason;
  EXPECT_EQ(DecodeBody("zstd", Zstd(big), lim).http_status, 413);
}

TEST_F(BodyDecoderTest, UnknownEncodingsAre415AndCorruptStreams400) {
  DecodeResult r = DecodeBody("br", "xx", {});
  EXPECT_EQ(r.http_status, 415);
  EXPECT_NE(r.reason.find("'br'"), std::string::npos);
  EXPECT_EQ(DecodeBody("gzip", "not gzip at all", {}).http_status, 400);
  EXPECT_EQ(DecodeBody("zstd", "not zstd", {}).http_status, 400);
  std::string gz = Deflate(kBody, 31);
  r = DecodeBody("gzip", gz.substr(0, gz.size() / 2), {});
  EXPECT_EQ(r.http_status, 400);
  EXPECT_NE(r.reason.find("truncated"), std::string::npos) << r.reason;
}

TEST_F(BodyDecoderTest, BytesThatAreNotUtf8Are400) {
  std::string bad = "[{\"name\":\"caf\xe9\"}]";  // Latin-1, not UTF-8
  DecodeResult r = DecodeBody("", bad, {});
  EXPECT_EQ(r.http_status, 400);
  EXPECT_NE(r.reason.find("UTF-8"), std::string::npos);
  EXPECT_EQ(DecodeBody("gzip", Deflate(bad, 31), {}).http_status, 400);
  EXPECT_EQ(DecodeBody("", "[{\"name\":\"caf\xc3\xa9\"}]", {}).http_status, 200);
}

}  // namespace
}  // namespace lakestream::collect
