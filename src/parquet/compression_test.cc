#include "parquet/compression.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace lakestream::parquet {
namespace {

constexpr CompressionCodec kCodecs[] = {CompressionCodec::kUncompressed, CompressionCodec::kSnappy,
                                        CompressionCodec::kGzip,         CompressionCodec::kZstd,
                                        CompressionCodec::kLz4Raw,       CompressionCodec::kLz4,
                                        CompressionCodec::kBrotli};

class CompressionTest : public ::testing::TestWithParam<CompressionCodec> {
 protected:
  void SetUp() override {
    auto codec = MakeCodec(GetParam());
    ASSERT_TRUE(codec.ok()) << codec.status().ToString();
    codec_ = std::move(*codec);
  }

  // Decompresses into an exactly-sized heap block so ASan sees overruns.
  Status Decompress(std::string_view input, size_t size, std::string* out) {
    std::unique_ptr<char[]> buf(new char[size ? size : 1]);
    std::unique_ptr<char[]> in(new char[input.size() ? input.size() : 1]);
    std::memcpy(in.get(), input.data(), input.size());
    Status st = codec_->Decompress(std::string_view(in.get(), input.size()), size, buf.get());
    if (st.ok()) out->assign(buf.get(), size);
    return st;
  }

  std::string Text(size_t n) {
    static const char* kWords[] = {"lake", "stream", "parquet", "delta", "page", "row "};
    std::string s;
    while (s.size() < n) s += kWords[rng_() % 6];
    s.resize(n);
    return s;
  }

  std::string Noise(size_t n) {
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng_());
    return s;
  }

  std::unique_ptr<Codec> codec_;
  std::mt19937_64 rng_{21};
};

TEST_P(CompressionTest, RoundTripsTextNoiseAndEmptyInputs) {
  for (size_t n : {0, 1, 7, 100, 4096, 100000, 1 << 20}) {
    for (const std::string& input : {Text(n), Noise(n), std::string(n, 'z')}) {
      std::string compressed, restored;
      ASSERT_TRUE(codec_->Compress(input, &compressed).ok());
      Status st = Decompress(compressed, input.size(), &restored);
      ASSERT_TRUE(st.ok()) << CompressionName(GetParam()) << " n=" << n << ": " << st.ToString();
      ASSERT_EQ(restored, input);
    }
  }
}

TEST_P(CompressionTest, OneCodecObjectServesManyPages) {
  for (int page = 0; page < 20; ++page) {
    const std::string input = Text(1000 + static_cast<size_t>(page) * 37);
    std::string compressed, restored;
    ASSERT_TRUE(codec_->Compress(input, &compressed).ok());
    ASSERT_TRUE(Decompress(compressed, input.size(), &restored).ok());
    ASSERT_EQ(restored, input);
  }
}

TEST_P(CompressionTest, WrongStatedSizeIsCorruption) {
  const std::string input = Text(5000);
  std::string compressed, restored;
  ASSERT_TRUE(codec_->Compress(input, &compressed).ok());
  for (size_t size : {size_t{0}, input.size() - 1, input.size() + 1, input.size() * 2}) {
    Status st = Decompress(compressed, size, &restored);
    EXPECT_TRUE(st.IsCorruption())
        << CompressionName(GetParam()) << " size " << size << ": " << st.ToString();
  }
}

TEST_P(CompressionTest, TruncatedInputIsCorruption) {
  if (GetParam() == CompressionCodec::kUncompressed) GTEST_SKIP() << "sizes only";
  const std::string input = Text(3000) + Noise(500);
  std::string compressed, restored;
  ASSERT_TRUE(codec_->Compress(input, &compressed).ok());
  for (size_t len = 0; len < compressed.size(); len += 1 + len / 16) {
    Status st = Decompress(compressed.substr(0, len), input.size(), &restored);
    EXPECT_TRUE(st.IsCorruption())
        << CompressionName(GetParam()) << " len " << len << ": " << st.ToString();
  }
}

TEST_P(CompressionTest, RandomByteFlipsNeverCrash) {
  const std::string input = Text(2000);
  std::string compressed, restored;
  ASSERT_TRUE(codec_->Compress(input, &compressed).ok());
  for (int round = 0; round < 500; ++round) {
    std::string corrupt = compressed;
    corrupt[rng_() % corrupt.size()] = static_cast<char>(rng_());
    Status st = Decompress(corrupt, input.size(), &restored);
    ASSERT_TRUE(st.ok() || st.IsCorruption()) << st.ToString();
  }
}

TEST_P(CompressionTest, ReportsItsCodec) { EXPECT_EQ(codec_->codec(), GetParam()); }

INSTANTIATE_TEST_SUITE_P(AllCodecs, CompressionTest, ::testing::ValuesIn(kCodecs),
                         [](const ::testing::TestParamInfo<CompressionCodec>& info) {
                           return std::string(CompressionName(info.param));
                         });

class CompressionCodecTest : public ::testing::Test {};

TEST_F(CompressionCodecTest, LzoIsNotSupportedAndSaysSo) {
  auto codec = MakeCodec(CompressionCodec::kLzo);
  ASSERT_TRUE(codec.status().IsNotSupported());
  EXPECT_NE(codec.status().message().find("LZO"), std::string::npos);
}

