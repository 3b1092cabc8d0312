#include "pipeline/ndjson_converter.h"

#include <cstring>

#include "parquet/file_writer.h"

namespace lakestream::pipeline {

Result<ConvertStats> ConvertNdjsonToParquet(io::FileSystem& fs, const std::string& input,
                                            const std::string& output,
                                            const std::vector<ColumnSpec>& columns,
                                            const ConvertOptions& options) {
  ASSIGN_OR_RETURN(auto builder, JsonBatchBuilder::Make(columns));
  ASSIGN_OR_RETURN(auto in, fs.OpenForRead(input));
  ASSIGN_OR_RETURN(uint64_t size, in->Size());
  ASSIGN_OR_RETURN(auto sink, fs.OpenForWrite(output));
  ASSIGN_OR_RETURN(auto writer, parquet::FileWriter::Open(std::move(sink), builder->schema(),
                                                          options.writer));
  ConvertStats stats;
  constexpr size_t kBlock = 8 << 20;
  std::string buf;  // carry-over of a partial line + the next block
  uint64_t offset = 0;
  int64_t line_no = 0;
  auto handle_line = [&](std::string_view line) -> Status {
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty()) return Status::OK();
    Status s = builder->Add(line);
    if (!s.ok()) {
      ++stats.bad_records;
      if (options.on_bad_record) options.on_bad_record(line_no, s);
      return Status::OK();
    }
    if (builder->num_rows() >= options.batch_rows) {
      stats.records += builder->num_rows();
      RETURN_IF_ERROR(builder->WriteTo(writer.get()));
    }
    return Status::OK();
  };
  while (offset < size) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(kBlock, size - offset));
    size_t keep = buf.size();
    buf.resize(keep + want);
    RETURN_IF_ERROR(in->ReadExactly(offset, want, buf.data() + keep));
    offset += want;
    size_t start = 0;
    while (true) {
      const char* nl = static_cast<const char*>(std::memchr(buf.data() + start, '\n', buf.size() - start));
      if (nl == nullptr) break;
      size_t end = static_cast<size_t>(nl - buf.data());
      RETURN_IF_ERROR(handle_line(std::string_view(buf.data() + start, end - start)));
      start = end + 1;
    }
    buf.erase(0, start);
  }
  if (!buf.empty()) RETURN_IF_ERROR(handle_line(buf));
  stats.records += builder->num_rows();
  if (builder->num_rows() > 0) RETURN_IF_ERROR(builder->WriteTo(writer.get()));
  RETURN_IF_ERROR(writer->Close());
  stats.input_bytes = static_cast<int64_t>(size);
  stats.row_groups = static_cast<int>(writer->metadata().row_groups.size());
  ASSIGN_OR_RETURN(io::FileInfo info, fs.Stat(output));
  stats.output_bytes = static_cast<int64_t>(info.size);
  return stats;
}

}  // namespace lakestream::pipeline
