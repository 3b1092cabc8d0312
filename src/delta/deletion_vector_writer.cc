// Writing deletion vector files (delta/deletion_vector.h).
#include <zlib.h>

#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>

#include "common/uuid.h"
#include "delta/deletion_vector.h"
#include "delta/uri.h"
#include "delta/z85.h"

namespace lakestream::delta {
namespace {

void PutBe32(uint32_t v, std::string* out) {
  for (int i = 3; i >= 0; --i) out->push_back(static_cast<char>(v >> (8 * i)));
}

// The 16 bytes of a UUID's canonical text.
std::string UuidBytes(const std::string& text) {
  std::string out;
  int hi = -1;
  for (char c : text) {
    int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                           : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (v < 0) continue;
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<char>(hi << 4 | v));
      hi = -1;
    }
  }
  return out;
}

// Stats of a file whose rows a deletion vector now hides: min/max still bound the
// remaining rows, but no longer tightly (PROTOCOL.md "Per-file Statistics").
std::optional<std::string> LooseBounds(const std::optional<std::string>& stats) {
  if (!stats) return stats;
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(*stats, nullptr, false);
  if (!j.is_object()) return stats;
  j["tightBounds"] = false;
  return j.dump();
}

}  // namespace

Result<AddFile> AddDeletionVector(io::FileSystem& fs, const std::string& table_root,
                                  const AddFile& add, const std::vector<uint64_t>& rows,
                                  std::vector<std::string>* written) {
  std::vector<uint64_t> deleted = rows;
  if (add.deletion_vector) {
    ASSIGN_OR_RETURN(DeletedRows old,
                     LoadDeletionVector(fs, table_root, add.path, *add.deletion_vector));
    deleted.clear();
    std::set_union(old.rows().begin(), old.rows().end(), rows.begin(), rows.end(),
                   std::back_inserter(deleted));
  }
  std::string path;
  ASSIGN_OR_RETURN(DeletionVector dv, WriteDeletionVectorFile(fs, table_root, deleted, &path));
  written->push_back(path);
  AddFile marked = add;
  marked.deletion_vector = dv;
  marked.stats = LooseBounds(add.stats);
  marked.data_change = true;
  return marked;
}

Result<DeletionVector> WriteDeletionVectorFile(io::FileSystem& fs, const std::string& table_root,
                                               const std::vector<uint64_t>& rows,
                                               std::string* path) {
  std::string uuid = UuidBytes(NewUuid());
  if (uuid.size() != 16) return Status::Internal("delta: deletion vector: bad UUID");
  std::string bitmap = SerializeRoaringBitmapArray(rows);
  std::string file(1, '\x01');  // format version
  PutBe32(static_cast<uint32_t>(bitmap.size()), &file);
  file += bitmap;
  PutBe32(static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(bitmap.data()),
                                      static_cast<uInt>(bitmap.size()))),
          &file);
  DeletionVector dv;
  dv.storage_type = "u";
  dv.path_or_inline_dv = Z85Encode(uuid);
  dv.offset = 1;
  dv.size_in_bytes = static_cast<int32_t>(bitmap.size());
  dv.cardinality = static_cast<int64_t>(rows.size());
  ASSIGN_OR_RETURN(*path, DeletionVectorFilePath(table_root, dv));
  ASSIGN_OR_RETURN(auto out, fs.OpenForWrite(*path));
  Status s = out->Append(file);
  if (s.ok()) s = out->Close();
  if (!s.ok()) return s.WithContext("delta: deletion vector " + *path);
  return dv;
}

}  // namespace lakestream::delta
