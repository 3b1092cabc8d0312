#include "stream/table_file_writer.h"

#include <chrono>
#include <cstdio>
#include <random>

#include "delta/uri.h"
#include "parquet/file_writer.h"

namespace lakestream::stream {

struct TableFileWriter::Part {
  std::vector<std::optional<std::string>> values;
  std::string dir;  // "col=value/" or ""
  std::unique_ptr<pipeline::JsonBatchBuilder> builder;
  std::unique_ptr<parquet::FileWriter> writer;  // null until the first flush
  std::string path;                             // relative, not encoded
};

namespace {

std::string RandomSuffix() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  return buf;
}

int64_t SystemMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void AppendHiveEscaped(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : s) {
    bool esc = c < 0x20 || c == 0x7f || c == ' ' || std::string_view("\"#%'*/:=?\\{[]^").find(
                                                        static_cast<char>(c)) != std::string_view::npos;
    if (esc) {
      out->push_back('%');
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    } else {
      out->push_back(static_cast<char>(c));
    }
  }
}

}  // namespace

std::string HivePartitionDirectory(const std::vector<std::string>& columns,
                                   const std::vector<std::optional<std::string>>& values) {
  std::string out;
  for (size_t i = 0; i < columns.size(); ++i) {
    AppendHiveEscaped(columns[i], &out);
    out.push_back('=');
    if (!values[i] || values[i]->empty()) {
      out += "__HIVE_DEFAULT_PARTITION__";
    } else {
      AppendHiveEscaped(*values[i], &out);
    }
    out.push_back('/');
  }
  return out;
}

Result<std::unique_ptr<TableFileWriter>> TableFileWriter::Make(
    std::shared_ptr<io::FileSystem> fs, std::string table_root,
    std::vector<pipeline::ColumnSpec> columns, std::vector<std::string> partition_columns,
    TableFileWriterOptions options) {
  ASSIGN_OR_RETURN(auto probe, pipeline::JsonBatchBuilder::Make(columns));
  auto w = std::unique_ptr<TableFileWriter>(new TableFileWriter());
  w->fs_ = std::move(fs);
  w->root_ = std::move(table_root);
  w->columns_ = std::move(columns);
  w->partition_columns_ = std::move(partition_columns);
  w->options_ = std::move(options);
  if (!w->options_.clock) w->options_.clock = SystemMillis;
  w->schema_ = std::make_shared<parquet::Schema>(probe->schema());
  return w;
}

TableFileWriter::~TableFileWriter() = default;

int64_t TableFileWriter::buffered_bytes() const {
  int64_t n = 0;
  for (const auto& [k, p] : parts_) {
    n += p->builder->buffered_bytes();
    if (p->writer) n += p->writer->EstimatedFileSize();
  }
  return n;
}

Status TableFileWriter::Add(const std::vector<std::optional<std::string>>& values,
                            std::string_view record) {
  auto it = parts_.find(values);
  if (it == parts_.end()) {
    auto p = std::make_unique<Part>();
    p->values = values;
    p->dir = HivePartitionDirectory(partition_columns_, values);
    ASSIGN_OR_RETURN(p->builder, pipeline::JsonBatchBuilder::Make(columns_));
    it = parts_.emplace(values, std::move(p)).first;
  }
  Part* p = it->second.get();
  RETURN_IF_ERROR(p->builder->Add(record));
  ++rows_;
  if (p->builder->num_rows() >= options_.batch_rows) RETURN_IF_ERROR(FlushRows(p));
  return Status::OK();
}

Status TableFileWriter::FlushRows(Part* p) {
  if (p->builder->num_rows() == 0) return Status::OK();
  if (!p->writer) {
    char name[64];
    std::snprintf(name, sizeof(name), "part-%05d-", file_counter_++);
    p->path = p->dir + name + RandomSuffix() + ".c000.zstd.parquet";
    ASSIGN_OR_RETURN(auto sink, fs_->OpenForWrite(root_ + "/" + p->path));
    ASSIGN_OR_RETURN(p->writer, parquet::FileWriter::Open(std::move(sink), *schema_,
                                                          options_.parquet));
  }
  RETURN_IF_ERROR(p->builder->WriteTo(p->writer.get())
                      .WithContext("stream: " + root_ + "/" + p->path));
  if (p->writer->EstimatedFileSize() >= options_.file_size_target) RETURN_IF_ERROR(CloseFile(p));
  return Status::OK();
}

Status TableFileWriter::CloseFile(Part* p) {
  if (!p->writer) return Status::OK();
  const std::string full = root_ + "/" + p->path;
  RETURN_IF_ERROR(p->writer->Close().WithContext("stream: " + full));
  StagedFile f;
  f.path = delta::EncodeUriPath(p->path);
  for (size_t i = 0; i < partition_columns_.size(); ++i) {
    f.partition_values[partition_columns_[i]] = p->values[i];
  }
  ASSIGN_OR_RETURN(io::FileInfo info, fs_->Stat(full));
  f.size = static_cast<int64_t>(info.size);
  f.num_records = p->writer->num_rows();
  f.modification_time_ms = options_.clock();
  f.schema = schema_;
  f.footer = p->writer->metadata();
  done_.push_back(std::move(f));
  p->writer.reset();
  return Status::OK();
}

Result<std::vector<StagedFile>> TableFileWriter::Finish() {
  for (auto& [k, p] : parts_) {
    RETURN_IF_ERROR(FlushRows(p.get()));
    RETURN_IF_ERROR(CloseFile(p.get()));
  }
  parts_.clear();
  rows_ = 0;
  std::vector<StagedFile> out = std::move(done_);
  done_.clear();
  return out;
}

void TableFileWriter::Abort() {
  parts_.clear();  // writers destroyed unclosed: nothing published
  done_.clear();
  rows_ = 0;
}

}  // namespace lakestream::stream
