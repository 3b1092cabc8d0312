#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "parquet/encoding/encoding.h"
#include "parquet/encoding/encoding_test_util.h"

namespace lakestream::parquet {
namespace {

using testing::DecodeAll;
using testing::EncodePage;
using testing::ExactBuffer;
using testing::kSizes;
using testing::RandomValues;
using testing::SameValues;

class DictionaryTest : public ::testing::Test {
 protected:
  // Encodes `values` as one dictionary page plus one data page, reads both
  // back and checks the values.
  void ExpectRoundTrip(PhysicalType type, int32_t len, const ColumnValues& values) {
    auto encoder = MakeDictionaryEncoder(type, len);
    std::string data = EncodePage(encoder.get(), values);
    std::string dict_page;
    encoder->WriteDictionaryPage(&dict_page);
    EXPECT_EQ(dict_page.size(), encoder->DictionaryByteSize()) << PhysicalTypeName(type);

    ExactBuffer dict_buf(dict_page);
    auto dict_dec = MakeValueDecoder(Encoding::kPlain, type, len, dict_buf.data(), dict_buf.size());
    ASSERT_TRUE(dict_dec.ok());
    ColumnValues dict(type, len);
    ASSERT_TRUE((*dict_dec)->Decode(encoder->NumEntries(), &dict).ok());
    EXPECT_TRUE(SameValues(dict, encoder->dictionary()));

    ExactBuffer data_buf(data);
    auto dec = MakeValueDecoder(Encoding::kRleDictionary, type, len, data_buf.data(),
                                data_buf.size(), &dict);
    ASSERT_TRUE(dec.ok()) << dec.status().ToString();
    ColumnValues out(type, len);
    Status st = DecodeAll(dec->get(), values.size(), &out);
    ASSERT_TRUE(st.ok()) << st.ToString();
    ASSERT_TRUE(SameValues(out, values)) << PhysicalTypeName(type) << " n=" << values.size();
  }

