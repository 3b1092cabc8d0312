#include "parquet/column_reader.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "parquet/compression.h"
#include "parquet/encoding/encoding.h"

namespace lakestream::parquet {
namespace {

class ChunkDecoder {
 public:
  ChunkDecoder(const ColumnDescriptor& col, const ColumnMetaData& md, const std::string& context,
               const ColumnReadLimits& limits, ColumnData* out)
      : col_(col), md_(md), ctx_(context), limits_(limits), out_(out),
        dict_(col.physical_type, col.type_length) {}

  Status Run(std::string_view chunk) {
    if (md_.codec != CompressionCodec::kUncompressed) {
      ASSIGN_OR_RETURN(codec_, MakeCodec(md_.codec));
    }
    if (md_.num_values < 0 || md_.num_values > limits_.max_levels_per_chunk) {
      return Corrupt("chunk claims " + std::to_string(md_.num_values) + " values");
    }
    size_t pos = 0;
    while (out_->num_levels < md_.num_values) {
      if (pos >= chunk.size()) {
        return Corrupt("column chunk ends after " + std::to_string(out_->num_levels) + " of " +
                       std::to_string(md_.num_values) + " values");
      }
      size_t header_len = 0;
      Result<PageHeader> header = DeserializePageHeader(
          reinterpret_cast<const uint8_t*>(chunk.data()) + pos, chunk.size() - pos, &header_len);
      if (!header.ok()) return header.status().WithContext(ctx_ + ": page at chunk offset " + std::to_string(pos));
      pos += header_len;
      const PageHeader& h = *header;
      if (h.compressed_page_size < 0 || static_cast<size_t>(h.compressed_page_size) > chunk.size() - pos) {
        return Corrupt("page of " + std::to_string(h.compressed_page_size) +
                       " bytes runs past the column chunk");
      }
      if (h.uncompressed_page_size < 0 || h.uncompressed_page_size > limits_.max_page_bytes) {
        return Corrupt("page claims " + std::to_string(h.uncompressed_page_size) +
                       " uncompressed bytes");
      }
      std::string_view body = chunk.substr(pos, static_cast<size_t>(h.compressed_page_size));
      pos += static_cast<size_t>(h.compressed_page_size);
      switch (h.type) {
        case PageType::kDictionaryPage: RETURN_IF_ERROR(ReadDictionary(h, body)); break;
        case PageType::kDataPage: RETURN_IF_ERROR(ReadDataV1(h, body)); break;
        case PageType::kDataPageV2: RETURN_IF_ERROR(ReadDataV2(h, body)); break;
        default: break;  // index pages and unknown page types are skipped
      }
    }
    if (out_->num_levels != md_.num_values) {
      return Corrupt("pages hold " + std::to_string(out_->num_levels) + " values, chunk says " +
                     std::to_string(md_.num_values));
    }
    return Status::OK();
  }

 private:
  Status Corrupt(const std::string& what) { return Status::Corruption(ctx_ + ": " + what); }

  Result<std::string_view> Decompress(std::string_view body, size_t uncompressed) {
    if (!codec_) {
      if (body.size() != uncompressed) {
        return Corrupt("uncompressed page of " + std::to_string(body.size()) +
                       " bytes, header says " + std::to_string(uncompressed));
      }
      return body;
    }
    buffer_.resize(uncompressed);
    Status s = codec_->Decompress(body, uncompressed, buffer_.data());
    if (!s.ok()) return s.WithContext(ctx_);
    return std::string_view(buffer_.data(), uncompressed);
  }

