#include "pipeline/ndjson_converter.h"

#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include "parquet/file_writer.h"

namespace lakestream::pipeline {

namespace {

// Hands full batches to a thread that encodes them into the writer, so that
// parsing the next batch overlaps encoding and compressing this one. The
// caller alternates between two builders: Submit() waits until the encoder
// is idle, so the builder submitted before this one is empty again.
class BatchPipeline {
 public:
  BatchPipeline(parquet::FileWriter* writer, bool threaded) : writer_(writer), threaded_(threaded) {
    if (threaded_) thread_ = std::thread([this] { Run(); });
  }
  ~BatchPipeline() {
    if (!threaded_) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  Status Submit(JsonBatchBuilder* b) {
    if (!threaded_) return b->WriteTo(writer_);
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return pending_ == nullptr; });
    RETURN_IF_ERROR(status_);
    pending_ = b;
    cv_.notify_all();
    return Status::OK();
  }

  // Waits for the encoder to go idle; returns its first error.
  Status Drain() {
    if (!threaded_) return Status::OK();
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return pending_ == nullptr; });
    return status_;
  }

 private:
  void Run() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      cv_.wait(lock, [&] { return pending_ != nullptr || stop_; });
      if (pending_ == nullptr) return;
      JsonBatchBuilder* b = pending_;
      lock.unlock();
      Status s = b->WriteTo(writer_);
      if (!s.ok()) b->Clear();
      lock.lock();
      if (!s.ok() && status_.ok()) status_ = s;
      pending_ = nullptr;  // idle again only once the batch is written
      cv_.notify_all();
    }
  }

  parquet::FileWriter* writer_;
  const bool threaded_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  JsonBatchBuilder* pending_ = nullptr;  // the batch being (or about to be) encoded
  bool stop_ = false;
  Status status_;
};

}  // namespace

Result<ConvertStats> ConvertNdjsonToParquet(io::FileSystem& fs, const std::string& input,
                                            const std::string& output,
                                            const std::vector<ColumnSpec>& columns,
                                            const ConvertOptions& options) {
  if (options.threads < 1 || options.threads > 2) {
    return Status::InvalidArgument("convert: threads must be 1 or 2");
  }
  ASSIGN_OR_RETURN(auto first, JsonBatchBuilder::Make(columns));
  ASSIGN_OR_RETURN(auto second, JsonBatchBuilder::Make(columns));
  JsonBatchBuilder* builder = first.get();
  ASSIGN_OR_RETURN(auto in, fs.OpenForRead(input));
  ASSIGN_OR_RETURN(uint64_t size, in->Size());
  ASSIGN_OR_RETURN(auto sink, fs.OpenForWrite(output));
  ASSIGN_OR_RETURN(auto writer, parquet::FileWriter::Open(std::move(sink), builder->schema(),
                                                          options.writer));
  ConvertStats stats;
  BatchPipeline pipeline(writer.get(), options.threads == 2);
  auto submit = [&]() -> Status {
    stats.records += builder->num_rows();
    RETURN_IF_ERROR(pipeline.Submit(builder));
    builder = builder == first.get() ? second.get() : first.get();
    return Status::OK();
  };
  constexpr size_t kBlock = 8 << 20;
  std::string buf;  // carry-over of a partial line + the next block
  uint64_t offset = 0;
  int64_t line_no = 0;
  auto handle_line = [&](std::string_view line) -> Status {
    ++line_no;
    // A UTF-8 byte order mark (Windows editors write one) starts the file, not the record.
    if (line_no == 1 && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty()) return Status::OK();
    Status s = builder->Add(line);
    if (!s.ok()) {
      ++stats.bad_records;
      if (options.on_bad_record) options.on_bad_record(line_no, s);
      return Status::OK();
    }
    if (builder->num_rows() >= options.batch_rows) RETURN_IF_ERROR(submit());
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
  if (builder->num_rows() > 0) RETURN_IF_ERROR(submit());
  RETURN_IF_ERROR(pipeline.Drain());
  RETURN_IF_ERROR(writer->Close());
  stats.input_bytes = static_cast<int64_t>(size);
  stats.row_groups = static_cast<int>(writer->metadata().row_groups.size());
  ASSIGN_OR_RETURN(io::FileInfo info, fs.Stat(output));
  stats.output_bytes = static_cast<int64_t>(info.size);
  return stats;
}

}  // namespace lakestream::pipeline