  std::mt19937_64 rng_{11};
};

TEST_F(DictionaryTest, EveryTypeRoundTripsAtEverySize) {
  const std::pair<PhysicalType, int32_t> types[] = {
      {PhysicalType::kBoolean, 0},   {PhysicalType::kInt32, 0},
      {PhysicalType::kInt64, 0},     {PhysicalType::kInt96, 0},
      {PhysicalType::kFloat, 0},     {PhysicalType::kDouble, 0},
      {PhysicalType::kByteArray, 0}, {PhysicalType::kFixedLenByteArray, 5}};
  for (auto [type, len] : types) {
    for (size_t n : kSizes) {
      for (size_t distinct : {size_t{1}, size_t{7}, size_t{300}, size_t{0}}) {
        ExpectRoundTrip(type, len, RandomValues(type, len, n, rng_, distinct));
      }
    }
  }
}

TEST_F(DictionaryTest, DistinctValuesKeepInsertionOrderAndIndicesAreShared) {
  ColumnValues v(PhysicalType::kByteArray);
  for (const char* s : {"b", "a", "b", "c", "a", ""}) v.bytes.Append(s);
  auto encoder = MakeDictionaryEncoder(PhysicalType::kByteArray, 0);
  encoder->Put(v, 0, v.size());
  ASSERT_EQ(encoder->NumEntries(), 4u);
  EXPECT_EQ(encoder->dictionary().bytes.Get(0), "b");
  EXPECT_EQ(encoder->dictionary().bytes.Get(1), "a");
  EXPECT_EQ(encoder->dictionary().bytes.Get(2), "c");
  EXPECT_EQ(encoder->dictionary().bytes.Get(3), "");
  std::string page;
  encoder->FinishPage(&page);
  // Bit width 2, then one bit-packed run: indices 0 1 0 2 1 3 (padded).
  ASSERT_GE(page.size(), 2u);
  EXPECT_EQ(page[0], 2);
  EXPECT_EQ(page[1], 3);  // (1 group << 1) | 1
}

TEST_F(DictionaryTest, FloatsAreKeyedByBitPattern) {
  ColumnValues v(PhysicalType::kDouble);
  v.f64 = {0.0, -0.0, std::nan(""), std::nan(""), 1.5, 0.0};
  auto encoder = MakeDictionaryEncoder(PhysicalType::kDouble, 0);
  encoder->Put(v, 0, v.size());
  EXPECT_EQ(encoder->NumEntries(), 4u);
  ExpectRoundTrip(PhysicalType::kDouble, 0, v);
}

TEST_F(DictionaryTest, SeveralPagesShareOneDictionary) {
  auto encoder = MakeDictionaryEncoder(PhysicalType::kInt64, 0);
  ColumnValues a = RandomValues(PhysicalType::kInt64, 0, 500, rng_, 50);
  ColumnValues b = RandomValues(PhysicalType::kInt64, 0, 700, rng_, 90);
  std::string page_a = EncodePage(encoder.get(), a);
  std::string page_b = EncodePage(encoder.get(), b);
  const ColumnValues& dict = encoder->dictionary();
  for (auto [page, expected] : {std::pair{&page_a, &a}, std::pair{&page_b, &b}}) {
    ExactBuffer buf(*page);
    auto dec = MakeValueDecoder(Encoding::kPlainDictionary, PhysicalType::kInt64, 0, buf.data(),
                                buf.size(), &dict);
    ASSERT_TRUE(dec.ok());
    ColumnValues out(PhysicalType::kInt64);
    ASSERT_TRUE((*dec)->Decode(expected->size(), &out).ok());
    EXPECT_TRUE(SameValues(out, *expected));
  }
}

TEST_F(DictionaryTest, IndexPastTheDictionaryIsCorruption) {
  ColumnValues dict(PhysicalType::kInt32);
  dict.i32 = {10, 20, 30};
  // Bit width 2, RLE run of 4 x index 3.
  const uint8_t data[] = {2, 8, 3};
  auto dec = MakeValueDecoder(Encoding::kRleDictionary, PhysicalType::kInt32, 0, data, sizeof(data),
                              &dict);
  ASSERT_TRUE(dec.ok());
  ColumnValues out(PhysicalType::kInt32);
  Status st = (*dec)->Decode(4, &out);
  ASSERT_TRUE(st.IsCorruption());
  EXPECT_NE(st.message().find("RLE_DICTIONARY"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("index 3"), std::string::npos) << st.message();
}

TEST_F(DictionaryTest, BadHeadersAreRejected) {
  ColumnValues dict(PhysicalType::kInt32);
  dict.i32 = {1};
  const uint8_t wide[] = {33, 0};
  EXPECT_TRUE(MakeValueDecoder(Encoding::kRleDictionary, PhysicalType::kInt32, 0, wide, 2, &dict)
                  .status()
                  .IsCorruption());
  EXPECT_TRUE(MakeValueDecoder(Encoding::kRleDictionary, PhysicalType::kInt32, 0, wide, 0, &dict)
                  .status()
                  .IsCorruption());
  EXPECT_TRUE(MakeValueDecoder(Encoding::kRleDictionary, PhysicalType::kInt32, 0, wide, 2, nullptr)
                  .status()
                  .IsInvalidArgument());
  EXPECT_TRUE(MakeValueDecoder(Encoding::kRleDictionary, PhysicalType::kInt64, 0, wide, 2, &dict)
                  .status()
                  .IsInvalidArgument());
}

TEST_F(DictionaryTest, SizesGrowWithTheDictionary) {
  auto encoder = MakeDictionaryEncoder(PhysicalType::kByteArray, 0);
  EXPECT_EQ(encoder->DictionaryByteSize(), 0u);
  ColumnValues v(PhysicalType::kByteArray);
  v.bytes.Append("hello");
  v.bytes.Append("hello");
  encoder->Put(v, 0, 2);
  EXPECT_EQ(encoder->DictionaryByteSize(), 9u);
  EXPECT_GT(encoder->EstimatedSize(), 0u);
  EXPECT_EQ(encoder->encoding(), Encoding::kRleDictionary);
}

}  // namespace
}  // namespace lakestream::parquet