  Status ReadDictionary(const PageHeader& h, std::string_view body) {
    if (!h.dictionary_page_header) return Corrupt("dictionary page without its header");
    if (have_dict_) return Corrupt("second dictionary page in one column chunk");
    const auto& dh = *h.dictionary_page_header;
    if (dh.encoding != Encoding::kPlain && dh.encoding != Encoding::kPlainDictionary) {
      return Status::NotSupported(ctx_ + ": dictionary page encoding " +
                                  std::string(EncodingName(dh.encoding)));
    }
    ASSIGN_OR_RETURN(std::string_view data, Decompress(body, h.uncompressed_page_size));
    // Every PLAIN value but a BOOLEAN takes at least one byte (BYTE_ARRAY four).
    if (dh.num_values < 0 || static_cast<size_t>(dh.num_values) > 8 * data.size()) {
      return Corrupt("dictionary claims " + std::to_string(dh.num_values) + " values in " +
                     std::to_string(data.size()) + " bytes");
    }
    ASSIGN_OR_RETURN(auto dec, MakeValueDecoder(Encoding::kPlain, col_.physical_type,
                                                col_.type_length,
                                                reinterpret_cast<const uint8_t*>(data.data()),
                                                data.size()));
    Status s = dec->Decode(static_cast<size_t>(dh.num_values), &dict_);
    if (!s.ok()) return s.WithContext(ctx_ + ": dictionary page");
    have_dict_ = true;
    return Status::OK();
  }

  Status CheckLevelCount(int64_t n) {
    if (n < 0 || out_->num_levels + n > md_.num_values) {
      return Corrupt("page holds " + std::to_string(n) + " values, more than the chunk's " +
                     std::to_string(md_.num_values));
    }
    return Status::OK();
  }

  // Decodes `n` levels of one kind from the front of *data (v1 layout: RLE
  // with a 4-byte length prefix, or BIT_PACKED) and consumes them.
  Status ReadLevelsV1(Encoding enc, int16_t max_level, size_t n, std::string_view* data,
                      std::vector<int16_t>* levels) {
    size_t at = levels->size();
    levels->resize(at + n);
    if (enc == Encoding::kRle) {
      if (data->size() < 4) return Corrupt("level data truncated");
      uint32_t len;
      std::memcpy(&len, data->data(), 4);
      if (len > data->size() - 4) return Corrupt("levels of " + std::to_string(len) + " bytes run past the page");
      Status s = DecodeLevelsRle(reinterpret_cast<const uint8_t*>(data->data()) + 4, len, max_level,
                                 n, levels->data() + at);
      if (!s.ok()) return s.WithContext(ctx_);
      data->remove_prefix(4 + len);
    } else if (enc == Encoding::kBitPacked) {
      Result<size_t> used = DecodeLevelsBitPacked(reinterpret_cast<const uint8_t*>(data->data()),
                                                  data->size(), max_level, n, levels->data() + at);
      if (!used.ok()) return used.status().WithContext(ctx_);
      data->remove_prefix(*used);
    } else {
      return Status::NotSupported(ctx_ + ": level encoding " + std::string(EncodingName(enc)));
    }
    return Status::OK();
  }

  size_t CountNonNull(size_t level_start, size_t n) const {
    if (col_.max_def == 0) return n;
    size_t c = 0;
    const int16_t* d = out_->def.data() + level_start;
    for (size_t i = 0; i < n; ++i) c += d[i] == col_.max_def;
    return c;
  }

  Status DecodeValues(Encoding enc, std::string_view data, size_t count) {
    if (count == 0) return Status::OK();
    const ColumnValues* dict = nullptr;
    if (enc == Encoding::kPlainDictionary || enc == Encoding::kRleDictionary) {
      if (!have_dict_) return Corrupt("dictionary-encoded page without a dictionary page");
      dict = &dict_;
    }
    Result<std::unique_ptr<ValueDecoder>> dec =
        MakeValueDecoder(enc, col_.physical_type, col_.type_length,
                         reinterpret_cast<const uint8_t*>(data.data()), data.size(), dict);
    if (!dec.ok()) return dec.status().WithContext(ctx_);
    Status s = (*dec)->Decode(count, &out_->values);
    if (!s.ok()) return s.WithContext(ctx_);
    return Status::OK();
  }

