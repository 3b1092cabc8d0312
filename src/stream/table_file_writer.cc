#include "stream/table_file_writer.h"

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>

#include "common/uuid.h"
#include "delta/partition_path.h"
#include "delta/uri.h"
#include "parquet/file_writer.h"

namespace lakestream::stream {

struct TableFileWriter::Part {
  std::vector<std::optional<std::string>> values;
  std::string dir;  // "col=value/" or ""
  // The builder being filled, and the other one (empty, or in flight on the
  // encoder).
  std::unique_ptr<pipeline::JsonBatchBuilder> builder;
  std::unique_ptr<pipeline::JsonBatchBuilder> spare;
  bool in_flight = false;                       // guarded by the encoder's mutex
  std::vector<StagedFile>* done = nullptr;      // where rolled files go (its batch's list)
  std::unique_ptr<parquet::FileWriter> writer;  // null until the first encode
  std::string path;                             // relative, not encoded
};

// The background encode thread: a FIFO of (part, filled builder) jobs.
TableFileWriter::Sealed::~Sealed() = default;

class TableFileWriter::Encoder {
 public:
  explicit Encoder(TableFileWriter* w) : w_(w), thread_([this] { Run(); }) {}
  ~Encoder() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  // Queues `rows` of `p` once p has nothing in flight. Returns the first
  // encode error seen so far (then nothing is queued).
  Status Submit(Part* p, pipeline::JsonBatchBuilder* rows) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !p->in_flight || !status_.ok(); });
    if (!status_.ok()) return status_;
    p->in_flight = true;
    queue_.emplace_back(p, rows);
    cv_.notify_all();
    return Status::OK();
  }

  // Waits until none of `parts` has a batch in flight; returns the first
  // encode error so far (kept).
  template <typename PartMap>
  Status WaitIdle(const PartMap& parts) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] {
      for (const auto& [k, p] : parts) {
        if (p->in_flight) return false;
      }
      return true;
    });
    return status_;
  }

  // Waits until every queued job is done; returns the first error and
  // forgets it.
  Status Drain() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return queue_.empty() && !busy_; });
    Status s = std::move(status_);
    status_ = Status::OK();
    return s;
  }

 private:
  void Run() {
    pthread_setname_np(pthread_self(), "ls-encode");  // for top and perf
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      cv_.wait(lock, [&] { return !queue_.empty() || stop_; });
      if (stop_) return;
      auto [p, rows] = queue_.front();
      queue_.pop_front();
      busy_ = true;
      Status s;
      if (status_.ok()) {  // after an error the batch is doomed: skip the work
        lock.unlock();
        s = w_->EncodeRows(p, rows);
        lock.lock();
      }
      rows->Clear();
      // The caller tells bad records (InvalidArgument) from storage trouble;
      // an encode failure is never a bad record.
      if (!s.ok() && status_.ok()) {
        status_ = s.IsInvalidArgument() ? Status::Internal(s.message()) : s;
      }
      p->in_flight = false;
      busy_ = false;
      cv_.notify_all();
    }
  }

  TableFileWriter* w_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<Part*, pipeline::JsonBatchBuilder*>> queue_;
  bool busy_ = false;
  bool stop_ = false;
  Status status_;
  std::thread thread_;  // last: starts after the members above exist
};

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
  w->options_.clock = ClockOrReal(w->options_.clock);
  w->schema_ = std::make_shared<parquet::Schema>(probe->schema());
  if (!w->options_.field_ids.empty()) {
    parquet::SchemaNode root = probe->schema().root();
    for (size_t i = 0; i < root.children.size() && i < w->options_.field_ids.size(); ++i) {
      root.children[i].field_id = w->options_.field_ids[i];
    }
    ASSIGN_OR_RETURN(parquet::Schema with_ids, parquet::Schema::FromRoot(std::move(root)));
    w->schema_ = std::make_shared<parquet::Schema>(std::move(with_ids));
  }
  if (w->options_.encode_thread) w->encoder_ = std::make_unique<Encoder>(w.get());
  return w;
}

TableFileWriter::~TableFileWriter() {
  encoder_.reset();  // stops the thread before the parts it may touch go
}

