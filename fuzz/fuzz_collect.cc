// libFuzzer target for what the collector parses itself from untrusted bytes (src/collect):
//   byte 0 % 4 == 0  a request body: DecodeBody under an encoding picked by byte 1 (identity,
//                    gzip, deflate, zstd, an unknown one) with small caps, then ParseAndEnrich
//                    as a batch (array / NDJSON / {"batch":[...]}) or a single event
//   byte 0 % 4 == 1  a query string: ParseQuery, QueryValue, PixelEventJson
//   byte 0 % 4 == 2  one spool payload: DecodeSpoolPayload; what decodes re-encodes to the
//                    same bytes
//   byte 0 % 4 == 3  a spool directory: a cursor file and a segment (records framed with
//                    valid lengths and CRCs from the input, then a raw torn tail), opened
//                    and replayed to the end through Spool::Open / Peek / Commit
// Checked beyond "no crash, no leak, no UB": the caps hold (decoded size, event count), every
// record is a JSON object, and the spool replays only whole, intact records.
#include <zlib.h>

#include <cstddef>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "collect/body_decoder.h"
#include "collect/event_batch.h"
#include "collect/query_string.h"
#include "collect/spool.h"

namespace {

using lakestream::Result;
using lakestream::Status;
namespace collect = lakestream::collect;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_collect: invariant broken: %s\n", what);
    std::abort();
  }
}

void FuzzBody(uint8_t selector, std::string_view input) {
  static const char* kEncodings[] = {"identity", "gzip", "deflate", "zstd", "br", ""};
  collect::DecodeLimits dl;
  dl.max_output_bytes = 64 << 10;
  dl.max_ratio = 50;
  collect::DecodeResult d = collect::DecodeBody(kEncodings[selector % 6], input, dl);
  if (d.http_status != 200) {
    Check(!d.reason.empty(), "a refused body has a reason");
    return;
  }
  Check(static_cast<int64_t>(d.body.size()) <= dl.max_output_bytes, "decoded size within the cap");
  collect::Enrichment e;
  e.received_at_micros = 1795478400LL * 1000000;
  e.collector_id = "fuzz";
  e.client_ip = (selector & 8) ? "" : "203.0.113.0";
  e.user_agent = "fuzz/1.0";
  collect::BatchLimits bl;
  bl.max_event_bytes = 4096;
  bl.max_events = 100;
  collect::BodyShape shape = (selector & 16) ? collect::BodyShape::kSingle : collect::BodyShape::kBatch;
  collect::ParsedBatch b = collect::ParseAndEnrich(d.body, shape, e, bl);
  if (b.http_status != 200) {
    Check(!b.reason.empty(), "a refused batch has a reason");
    return;
  }
  Check(static_cast<int64_t>(b.records.size()) <= bl.max_events, "event count within the cap");
  for (const auto& r : b.records) {
    Check(r.value.size() >= 2 && r.value.front() == '{' && r.value.back() == '}',
          "every record is a JSON object");
    Check(r.value.find("\"event_id\":") != std::string::npos, "every record has an event_id");
    Check(!r.key.empty(), "every record has a key");
  }
}

void FuzzQuery(std::string_view input) {
  auto params = collect::ParseQuery(input);
  std::map<std::string, std::string> first;
  for (const auto& [name, value] : params) first.emplace(name, value);
  for (const auto& [name, value] : first) {
    Check(collect::QueryValue(input, name) == value, "QueryValue is the first parameter's value");
  }
  (void)collect::PercentDecode(input);
  std::string pixel = collect::PixelEventJson(input, {"wk", "writeKey"});
  Check(!pixel.empty() && pixel.front() == '{' && pixel.back() == '}', "a pixel event is an object");
}

void FuzzPayload(std::string_view input) {
  Result<collect::SpoolRequest> r = collect::DecodeSpoolPayload(input);
  if (!r.ok()) return;
  Check(collect::EncodeSpoolPayload(*r) == input, "a decoded payload re-encodes to its bytes");
}

// A SpoolDir in memory: the fuzz input is the disk.
class MemoryFile : public collect::AppendFile {
 public:
  explicit MemoryFile(std::string* data) : data_(data) {}
  Status Append(std::string_view d) override {
    data_->append(d);
    return Status::OK();
  }
  Status Sync() override { return Status::OK(); }