  Status ReadDataV1(const PageHeader& h, std::string_view body) {
    if (!h.data_page_header) return Corrupt("data page without its header");
    const auto& dp = *h.data_page_header;
    RETURN_IF_ERROR(CheckLevelCount(dp.num_values));
    ASSIGN_OR_RETURN(std::string_view data, Decompress(body, h.uncompressed_page_size));
    size_t n = static_cast<size_t>(dp.num_values);
    size_t level_start = out_->def.size();
    if (col_.max_rep > 0) {
      RETURN_IF_ERROR(ReadLevelsV1(dp.repetition_level_encoding, col_.max_rep, n, &data, &out_->rep));
    }
    if (col_.max_def > 0) {
      RETURN_IF_ERROR(ReadLevelsV1(dp.definition_level_encoding, col_.max_def, n, &data, &out_->def));
    }
    size_t nonnull = CountNonNull(level_start, n);
    RETURN_IF_ERROR(DecodeValues(dp.encoding, data, nonnull));
    out_->num_levels += static_cast<int64_t>(n);
    return Status::OK();
  }

  Status ReadDataV2(const PageHeader& h, std::string_view body) {
    if (!h.data_page_header_v2) return Corrupt("data page v2 without its header");
    const auto& dp = *h.data_page_header_v2;
    RETURN_IF_ERROR(CheckLevelCount(dp.num_values));
    if (dp.repetition_levels_byte_length < 0 || dp.definition_levels_byte_length < 0 ||
        static_cast<int64_t>(dp.repetition_levels_byte_length) + dp.definition_levels_byte_length >
            static_cast<int64_t>(body.size()) ||
        static_cast<int64_t>(dp.repetition_levels_byte_length) + dp.definition_levels_byte_length >
            h.uncompressed_page_size) {
      return Corrupt("data page v2 level lengths exceed the page");
    }
    size_t n = static_cast<size_t>(dp.num_values);
    size_t rep_len = static_cast<size_t>(dp.repetition_levels_byte_length);
    size_t def_len = static_cast<size_t>(dp.definition_levels_byte_length);
    const uint8_t* p = reinterpret_cast<const uint8_t*>(body.data());
    size_t level_start = out_->def.size();
    if (col_.max_rep > 0) {
      size_t at = out_->rep.size();
      out_->rep.resize(at + n);
      Status s = DecodeLevelsRle(p, rep_len, col_.max_rep, n, out_->rep.data() + at);
      if (!s.ok()) return s.WithContext(ctx_);
    }
    if (col_.max_def > 0) {
      size_t at = out_->def.size();
      out_->def.resize(at + n);
      Status s = DecodeLevelsRle(p + rep_len, def_len, col_.max_def, n, out_->def.data() + at);
      if (!s.ok()) return s.WithContext(ctx_);
    }
    std::string_view values = body.substr(rep_len + def_len);
    size_t values_uncompressed = static_cast<size_t>(h.uncompressed_page_size) - rep_len - def_len;
    if (dp.is_compressed.value_or(true) && codec_ && values_uncompressed > 0) {
      ASSIGN_OR_RETURN(values, Decompress(values, values_uncompressed));
    }
    size_t nonnull = CountNonNull(level_start, n);
    Encoding enc = dp.encoding;
    if (col_.physical_type == PhysicalType::kBoolean && enc == Encoding::kRle) {
      RETURN_IF_ERROR(DecodeValues(Encoding::kRle, values, nonnull));
    } else {
      RETURN_IF_ERROR(DecodeValues(enc, values, nonnull));
    }
    out_->num_levels += static_cast<int64_t>(n);
    return Status::OK();
  }

  const ColumnDescriptor& col_;
  const ColumnMetaData& md_;
  const std::string& ctx_;
  const ColumnReadLimits& limits_;
  ColumnData* out_;
  std::unique_ptr<Codec> codec_;
  ColumnValues dict_;
  bool have_dict_ = false;
  std::string buffer_;
};

}  // namespace

Status ReadColumnChunk(const ColumnDescriptor& col, const ColumnMetaData& md,
                       std::string_view chunk, const std::string& context,
                       const ColumnReadLimits& limits, ColumnData* out) {
  *out = ColumnData(col.physical_type, col.type_length);
  ChunkDecoder dec(col, md, context, limits, out);
  return dec.Run(chunk);
}

}  // namespace lakestream::parquet