Status TableFileWriter::Add(const std::vector<std::optional<std::string>>& values,
                            std::string_view record, size_t readable) {
  auto it = parts_.find(values);
  if (it == parts_.end()) {
    auto p = std::make_unique<Part>();
    p->values = values;
    // An empty string partition value is null (Delta protocol).
    std::vector<std::optional<std::string>> dir_values = values;
    for (auto& v : dir_values) {
      if (v && v->empty()) v.reset();
    }
    p->dir = delta::PartitionDirectory(partition_columns_, dir_values);
    if (!p->dir.empty()) p->dir.push_back('/');
    ASSIGN_OR_RETURN(p->builder, pipeline::JsonBatchBuilder::Make(columns_));
    if (encoder_) {
      ASSIGN_OR_RETURN(p->spare, pipeline::JsonBatchBuilder::Make(columns_));
    }
    p->done = done_.get();
    it = parts_.emplace(values, std::move(p)).first;
  }
  Part* p = it->second.get();
  RETURN_IF_ERROR(p->builder->Add(record, std::max(readable, record.size())));
  ++rows_;
  if (p->builder->num_rows() >= options_.batch_rows) RETURN_IF_ERROR(SubmitRows(p));
  return Status::OK();
}

Status TableFileWriter::SubmitRows(Part* p) {
  if (p->builder->num_rows() == 0) return Status::OK();
  if (!encoder_) return EncodeRows(p, p->builder.get());
  RETURN_IF_ERROR(encoder_->Submit(p, p->builder.get()));
  std::swap(p->builder, p->spare);  // the spare is idle: Submit waited for it
  return Status::OK();
}

Status TableFileWriter::EncodeRows(Part* p, pipeline::JsonBatchBuilder* rows) {
  if (rows->num_rows() == 0) return Status::OK();
  if (!p->writer) {
    char name[32];
    std::snprintf(name, sizeof(name), "part-%05d-", file_counter_.fetch_add(1));
    p->path = p->dir + name + NewUuid() + ".c000.zstd.parquet";
    ASSIGN_OR_RETURN(auto sink, fs_->OpenForWrite(root_ + "/" + p->path));
    ASSIGN_OR_RETURN(p->writer,
                     parquet::FileWriter::Open(std::move(sink), *schema_, options_.parquet));
  }
  RETURN_IF_ERROR(rows->WriteTo(p->writer.get()).WithContext("stream: " + root_ + "/" + p->path));
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
  f.schema = schema_;
  f.footer = p->writer->metadata();
  p->done->push_back(std::move(f));  // modification time set by FinishSealed
  p->writer.reset();
  return Status::OK();
}

std::unique_ptr<TableFileWriter::Sealed> TableFileWriter::Seal() {
  auto sealed = std::make_unique<Sealed>();
  sealed->parts = std::move(parts_);
  sealed->done = std::move(done_);
  parts_.clear();
  done_ = std::make_unique<std::vector<StagedFile>>();
  rows_ = 0;
  return sealed;
}

Result<std::vector<StagedFile>> TableFileWriter::Finish() { return FinishSealed(Seal()); }

Result<std::vector<StagedFile>> TableFileWriter::FinishSealed(std::unique_ptr<Sealed> sealed) {
  Status st;
  for (auto& [k, p] : sealed->parts) {
    st = SubmitRows(p.get());
    if (!st.ok()) break;
  }
  if (encoder_) {
    // Always wait: the encoder may hold these parts even after an error.
    Status idle = encoder_->WaitIdle(sealed->parts);
    if (st.ok()) st = idle;
  }
  RETURN_IF_ERROR(st);
  // The encoder is done with these parts: their files are ours to close.
  for (auto& [k, p] : sealed->parts) RETURN_IF_ERROR(CloseFile(p.get()));
  const int64_t now = options_.clock->NowMillis();
  std::vector<StagedFile> out = std::move(*sealed->done);
  for (StagedFile& f : out) f.modification_time_ms = now;
  return out;
}

void TableFileWriter::Abort() {
  if (encoder_) (void)encoder_->Drain();
  parts_.clear();  // writers destroyed unclosed: nothing published
  done_->clear();
  rows_ = 0;
}

}  // namespace lakestream::stream