 private:
  std::string* data_;
};

class MemorySpoolDir : public collect::SpoolDir {
 public:
  Result<std::unique_ptr<collect::AppendFile>> OpenAppend(const std::string& name) override {
    return std::unique_ptr<collect::AppendFile>(new MemoryFile(&files_[name]));
  }
  Result<std::string> ReadAt(const std::string& name, uint64_t offset, size_t n) override {
    auto it = files_.find(name);
    if (it == files_.end()) return Status::NotFound("no " + name);
    if (offset >= it->second.size()) return std::string();
    return it->second.substr(offset, n);
  }
  Result<uint64_t> Size(const std::string& name) override {
    auto it = files_.find(name);
    if (it == files_.end()) return Status::NotFound("no " + name);
    return static_cast<uint64_t>(it->second.size());
  }
  Result<std::vector<std::string>> List() override {
    std::vector<std::string> names;
    for (const auto& [name, data] : files_) names.push_back(name);
    return names;
  }
  Status Remove(const std::string& name) override {
    files_.erase(name);
    return Status::OK();
  }
  Status WriteAtomic(const std::string& name, std::string_view data) override {
    files_[name] = std::string(data);
    return Status::OK();
  }
  Result<std::string> ReadWhole(const std::string& name) override {
    auto it = files_.find(name);
    if (it == files_.end()) return Status::NotFound("no " + name);
    return it->second;
  }
  std::map<std::string, std::string> files_;
};

void PutU32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}

// Input: u8 cursor_len | cursor | then chunks of (u8 len | payload[len]) framed as records
// with correct CRCs, until a chunk's length byte is 0: the rest is appended raw (a torn tail).
void FuzzSpool(std::string_view input) {
  auto dir = std::make_shared<MemorySpoolDir>();
  if (input.empty()) return;
  size_t cursor_len = static_cast<uint8_t>(input[0]);
  input.remove_prefix(1);
  if (cursor_len > 0 && cursor_len <= input.size()) {
    dir->files_["cursor"] = std::string(input.substr(0, cursor_len));
    input.remove_prefix(cursor_len);
  }
  std::string segment;
  int framed = 0;
  while (!input.empty()) {
    size_t len = static_cast<uint8_t>(input[0]);
    input.remove_prefix(1);
    if (len == 0 || len > input.size()) break;
    std::string_view payload = input.substr(0, len);
    input.remove_prefix(len);
    PutU32(&segment, static_cast<uint32_t>(payload.size()));
    PutU32(&segment, static_cast<uint32_t>(
                         crc32(0, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(payload.size()))));
    segment.append(payload);
    ++framed;
  }
  segment.append(input);  // the torn tail
  dir->files_["0000000000000001.seg"] = segment;
  collect::Spool::Options o;
  o.max_bytes = 1 << 20;
  o.segment_bytes = 4096;
  Result<std::unique_ptr<collect::Spool>> spool = collect::Spool::Open(dir, o);
  if (!spool.ok()) return;
  int replayed = 0;
  for (int round = 0; round < 1000; ++round) {
    Result<std::vector<collect::SpooledRequest>> got = (*spool)->Peek(7);
    if (!got.ok() || got->empty()) break;
    for (const auto& r : *got) {
      Check(collect::DecodeSpoolPayload(collect::EncodeSpoolPayload(r.request)).ok(),
            "a replayed request re-encodes");
      ++replayed;
    }
    if (!(*spool)->Commit(got->back()).ok()) break;
  }
  Check(replayed <= framed, "only whole, intact records are replayed");
  // The spool still takes and returns a request after whatever it recovered.
  collect::SpoolRequest req;
  req.topic = "t";
  req.records.push_back({"k", "{\"event_id\":\"x\"}"});
  if ((*spool)->Append(req).ok() && (*spool)->Sync().ok()) {
    Result<std::vector<collect::SpooledRequest>> got = (*spool)->Peek(1000);
    (void)got;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 2, size - 2);
  switch (data[0] % 4) {
    case 0: FuzzBody(data[1], rest); break;
    case 1: FuzzQuery(rest); break;
    case 2: FuzzPayload(rest); break;
    default: FuzzSpool(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1)); break;
  }
  return 0;
}
