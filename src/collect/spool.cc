#include "collect/spool.h"

#include <zlib.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace lakestream::collect {
namespace {

constexpr char kCursor[] = "cursor";
constexpr uint8_t kVersion = 1;
constexpr size_t kHeader = 8;
constexpr uint32_t kMaxRecord = 256u << 20;

void PutU32(std::string* out, uint32_t v) {
  char b[4] = {static_cast<char>(v), static_cast<char>(v >> 8), static_cast<char>(v >> 16),
               static_cast<char>(v >> 24)};
  out->append(b, 4);
}

uint32_t GetU32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return u[0] | (u[1] << 8) | (u[2] << 16) | (static_cast<uint32_t>(u[3]) << 24);
}

uint32_t Crc(std::string_view s) {
  return static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size())));
}

bool ParseSegmentName(const std::string& name, uint64_t* seq) {
  if (name.size() != 20 || name.compare(16, 4, ".seg") != 0) return false;
  uint64_t v = 0;
  for (int i = 0; i < 16; ++i) {
    if (name[i] < '0' || name[i] > '9') return false;
    v = v * 10 + static_cast<uint64_t>(name[i] - '0');
  }
  *seq = v;
  return true;
}

}  // namespace

std::string EncodeSpoolPayload(const SpoolRequest& r) {
  std::string out;
  out.push_back(static_cast<char>(kVersion));
  out.push_back(static_cast<char>(r.topic.size() & 0xff));
  out.push_back(static_cast<char>(r.topic.size() >> 8));
  out += r.topic;
  PutU32(&out, static_cast<uint32_t>(r.records.size()));
  for (const auto& rec : r.records) {
    PutU32(&out, static_cast<uint32_t>(rec.key.size()));
    out += rec.key;
    PutU32(&out, static_cast<uint32_t>(rec.value.size()));
    out += rec.value;
  }
  return out;
}

Result<SpoolRequest> DecodeSpoolPayload(std::string_view p) {
  auto bad = [](const std::string& why) { return Status::Corruption("spool: record: " + why); };
  if (p.size() < 3 || static_cast<uint8_t>(p[0]) != kVersion) return bad("unknown version");
  size_t tlen = static_cast<unsigned char>(p[1]) | (static_cast<unsigned char>(p[2]) << 8);
  size_t pos = 3;
  if (p.size() < pos + tlen + 4) return bad("truncated topic");
  SpoolRequest r;
  r.topic.assign(p.substr(pos, tlen));
  pos += tlen;
  uint32_t n = GetU32(p.data() + pos);
  pos += 4;
  if (n > p.size()) return bad("record count " + std::to_string(n) + " exceeds the payload");
  r.records.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    EventRecord rec;
    for (std::string* field : {&rec.key, &rec.value}) {
      if (p.size() < pos + 4) return bad("truncated at event " + std::to_string(i));
      uint32_t len = GetU32(p.data() + pos);
      pos += 4;
      if (p.size() - pos < len) return bad("truncated at event " + std::to_string(i));
      field->assign(p.substr(pos, len));
      pos += len;
    }
    r.records.push_back(std::move(rec));
  }
  if (pos != p.size()) return bad("trailing bytes");
  return r;
}

std::string Spool::SegmentName(uint64_t seq) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%016" PRIu64 ".seg", seq);
  return buf;
}

Result<std::unique_ptr<Spool>> Spool::Open(std::shared_ptr<SpoolDir> dir, Options options) {
  auto s = std::unique_ptr<Spool>(new Spool(std::move(dir), options));
  auto cursor = s->dir_->ReadWhole(kCursor);
  if (cursor.ok()) {
    unsigned long long seq = 0, off = 0;
    if (std::sscanf(cursor->c_str(), "%llu %llu", &seq, &off) != 2) {
      return Status::Corruption("spool: cursor file is not '<segment> <offset>': " +
                                cursor->substr(0, 60));
    }
    s->read_seq_ = seq;
    s->read_offset_ = off;
  } else if (!cursor.status().IsNotFound()) {
    return cursor.status();
  }
  ASSIGN_OR_RETURN(auto names, s->dir_->List());
  uint64_t last = 0;
  for (const auto& n : names) {
    uint64_t seq;
    if (!ParseSegmentName(n, &seq)) continue;
    if (seq < s->read_seq_) {
      RETURN_IF_ERROR(s->dir_->Remove(n));
      continue;
    }
    ASSIGN_OR_RETURN(uint64_t size, s->dir_->Size(n));
    s->segments_.push_back(seq);
    s->bytes_ += static_cast<int64_t>(size - (seq == s->read_seq_ ? std::min(size, s->read_offset_) : 0));
    last = seq;
  }
  if (s->segments_.empty() || s->segments_.front() != s->read_seq_) {
    // The cursor's segment was finished and removed: start at the first live one.
    s->read_seq_ = s->segments_.empty() ? last + 1 : s->segments_.front();
    s->read_offset_ = 0;
  }
  s->write_seq_ = std::max(last + 1, s->read_seq_);
  RETURN_IF_ERROR(s->Roll());
  return s;
}

Status Spool::Roll() {
  uint64_t seq = file_ ? write_seq_ + 1 : write_seq_;
  ASSIGN_OR_RETURN(file_, dir_->OpenAppend(SegmentName(seq)));
  std::lock_guard<std::mutex> lock(mu_);
  write_seq_ = seq;
  write_offset_ = 0;
  synced_offset_ = 0;
  segments_.push_back(seq);
  return Status::OK();
}

