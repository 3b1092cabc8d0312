#include "parquet/encoding/delta_length_byte_array.h"

#include <algorithm>
#include <cstring>

#include "parquet/encoding/encoding_internal.h"

namespace lakestream::parquet {

Status DeltaLengthReader::Init(const uint8_t* data, size_t len, Encoding encoding) {
  encoding_ = encoding;
  RETURN_IF_ERROR(lengths_.Init(data, len, encoding));
  DeltaBitPackReader probe = lengths_;
  ASSIGN_OR_RETURN(const size_t end, probe.SkipToEnd());
  bytes_ = data + end;
  bytes_len_ = len - end;
  bytes_pos_ = 0;
  return Status::OK();
}

Status DeltaLengthReader::Get(size_t n, std::string_view* out) {
  constexpr size_t kBatch = 1024;
  if (n > values_left()) {
    return internal::EncodingError(encoding_, std::to_string(n) + " values requested but only " +
                                                  std::to_string(values_left()) + " remain");
  }
  scratch_.resize(std::min(n, kBatch));
  for (size_t done = 0; done < n;) {
    const size_t k = std::min(kBatch, n - done);
    RETURN_IF_ERROR(lengths_.Get(scratch_.data(), k));
    for (size_t i = 0; i < k; ++i) {
      const int32_t l = scratch_[i];
      if (l < 0 || static_cast<size_t>(l) > bytes_len_ - bytes_pos_) {
        return internal::EncodingError(encoding_,
                                       "value length " + std::to_string(l) + " invalid with " +
                                           std::to_string(bytes_len_ - bytes_pos_) + " bytes left");
      }
      out[done + i] = std::string_view(reinterpret_cast<const char*>(bytes_) + bytes_pos_,
                                       static_cast<size_t>(l));
      bytes_pos_ += static_cast<size_t>(l);
    }
    done += k;
  }
  return Status::OK();
}

void DeltaLengthWriter::Finish(std::string* out) {
  FlushLengths();
  lengths_.Finish(out);
  out->append(bytes_);
  bytes_.clear();
}

namespace internal {
namespace {

class DeltaLengthByteArrayDecoder final : public ValueDecoder {
 public:
  Status Init(const uint8_t* data, size_t len) {
    return reader_.Init(data, len, Encoding::kDeltaLengthByteArray);
  }

  Status Decode(size_t n, ColumnValues* out) override {
    for (size_t done = 0; done < n;) {
      const size_t k = std::min(kBatch, n - done);
      RETURN_IF_ERROR(reader_.Get(k, views_));
      size_t total = 0;
      for (size_t i = 0; i < k; ++i) total += views_[i].size();
      auto& bytes = out->bytes.mutable_data();
      auto& offsets = out->bytes.mutable_offsets();
      size_t pos = bytes.size();
      bytes.resize(pos + total);
      internal::ReserveMore(offsets, k);
      for (size_t i = 0; i < k; ++i) {
        std::memcpy(bytes.data() + pos, views_[i].data(), views_[i].size());
        pos += views_[i].size();
        offsets.push_back(pos);
      }
      done += k;
    }
    return Status::OK();
  }

 private:
  static constexpr size_t kBatch = 1024;
  DeltaLengthReader reader_;
  std::string_view views_[kBatch];
};

class DeltaLengthByteArrayEncoder final : public ValueEncoder {
 public:
  void Put(const ColumnValues& values, size_t begin, size_t end) override {
    for (size_t i = begin; i < end; ++i) writer_.Put(values.bytes.Get(i));
  }
  size_t EstimatedSize() const override { return writer_.EstimatedSize(); }
  void FinishPage(std::string* out) override { writer_.Finish(out); }
  Encoding encoding() const override { return Encoding::kDeltaLengthByteArray; }

 private:
  DeltaLengthWriter writer_;
};

}  // namespace

DecoderResult MakeDeltaLengthByteArrayDecoder(const uint8_t* data, size_t len) {
  auto decoder = std::make_unique<DeltaLengthByteArrayDecoder>();
  RETURN_IF_ERROR(decoder->Init(data, len));
  return std::unique_ptr<ValueDecoder>(std::move(decoder));
}

std::unique_ptr<ValueEncoder> MakeDeltaLengthByteArrayEncoder() {
  return std::make_unique<DeltaLengthByteArrayEncoder>();
}

}  // namespace internal
}  // namespace lakestream::parquet
