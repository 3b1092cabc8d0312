// Deletion vectors (PROTOCOL.md "Deletion Vectors", "Deletion Vector Format"):
// the set of row indexes of one data file that are logically deleted.
//
// A descriptor (delta/actions.h DeletionVector) says where the set lives:
// inline in the log as Z85 (`i`), in a file under the table root named by a
// Z85 UUID with an optional random prefix (`u`), or in a file at an absolute
// path (`p`). The set itself is a RoaringBitmapArray: the magic number
// 1681511377 (little endian) then a 64-bit Roaring bitmap in the portable
// format (bucket count, then per bucket a 32-bit key and a 32-bit portable
// Roaring bitmap; CRoaring decodes the buckets). In a file, each set is
// framed as big-endian size, data, big-endian CRC-32 of the data, after a
// version byte 1 at the start of the file.
//
// Loading verifies everything the descriptor states: storage type, size,
// checksum, cardinality, that buckets and values ascend, and that no bytes
// trail. Errors are Corruption (or NotFound / IOError from storage) and name
// the data file, the descriptor and the DV file; bad bytes never crash
// (fuzz/fuzz_deletion_vector.cc).
//
// Thread-safety: pure functions of their inputs and of the storage; a
// DeletedRows is an immutable value once built. Ownership: values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "delta/actions.h"
#include "io/file_system.h"

namespace lakestream::delta {

inline constexpr uint32_t kDeletionVectorMagic = 1681511377;
// Delta's older "native" RoaringBitmapArray format (read only).
inline constexpr uint32_t kDeletionVectorNativeMagic = 1681511376;

// The deleted row indexes of one data file, ascending and distinct.
class DeletedRows {
 public:
  DeletedRows() = default;
  explicit DeletedRows(std::vector<uint64_t> rows) : rows_(std::move(rows)) {}

  const std::vector<uint64_t>& rows() const { return rows_; }
  int64_t cardinality() const { return static_cast<int64_t>(rows_.size()); }
  bool empty() const { return rows_.empty(); }
  bool Contains(uint64_t row) const;

  // Visits row indexes in ascending order without searching: Deleted(r) for
  // r = 0, 1, 2, ... (r never decreasing) says whether row r is deleted.
  class Cursor {
   public:
    explicit Cursor(const DeletedRows* rows) : rows_(rows) {}
    bool Deleted(uint64_t row);

   private:
    const DeletedRows* rows_;
    size_t next_ = 0;
  };

 private:
  std::vector<uint64_t> rows_;
};

// Decodes a RoaringBitmapArray (magic + 64-bit portable bitmap; or Delta's
// older native layout, big endian, magic 1681511376, in which PROTOCOL.md's
// inline example is written) occupying all of `bytes`, of at most `max_cardinality` rows (checked before the rows
// are materialized). Corruption saying what is wrong (no file context).
Result<DeletedRows> ParseRoaringBitmapArray(std::string_view bytes, int64_t max_cardinality);

// The RoaringBitmapArray of `rows` (ascending, distinct), run-optimized.
std::string SerializeRoaringBitmapArray(const std::vector<uint64_t>& rows);

// The canonical text of a 16-byte UUID: 8-4-4-4-12 lowercase hex.
std::string UuidText(std::string_view bytes16);

// The FileSystem path of the DV file of a `u` or `p` descriptor, resolved
// against `table_root`; InvalidArgument for `i` and unknown storage types,
// Corruption for a malformed `u` value.
Result<std::string> DeletionVectorFilePath(const std::string& table_root,
                                           const DeletionVector& dv);

// Writes `rows` (ascending, distinct) as a new DV file
// `deletion_vector_<random uuid>.bin` under `table_root` (version byte, size,
// RoaringBitmapArray, CRC-32) and returns its `u` descriptor (offset 1) and,
// in *path, the file written (for clean-up after a failed commit). I/O errors
// name the file.
Result<DeletionVector> WriteDeletionVectorFile(io::FileSystem& fs, const std::string& table_root,
                                               const std::vector<uint64_t>& rows,
                                               std::string* path);

// `add` with the rows `rows` (file row indexes, ascending, distinct) deleted on
// top of those its current deletion vector deletes: writes the new DV file
// (its path appended to *written, for clean-up after a failed commit) and
// returns the same data file with the new descriptor and its stats' bounds
// marked loose (tightBounds false). Commit it beside a remove of `add`.
Result<AddFile> AddDeletionVector(io::FileSystem& fs, const std::string& table_root,
                                  const AddFile& add, const std::vector<uint64_t>& rows,
                                  std::vector<std::string>* written);

// Loads and verifies the deleted rows of data file `data_file` (its path as
// the log spells it, for messages) described by `dv`.
Result<DeletedRows> LoadDeletionVector(io::FileSystem& fs, const std::string& table_root,
                                       const std::string& data_file, const DeletionVector& dv);

}  // namespace lakestream::delta
