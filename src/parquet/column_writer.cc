#include "parquet/column_writer.h"

#include <algorithm>
#include <cstring>

namespace lakestream::parquet {
namespace {

constexpr size_t kChunkLevels = 4096;  // levels handled between page-size checks

void PutLE32(std::string* out, uint32_t v) {
  char b[4];
  std::memcpy(b, &v, 4);
  out->append(b, 4);
}

}  // namespace

ColumnChunkWriter::ColumnChunkWriter(const ColumnDescriptor& col, const WriterOptions& options)
    : col_(col), options_(options), stats_(col) {
  init_status_ = Init();
}

Status ColumnChunkWriter::Init() {
  ASSIGN_OR_RETURN(codec_, MakeCodec(options_.compression, options_.compression_level));
  ASSIGN_OR_RETURN(plain_, MakeValueEncoder(Encoding::kPlain, col_.physical_type, col_.type_length));
  if (options_.enable_dictionary && col_.physical_type != PhysicalType::kBoolean) {
    dict_ = MakeDictionaryEncoder(col_.physical_type, col_.type_length);
  }
  fallback_ = dict_ == nullptr;
  return Status::OK();
}

void ColumnChunkWriter::AddValues(const ColumnValues& values, size_t begin, size_t end) {
  if (begin == end) return;
  // Dictionary-encoded values get their min/max from the distinct entries
  // (StatsFromDictionary), which is far cheaper for strings than comparing
  // every value.
  if (options_.write_statistics && fallback_) stats_.Update(values, begin, end);
  if (!fallback_) {
    dict_->Put(values, begin, end);
  } else {
    plain_->Put(values, begin, end);
  }
}

Status ColumnChunkWriter::Write(const int16_t* def, const int16_t* rep, size_t n,
                                const ColumnValues& values) {
  RETURN_IF_ERROR(init_status_);
  const std::string& name = col_.dotted_path();
  if (values.type != col_.physical_type) {
    return Status::InvalidArgument("parquet: column " + name + ": values of type " +
                                   std::string(PhysicalTypeName(values.type)) + ", column is " +
                                   std::string(PhysicalTypeName(col_.physical_type)));
  }
  if (col_.max_def > 0 && def == nullptr) {
    return Status::InvalidArgument("parquet: column " + name + ": definition levels required");
  }
  if (col_.max_rep > 0 && rep == nullptr) {
    return Status::InvalidArgument("parquet: column " + name + ": repetition levels required");
  }
  size_t value_pos = 0;
  size_t i = 0;
  while (i < n) {
    size_t end = std::min(n, i + kChunkLevels);
    if (col_.max_rep > 0) {  // extend to the next row boundary
      while (end < n && rep[end] != 0) ++end;
    }
    size_t nonnull = 0;
    if (col_.max_def > 0) {
      for (size_t k = i; k < end; ++k) {
        if (def[k] < 0 || def[k] > col_.max_def) {
          return Status::InvalidArgument("parquet: column " + name + ": definition level " +
                                         std::to_string(def[k]) + " out of range");
        }
        nonnull += def[k] == col_.max_def;
      }
      page_def_.insert(page_def_.end(), def + i, def + end);
    } else {
      nonnull = end - i;
    }
    if (col_.max_rep > 0) {
      for (size_t k = i; k < end; ++k) {
        if (rep[k] < 0 || rep[k] > col_.max_rep) {
          return Status::InvalidArgument("parquet: column " + name + ": repetition level " +
                                         std::to_string(rep[k]) + " out of range");
        }
      }
      page_rep_.insert(page_rep_.end(), rep + i, rep + end);
    }
    if (value_pos + nonnull > values.size()) {
      return Status::InvalidArgument("parquet: column " + name + ": levels describe more values (" +
                                     std::to_string(value_pos + nonnull) + ") than given (" +
                                     std::to_string(values.size()) + ")");
    }
    AddValues(values, value_pos, value_pos + nonnull);
    value_pos += nonnull;
    page_values_ += static_cast<int64_t>(end - i);
    page_nulls_ += static_cast<int64_t>(end - i - nonnull);
    stats_.AddNulls(static_cast<int64_t>(end - i - nonnull));
    i = end;

    if (!fallback_ && static_cast<int64_t>(dict_->DictionaryByteSize()) >
                          options_.dictionary_page_size_limit) {
      RETURN_IF_ERROR(FlushPage());
      StatsFromDictionary();
      fallback_ = true;
    }
    size_t encoded = fallback_ ? plain_->EstimatedSize() : dict_->EstimatedSize();
    size_t level_bytes = (page_def_.size() + page_rep_.size()) / 4;
    if (static_cast<int64_t>(encoded + level_bytes) >= options_.page_size_bytes) {
      RETURN_IF_ERROR(FlushPage());
    }
  }
  if (value_pos != values.size()) {
    return Status::InvalidArgument("parquet: column " + name + ": " + std::to_string(values.size()) +
                                   " values given, levels describe " + std::to_string(value_pos));
  }
  num_values_ += static_cast<int64_t>(n);
  return Status::OK();
}

void ColumnChunkWriter::AppendPage(const PageHeader& header, std::string_view payload,
                                   std::string* out) {
  size_t before = out->size();
  SerializePageHeader(header, out);
  pages_uncompressed_ += static_cast<int64_t>(out->size() - before) + header.uncompressed_page_size;
  out->append(payload);
}

Status ColumnChunkWriter::FlushPage() {
  if (page_values_ == 0) return Status::OK();
  scratch_.clear();
  if (col_.max_rep > 0) {
    size_t at = scratch_.size();
    PutLE32(&scratch_, 0);
    EncodeLevelsRle(page_rep_.data(), page_rep_.size(), col_.max_rep, &scratch_);
    uint32_t len = static_cast<uint32_t>(scratch_.size() - at - 4);
    std::memcpy(scratch_.data() + at, &len, 4);
  }
  if (col_.max_def > 0) {
    size_t at = scratch_.size();
    PutLE32(&scratch_, 0);
    EncodeLevelsRle(page_def_.data(), page_def_.size(), col_.max_def, &scratch_);
    uint32_t len = static_cast<uint32_t>(scratch_.size() - at - 4);
    std::memcpy(scratch_.data() + at, &len, 4);
  }
  ValueEncoder* enc = fallback_ ? plain_.get() : static_cast<ValueEncoder*>(dict_.get());
  enc->FinishPage(&scratch_);
  if (scratch_.size() > static_cast<size_t>(INT32_MAX)) {
    return Status::InvalidArgument("parquet: column " + col_.dotted_path() + ": page over 2 GiB");
  }
  RETURN_IF_ERROR(codec_->Compress(scratch_, &compressed_));

  PageHeader h;
  h.type = PageType::kDataPage;
  h.uncompressed_page_size = static_cast<int32_t>(scratch_.size());
  h.compressed_page_size = static_cast<int32_t>(compressed_.size());
  DataPageHeader dp;
  dp.num_values = static_cast<int32_t>(page_values_);
  dp.encoding = enc->encoding();
  dp.definition_level_encoding = Encoding::kRle;
  dp.repetition_level_encoding = Encoding::kRle;
  h.data_page_header = dp;
  AppendPage(h, compressed_, &pages_);
  ++num_data_pages_;
  if (!fallback_) ++num_dict_data_pages_;

  page_def_.clear();
  page_rep_.clear();
  page_values_ = 0;
  page_nulls_ = 0;
  return Status::OK();
}

int64_t ColumnChunkWriter::BufferedBytes() const {
  ValueEncoder* enc = fallback_ ? plain_.get() : static_cast<ValueEncoder*>(dict_.get());
  int64_t open_page = static_cast<int64_t>(enc->EstimatedSize() +
                                           (page_def_.size() + page_rep_.size()) / 4);
  // The dictionary page is written with the chunk unless no page ever used it.
  bool dict_pending = dict_ && (!fallback_ || num_dict_data_pages_ > 0);
  int64_t dict = dict_pending ? static_cast<int64_t>(dict_->DictionaryByteSize()) : 0;
  return static_cast<int64_t>(pages_.size()) + open_page + dict;
}

void ColumnChunkWriter::StatsFromDictionary() {
  if (options_.write_statistics && dict_) {
    stats_.Update(dict_->dictionary(), 0, dict_->dictionary().size());
  }
}

Status ColumnChunkWriter::Flush(io::WritableFile* sink, int64_t* offset, ColumnChunk* out) {
  RETURN_IF_ERROR(init_status_);
  RETURN_IF_ERROR(FlushPage());
  if (!fallback_) StatsFromDictionary();
  const int64_t start = *offset;
  bool has_dict = dict_ && num_dict_data_pages_ > 0;
  std::string dict_page;
  if (has_dict) {
    scratch_.clear();
    dict_->WriteDictionaryPage(&scratch_);
    RETURN_IF_ERROR(codec_->Compress(scratch_, &compressed_));
    PageHeader h;
    h.type = PageType::kDictionaryPage;
    h.uncompressed_page_size = static_cast<int32_t>(scratch_.size());
    h.compressed_page_size = static_cast<int32_t>(compressed_.size());
    DictionaryPageHeader dh;
    dh.num_values = static_cast<int32_t>(dict_->NumEntries());
    dh.encoding = Encoding::kPlain;
    h.dictionary_page_header = dh;
    AppendPage(h, compressed_, &dict_page);
    RETURN_IF_ERROR(sink->Append(dict_page));
  }
  RETURN_IF_ERROR(sink->Append(pages_));

  ColumnMetaData md;
  md.type = col_.physical_type;
  md.path_in_schema = col_.path;
  md.codec = options_.compression;
  md.num_values = num_values_;
  md.total_compressed_size = static_cast<int64_t>(dict_page.size() + pages_.size());
  md.total_uncompressed_size = pages_uncompressed_;  // data pages plus the dictionary page
  if (has_dict) {
    md.dictionary_page_offset = start;
    md.encodings = {Encoding::kPlain, Encoding::kRle, Encoding::kRleDictionary};
    md.encoding_stats.push_back({PageType::kDictionaryPage, Encoding::kPlain, 1});
    md.encoding_stats.push_back(
        {PageType::kDataPage, Encoding::kRleDictionary, static_cast<int32_t>(num_dict_data_pages_)});
    if (num_data_pages_ > num_dict_data_pages_) {
      md.encoding_stats.push_back({PageType::kDataPage, Encoding::kPlain,
                                   static_cast<int32_t>(num_data_pages_ - num_dict_data_pages_)});
    }
  } else {
    md.encodings = {Encoding::kPlain, Encoding::kRle};
    if (num_data_pages_ > 0) {
      md.encoding_stats.push_back(
          {PageType::kDataPage, Encoding::kPlain, static_cast<int32_t>(num_data_pages_)});
    }
  }
  md.data_page_offset = start + static_cast<int64_t>(dict_page.size());
  if (options_.write_statistics) md.statistics = stats_.Finish(options_.max_statistics_length);

  *out = ColumnChunk();
  out->file_offset = start;
  out->meta_data = std::move(md);
  *offset += static_cast<int64_t>(dict_page.size() + pages_.size());

  // Reset for the next row group.
  pages_.clear();
  pages_uncompressed_ = 0;
  num_values_ = 0;
  num_data_pages_ = 0;
  num_dict_data_pages_ = 0;
  stats_.Reset();
  if (options_.enable_dictionary && col_.physical_type != PhysicalType::kBoolean) {
    dict_ = MakeDictionaryEncoder(col_.physical_type, col_.type_length);
    fallback_ = false;
  }
  return Status::OK();
}

}  // namespace lakestream::parquet
