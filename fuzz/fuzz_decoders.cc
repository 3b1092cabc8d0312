// libFuzzer target for every decoder of untrusted page bytes: value decoders
// (all encodings and physical types), RLE and BIT_PACKED levels, and the
// compression codecs. The first bytes choose what to run; the rest is the
// page.
//
//   byte 0      target: 0 values, 1 levels, 2 decompress
//   values:     1 encoding, 2 physical type, 3 type_length, 4-5 count, 6 dictionary size
//   levels:     1 max level, 2-3 count
//   decompress: 1 codec, 2-4 uncompressed size
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "parquet/compression.h"
#include "parquet/encoding/encoding.h"

namespace lp = lakestream::parquet;

namespace {

constexpr lp::Encoding kEncodings[] = {lp::Encoding::kPlain,
                                       lp::Encoding::kPlainDictionary,
                                       lp::Encoding::kRle,
                                       lp::Encoding::kBitPacked,
                                       lp::Encoding::kDeltaBinaryPacked,
                                       lp::Encoding::kDeltaLengthByteArray,
                                       lp::Encoding::kDeltaByteArray,
                                       lp::Encoding::kRleDictionary,
                                       lp::Encoding::kByteStreamSplit};

// A small dictionary of `n` entries of the column's type.
lp::ColumnValues MakeDictionary(lp::PhysicalType type, int32_t type_length, size_t n) {
  lp::ColumnValues d(type, type_length);
  for (size_t i = 0; i < n; ++i) {
    switch (type) {
      case lp::PhysicalType::kBoolean:
        d.bools.push_back(i & 1);
        break;
      case lp::PhysicalType::kInt32:
        d.i32.push_back(static_cast<int32_t>(i));
        break;
      case lp::PhysicalType::kInt64:
        d.i64.push_back(static_cast<int64_t>(i));
        break;
      case lp::PhysicalType::kInt96:
        d.i96.push_back(lp::Int96{{0, 0, static_cast<uint32_t>(i)}});
        break;
      case lp::PhysicalType::kFloat:
        d.f32.push_back(static_cast<float>(i));
        break;
      case lp::PhysicalType::kDouble:
        d.f64.push_back(static_cast<double>(i));
        break;
      case lp::PhysicalType::kByteArray:
        d.bytes.Append(std::string(i % 5, 'a'));
        break;
      case lp::PhysicalType::kFixedLenByteArray:
        d.bytes.Append(std::string(static_cast<size_t>(type_length), static_cast<char>(i)));
        break;
    }
  }
  return d;
}

void FuzzValues(const uint8_t* header, const uint8_t* data, size_t len) {
  const lp::Encoding encoding = kEncodings[header[1] % std::size(kEncodings)];
  const auto type = static_cast<lp::PhysicalType>(header[2] % 8);
  const int32_t type_length = header[3] % 17;  // 0 exercises the FLBA check
  const size_t count = (size_t{header[4]} | (size_t{header[5]} << 8)) % 4097;
  const lp::ColumnValues dict = MakeDictionary(type, type_length, header[6] % 40);
  auto decoder = lp::MakeValueDecoder(encoding, type, type_length, data, len, &dict);
  if (!decoder.ok()) return;
  lp::ColumnValues out(type, type_length);
  const size_t first = count / 3;
  if (!(*decoder)->Decode(first, &out).ok()) return;
  (void)(*decoder)->Decode(count - first, &out);
}

void FuzzLevels(const uint8_t* header, const uint8_t* data, size_t len) {
  const int max_level = header[1] % 40;
  const size_t count = (size_t{header[2]} | (size_t{header[3]} << 8)) % 8193;
  std::vector<int16_t> levels(count);
  (void)lp::DecodeLevelsRle(data, len, max_level, count, levels.data());
  (void)lp::DecodeLevelsBitPacked(data, len, max_level, count, levels.data());
}

void FuzzDecompress(const uint8_t* header, const uint8_t* data, size_t len) {
  const auto codec_id = static_cast<lp::CompressionCodec>(header[1] % 8);
  const size_t size =
      (size_t{header[2]} | (size_t{header[3]} << 8) | (size_t{header[4]} << 16)) % (1 << 20);
  auto codec = lp::MakeCodec(codec_id);
  if (!codec.ok()) return;
  std::unique_ptr<char[]> out(new char[size ? size : 1]);
  (void)(*codec)->Decompress(std::string_view(reinterpret_cast<const char*>(data), len), size,
                             out.get());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* input, size_t size) {
  constexpr size_t kHeader = 8;
  if (size < kHeader) return 0;
  // Copy the page into an exactly-sized block so ASan sees any overrun.
  const size_t len = size - kHeader;
  std::unique_ptr<uint8_t[]> page(new uint8_t[len ? len : 1]);
  if (len) std::memcpy(page.get(), input + kHeader, len);
  switch (input[0] % 3) {
    case 0:
      FuzzValues(input, page.get(), len);
      break;
    case 1:
      FuzzLevels(input, page.get(), len);
      break;
    case 2:
      FuzzDecompress(input, page.get(), len);
      break;
  }
  return 0;
}
