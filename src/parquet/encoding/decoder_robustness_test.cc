// Every decoder against truncated and randomly corrupted pages: the result
// is either the right values or Corruption, never a crash, an out-of-bounds
// read (run under ASan) or a different error code.
#include <gtest/gtest.h>

#include <random>

#include "parquet/encoding/encoding.h"
#include "parquet/encoding/encoding_test_util.h"

namespace lakestream::parquet {
namespace {

using testing::EncodePage;
using testing::ExactBuffer;
using testing::RandomValues;
using testing::SameValues;

struct Case {
  Encoding encoding;
  PhysicalType type;
  int32_t type_length;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << EncodingName(c.encoding) << "/" << PhysicalTypeName(c.type);
}

class DecoderRobustnessTest : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    const Case& c = GetParam();
    values_ = RandomValues(c.type, c.type_length, 100, rng_, 12);
    if (c.encoding == Encoding::kRleDictionary) {
      auto encoder = MakeDictionaryEncoder(c.type, c.type_length);
      page_ = EncodePage(encoder.get(), values_);
      dict_ = encoder->dictionary();
    } else {
      auto encoder = MakeValueEncoder(c.encoding, c.type, c.type_length);
      ASSERT_TRUE(encoder.ok()) << encoder.status().ToString();
      page_ = EncodePage(encoder->get(), values_);
    }
  }

  // Decodes `bytes` as the whole page; returns the status and checks that a
  // success produced the original values when `expect_same` is set.
  Status DecodePage(std::string_view bytes, bool expect_same) {
    const Case& c = GetParam();
    ExactBuffer buf(bytes);
    ASSIGN_OR_RETURN(auto decoder, MakeValueDecoder(c.encoding, c.type, c.type_length, buf.data(),
                                                    buf.size(), &dict_));
    ColumnValues out(c.type, c.type_length);
    RETURN_IF_ERROR(decoder->Decode(37, &out));
    RETURN_IF_ERROR(decoder->Decode(values_.size() - 37, &out));
    if (expect_same) {
      EXPECT_TRUE(SameValues(out, values_));
    }
    return Status::OK();
  }

  std::mt19937_64 rng_{99};
  ColumnValues values_;
  ColumnValues dict_;
  std::string page_;
};

TEST_P(DecoderRobustnessTest, IntactPageDecodes) {
  Status st = DecodePage(page_, true);
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST_P(DecoderRobustnessTest, EveryTruncationFailsCleanlyOrOnlyLosesPadding) {
  for (size_t len = 0; len < page_.size(); ++len) {
    Status st = DecodePage(std::string_view(page_).substr(0, len), true);
    EXPECT_TRUE(st.ok() || st.IsCorruption()) << "len " << len << ": " << st.ToString();
  }
}

TEST_P(DecoderRobustnessTest, RandomByteFlipsNeverCrash) {
  for (int round = 0; round < 3000; ++round) {
    std::string corrupt = page_;
    const int flips = 1 + static_cast<int>(rng_() % 3);
    for (int f = 0; f < flips && !corrupt.empty(); ++f) {
      corrupt[rng_() % corrupt.size()] = static_cast<char>(rng_());
    }
    Status st = DecodePage(corrupt, false);
    ASSERT_TRUE(st.ok() || st.IsCorruption()) << st.ToString();
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllDecoders, DecoderRobustnessTest,
    ::testing::Values(Case{Encoding::kPlain, PhysicalType::kBoolean, 0},
                      Case{Encoding::kPlain, PhysicalType::kInt32, 0},
                      Case{Encoding::kPlain, PhysicalType::kInt96, 0},
                      Case{Encoding::kPlain, PhysicalType::kByteArray, 0},
                      Case{Encoding::kPlain, PhysicalType::kFixedLenByteArray, 7},
                      Case{Encoding::kRleDictionary, PhysicalType::kInt64, 0},
                      Case{Encoding::kRleDictionary, PhysicalType::kByteArray, 0},
                      Case{Encoding::kRle, PhysicalType::kBoolean, 0},
                      Case{Encoding::kDeltaBinaryPacked, PhysicalType::kInt32, 0},
                      Case{Encoding::kDeltaBinaryPacked, PhysicalType::kInt64, 0},
                      Case{Encoding::kDeltaLengthByteArray, PhysicalType::kByteArray, 0},
                      Case{Encoding::kDeltaByteArray, PhysicalType::kByteArray, 0},
                      Case{Encoding::kDeltaByteArray, PhysicalType::kFixedLenByteArray, 5},
                      Case{Encoding::kByteStreamSplit, PhysicalType::kDouble, 0},
                      Case{Encoding::kByteStreamSplit, PhysicalType::kFixedLenByteArray, 3}),
    [](const ::testing::TestParamInfo<Case>& info) {
      return std::string(EncodingName(info.param.encoding)) + "_" +
             std::string(PhysicalTypeName(info.param.type));
    });

}  // namespace
}  // namespace lakestream::parquet