TEST_F(CompressionCodecTest, LevelsOutsideTheirRangeAreInvalid) {
  EXPECT_TRUE(MakeCodec(CompressionCodec::kZstd, 23).status().IsInvalidArgument());
  EXPECT_TRUE(MakeCodec(CompressionCodec::kGzip, 10).status().IsInvalidArgument());
  EXPECT_TRUE(MakeCodec(CompressionCodec::kZstd, 19).ok());
  EXPECT_TRUE(MakeCodec(CompressionCodec::kGzip, 1).ok());
}

TEST_F(CompressionCodecTest, HigherZstdLevelsCompressText) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "row " + std::to_string(i % 100) + ";";
  std::string fast, strong;
  ASSERT_TRUE((*MakeCodec(CompressionCodec::kZstd, 1))->Compress(text, &fast).ok());
  ASSERT_TRUE((*MakeCodec(CompressionCodec::kZstd, 19))->Compress(text, &strong).ok());
  EXPECT_LT(strong.size(), text.size() / 10);
  EXPECT_LE(strong.size(), fast.size());
}

TEST_F(CompressionCodecTest, GzipWritesGzipFramingAndReadsZlibStreams) {
  auto codec = MakeCodec(CompressionCodec::kGzip).value();
  const std::string input = "hello hello hello hello parquet";
  std::string gz;
  ASSERT_TRUE(codec->Compress(input, &gz).ok());
  ASSERT_GE(gz.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1f);  // gzip magic
  EXPECT_EQ(static_cast<unsigned char>(gz[1]), 0x8b);

  // A zlib (RFC 1950) stream, as some writers produce.
  std::string zlib(compressBound(input.size()), '\0');
  uLongf zlen = zlib.size();
  ASSERT_EQ(compress(reinterpret_cast<Bytef*>(zlib.data()), &zlen,
                     reinterpret_cast<const Bytef*>(input.data()), input.size()),
            Z_OK);
  zlib.resize(zlen);
  std::string out(input.size(), '\0');
  Status st = codec->Decompress(zlib, input.size(), out.data());
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(out, input);

  // Two concatenated gzip members.
  std::string a, b;
  ASSERT_TRUE(codec->Compress("first,", &a).ok());
  ASSERT_TRUE(codec->Compress("second", &b).ok());
  std::string both(12, '\0');
  st = codec->Decompress(a + b, 12, both.data());
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(both, "first,second");
}

TEST_F(CompressionCodecTest, Lz4ReadsHadoopFramingAndFallsBackToRawBlocks) {
  auto hadoop = MakeCodec(CompressionCodec::kLz4).value();
  auto raw = MakeCodec(CompressionCodec::kLz4Raw).value();
  const std::string input(3000, 'q');
  std::string framed, block;
  ASSERT_TRUE(hadoop->Compress(input, &framed).ok());
  ASSERT_TRUE(raw->Compress(input, &block).ok());
  // Hadoop framing: big-endian uncompressed and compressed lengths.
  ASSERT_EQ(framed.size(), block.size() + 8);
  EXPECT_EQ(framed.substr(0, 4), std::string("\x00\x00\x0b\xb8", 4));
  EXPECT_EQ(framed.substr(8), block);

  std::string out(input.size(), '\0');
  ASSERT_TRUE(hadoop->Decompress(framed, input.size(), out.data()).ok());
  EXPECT_EQ(out, input);
  out.assign(input.size(), '\0');
  ASSERT_TRUE(hadoop->Decompress(block, input.size(), out.data()).ok());  // raw fallback
  EXPECT_EQ(out, input);

  // Two Hadoop blocks back to back.
  std::string f1, f2;
  ASSERT_TRUE(hadoop->Compress("abcabcabc", &f1).ok());
  ASSERT_TRUE(hadoop->Compress("xyz", &f2).ok());
  std::string two(12, '\0');
  ASSERT_TRUE(hadoop->Decompress(f1 + f2, 12, two.data()).ok());
  EXPECT_EQ(two, "abcabcabcxyz");
}

TEST(CompressionFromNameTest, NamesEveryCodecWeWriteAndRefusesTheRest) {
  EXPECT_EQ(*CompressionFromName("none"), CompressionCodec::kUncompressed);
  EXPECT_EQ(*CompressionFromName("UNCOMPRESSED"), CompressionCodec::kUncompressed);
  EXPECT_EQ(*CompressionFromName("snappy"), CompressionCodec::kSnappy);
  EXPECT_EQ(*CompressionFromName("gzip"), CompressionCodec::kGzip);
  EXPECT_EQ(*CompressionFromName("Zstd"), CompressionCodec::kZstd);
  EXPECT_EQ(*CompressionFromName("lz4_raw"), CompressionCodec::kLz4Raw);
  EXPECT_EQ(*CompressionFromName("lz4"), CompressionCodec::kLz4);
  EXPECT_EQ(*CompressionFromName("brotli"), CompressionCodec::kBrotli);
  EXPECT_TRUE(CompressionFromName("lzo").status().IsNotSupported());
  Status bad = CompressionFromName("zip").status();
  EXPECT_TRUE(bad.IsInvalidArgument());
  EXPECT_NE(bad.message().find("'zip'"), std::string::npos) << bad.ToString();
}

}  // namespace
}  // namespace lakestream::parquet
