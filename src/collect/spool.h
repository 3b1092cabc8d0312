// Spool: the collector's local, durable queue for requests the broker could
// not take in time (docs/collector.md "Spool"). Requests are appended to
// segment files and made durable (fsync) before the device is answered 202;
// a replayer reads them back in order, produces them, and advances a cursor.
//
// Format (all integers little-endian), segment files "<16-digit seq>.seg":
//   record  := u32 length | u32 crc32(payload) | payload[length]
//   payload := u8 version(1) | u16 topic_len | topic | u32 count |
//              count * (u32 key_len | key | u32 value_len | value)
// and the file "cursor" ("<seq> <offset>\n", replaced atomically): where the
// replay stands; segments before it are deleted.
//
// Recovery: every open starts a new segment, so every older segment is
// final. Reading one stops at its first record that is incomplete or fails
// its CRC: the torn tail of a crash, which was never synced and so never
// acknowledged. Such bytes are counted (dropped_bytes) and skipped.
// Readers see only synced bytes of the segment being written.
//
// Thread-safety: Append/Sync from one writer thread, Peek/Commit from one
// reader thread, concurrently; a mutex guards the shared positions.
// Ownership: shares the SpoolDir.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "collect/event_batch.h"
#include "collect/spool_dir.h"
#include "common/status.h"

namespace lakestream::collect {

struct SpoolRequest {
  std::string topic;
  std::vector<EventRecord> records;
};

// A request read back, and the position just after it.
struct SpooledRequest {
  SpoolRequest request;
  uint64_t segment = 0;
  uint64_t end_offset = 0;
};

// Encodes/decodes one payload (exposed for tests and the fuzz target).
std::string EncodeSpoolPayload(const SpoolRequest& r);
Result<SpoolRequest> DecodeSpoolPayload(std::string_view payload);

class Spool {
 public:
  struct Options {
    int64_t max_bytes = int64_t{1} << 30;      // appends beyond: Unavailable (503)
    int64_t segment_bytes = int64_t{64} << 20;  // roll to a new segment past this
  };
  // Opens the spool in `dir`: reads the cursor, removes replayed segments,
  // starts a new segment. IOError / Corruption (a bad cursor file) naming the file.
  static Result<std::unique_ptr<Spool>> Open(std::shared_ptr<SpoolDir> dir, Options options);

  // Appends one request (not durable until Sync). Unavailable "spool full"
  // when it would take the spool past max_bytes; IOError from the disk.
  Status Append(const SpoolRequest& r);
  // Makes every appended request durable and visible to Peek.
  Status Sync();

  // Up to `max` durable requests after the cursor, in order (none when empty).
  Result<std::vector<SpooledRequest>> Peek(size_t max);
  // Moves the cursor past `last` (a Peek result), durably; deletes finished segments.
  Status Commit(const SpooledRequest& last);

  // Bytes appended and not yet replayed (records not yet past the cursor).
  int64_t bytes() const;
  // No durable request after the cursor and nothing appended unsynced.
  bool empty() const;
  int64_t dropped_bytes() const;
  const Options& options() const { return options_; }

 private:
  Spool(std::shared_ptr<SpoolDir> dir, Options options) : dir_(std::move(dir)), options_(options) {}
  Status Roll();
  static std::string SegmentName(uint64_t seq);

  std::shared_ptr<SpoolDir> dir_;
  Options options_;
  std::unique_ptr<AppendFile> file_;  // the writer's segment
  uint64_t write_seq_ = 0;
  uint64_t write_offset_ = 0;  // bytes appended to write_seq_
  bool broken_ = false;        // a write or sync failed: the next Append rolls

  mutable std::mutex mu_;
  std::vector<uint64_t> segments_;  // every live segment, ascending (last = write_seq_)
  uint64_t synced_offset_ = 0;      // durable bytes of write_seq_
  uint64_t read_seq_ = 0;           // cursor
  uint64_t read_offset_ = 0;
  int64_t bytes_ = 0;               // appended, not committed
  int64_t unsynced_ = 0;
  int64_t dropped_ = 0;
};

}  // namespace lakestream::collect