Status Spool::Append(const SpoolRequest& r) {
  std::string payload = EncodeSpoolPayload(r);
  std::string rec;
  PutU32(&rec, static_cast<uint32_t>(payload.size()));
  PutU32(&rec, Crc(payload));
  rec += payload;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (bytes_ + static_cast<int64_t>(rec.size()) > options_.max_bytes) {
      return Status::Unavailable("spool: full (" + std::to_string(bytes_) + " of " +
                                 std::to_string(options_.max_bytes) + " bytes)");
    }
  }
  if (broken_) {
    // The segment may end in a partial record: never append after it.
    RETURN_IF_ERROR(Roll());
    broken_ = false;
  } else if (static_cast<int64_t>(write_offset_) >= options_.segment_bytes) {
    RETURN_IF_ERROR(Sync());
    RETURN_IF_ERROR(Roll());
  }
  Status st = file_->Append(rec);
  if (!st.ok()) {
    broken_ = true;
    return st;
  }
  write_offset_ += rec.size();
  std::lock_guard<std::mutex> lock(mu_);
  bytes_ += static_cast<int64_t>(rec.size());
  unsynced_ += static_cast<int64_t>(rec.size());
  return Status::OK();
}

Status Spool::Sync() {
  Status st = file_->Sync();
  if (!st.ok()) {
    // After a failed fsync the page cache state is unknown (fsyncgate): the
    // unsynced records are not acknowledged (their requests get 503), and
    // nothing more goes here. Whatever of them is on disk is replayed later:
    // duplicates of events the device resends, with the same event_id.
    broken_ = true;
    std::lock_guard<std::mutex> lock(mu_);
    unsynced_ = 0;
    return st;
  }
  std::lock_guard<std::mutex> lock(mu_);
  synced_offset_ = write_offset_;
  unsynced_ = 0;
  return Status::OK();
}

Result<std::vector<SpooledRequest>> Spool::Peek(size_t max) {
  std::vector<SpooledRequest> out;
  uint64_t seq, offset;
  {
    std::lock_guard<std::mutex> lock(mu_);
    seq = read_seq_;
    offset = read_offset_;
  }
  while (out.size() < max) {
    uint64_t limit;
    bool writing;
    {
      std::lock_guard<std::mutex> lock(mu_);
      writing = seq == write_seq_;
      limit = writing ? synced_offset_ : 0;
    }
    std::string name = SegmentName(seq);
    if (!writing) {
      ASSIGN_OR_RETURN(limit, dir_->Size(name));
    }
    bool done = offset + kHeader > limit;
    std::string head, payload;
    if (!done) {
      ASSIGN_OR_RETURN(head, dir_->ReadAt(name, offset, kHeader));
      uint32_t len = GetU32(head.data());
      done = len > kMaxRecord || offset + kHeader + len > limit;
      if (!done) {
        ASSIGN_OR_RETURN(payload, dir_->ReadAt(name, offset + kHeader, len));
        done = payload.size() != len || Crc(payload) != GetU32(head.data() + 4);
      }
    }
    if (done) {
      // Skip to the next segment only from the cursor (so a torn tail is counted
      // once, when the cursor passes it): return what was read first.
      if (writing || !out.empty()) break;
      // The end of a finished segment; bytes left are a torn tail.
      std::lock_guard<std::mutex> lock(mu_);
      if (limit > offset) {
        dropped_ += static_cast<int64_t>(limit - offset);
        bytes_ -= static_cast<int64_t>(limit - offset);
      }
      auto it = std::upper_bound(segments_.begin(), segments_.end(), seq);
      if (it == segments_.end()) break;
      seq = *it;
      offset = 0;
      read_seq_ = seq;  // in memory; made durable by the next Commit
      read_offset_ = 0;
      continue;
    }
    auto decoded = DecodeSpoolPayload(payload);
    if (!decoded.ok()) {
      return Status::Corruption(name + " at " + std::to_string(offset) + ": " +
                                decoded.status().message());
    }
    offset += kHeader + payload.size();
    out.push_back(SpooledRequest{std::move(*decoded), seq, offset});
  }
  std::vector<uint64_t> gone;
  {
    std::lock_guard<std::mutex> lock(mu_);
    while (!segments_.empty() && segments_.front() < read_seq_) {
      gone.push_back(segments_.front());
      segments_.erase(segments_.begin());
    }
  }
  for (uint64_t g : gone) RETURN_IF_ERROR(dir_->Remove(SegmentName(g)));
  return out;
}

Status Spool::Commit(const SpooledRequest& last) {
  std::vector<uint64_t> gone;
  uint64_t seq, off;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Bytes consumed: the rest of every segment before last's, then up to last.
    for (uint64_t s : segments_) {
      if (s < read_seq_ || s > last.segment) continue;
      uint64_t from = s == read_seq_ ? read_offset_ : 0;
      uint64_t to = 0;
      if (s == last.segment) {
        to = last.end_offset;
      } else {
        to = s == write_seq_ ? write_offset_ : 0;
        if (s != write_seq_) {
          auto size = dir_->Size(SegmentName(s));
          to = size.ok() ? *size : from;
        }
      }
      if (to > from) bytes_ -= static_cast<int64_t>(to - from);
      if (s < last.segment) gone.push_back(s);
    }
    read_seq_ = seq = last.segment;
    read_offset_ = off = last.end_offset;
    while (!segments_.empty() && segments_.front() < read_seq_) segments_.erase(segments_.begin());
  }
  RETURN_IF_ERROR(dir_->WriteAtomic(kCursor, std::to_string(seq) + " " + std::to_string(off) + "\n"));
  for (uint64_t g : gone) RETURN_IF_ERROR(dir_->Remove(SegmentName(g)));
  return Status::OK();
}

int64_t Spool::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

bool Spool::empty() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_ <= 0 && unsynced_ == 0;
}

int64_t Spool::dropped_bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_;
}

}  // namespace lakestream::collect
