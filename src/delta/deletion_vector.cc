#include "delta/deletion_vector.h"

#include <roaring/roaring.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <memory>

#include "delta/uri.h"
#include "delta/z85.h"

namespace lakestream::delta {
namespace {

constexpr size_t kUuidZ85Chars = 20;  // 16 bytes

uint32_t Le32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

uint64_t Le64(const char* p) {
  return static_cast<uint64_t>(Le32(p)) | (static_cast<uint64_t>(Le32(p + 4)) << 32);
}

uint32_t Be32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

void PutLe(uint64_t v, int bytes, std::string* out) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}

struct RoaringFree {
  void operator()(roaring_bitmap_t* b) const { roaring_bitmap_free(b); }
};
using RoaringPtr = std::unique_ptr<roaring_bitmap_t, RoaringFree>;

// Appends a bucket's values as 64-bit row indexes, checking they ascend.
struct Collect {
  uint64_t high;
  std::vector<uint64_t>* out;
  bool ascending = true;
};

bool CollectValue(uint32_t v, void* arg) {
  auto* c = static_cast<Collect*>(arg);
  uint64_t row = c->high | v;
  if (!c->out->empty() && row <= c->out->back()) {
    c->ascending = false;
    return false;
  }
  c->out->push_back(row);
  return true;
}

std::string Hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

// A descriptor's uniqueId, shortened for messages (inline ones can be long).
std::string ShortId(const DeletionVector& dv) {
  std::string id = dv.UniqueId();
  if (id.size() > 48) id = id.substr(0, 40) + "...";
  return id;
}

// Reads exactly n bytes at offset.
Status ReadFully(const io::RandomAccessFile& f, uint64_t offset, size_t n, std::string* out) {
  out->resize(n);
  size_t done = 0;
  while (done < n) {
    ASSIGN_OR_RETURN(size_t got, f.ReadAt(offset + done, n - done, out->data() + done));
    if (got == 0) return Status::Corruption("unexpected end of file at byte " +
                                            std::to_string(offset + done));
    done += got;
  }
  return Status::OK();
}

// The serialized bitmap of a file-stored DV, its frame and checksum verified.
Result<std::string> ReadStored(io::FileSystem& fs, const std::string& path,
                               const DeletionVector& dv) {
  ASSIGN_OR_RETURN(auto file, fs.OpenForRead(path));
  ASSIGN_OR_RETURN(uint64_t file_size, file->Size());
  int64_t offset = dv.offset.value_or(0);
  if (offset < 0) return Status::Corruption("negative offset " + std::to_string(offset));
  uint64_t end = static_cast<uint64_t>(offset) + 8 + static_cast<uint64_t>(dv.size_in_bytes);
  if (file_size < 1 || end > file_size) {
    return Status::Corruption("the file has " + std::to_string(file_size) +
                              " bytes; offset " + std::to_string(offset) + " and sizeInBytes " +
                              std::to_string(dv.size_in_bytes) + " need " + std::to_string(end));
  }
  std::string version;
  RETURN_IF_ERROR(ReadFully(*file, 0, 1, &version));
  if (version[0] != 1) {
    return Status::Corruption("format version " +
                              std::to_string(static_cast<unsigned char>(version[0])) +
                              ", expected 1");
  }
  std::string frame;
  RETURN_IF_ERROR(ReadFully(*file, static_cast<uint64_t>(offset),
                            static_cast<size_t>(dv.size_in_bytes) + 8, &frame));
  uint32_t stored_size = Be32(frame.data());
  if (stored_size != static_cast<uint32_t>(dv.size_in_bytes)) {
    return Status::Corruption("stored size " + std::to_string(stored_size) +
                              " differs from sizeInBytes " + std::to_string(dv.size_in_bytes));
  }
  std::string data = frame.substr(4, static_cast<size_t>(dv.size_in_bytes));
  uint32_t stored_crc = Be32(frame.data() + 4 + data.size());
  uint32_t crc = static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
  if (crc != stored_crc) {
    return Status::Corruption("checksum mismatch: stored CRC-32 " + Hex32(stored_crc) +
                              ", computed " + Hex32(crc));
  }
  return data;
}

}  // namespace

bool DeletedRows::Contains(uint64_t row) const {
  return std::binary_search(rows_.begin(), rows_.end(), row);
}

bool DeletedRows::Cursor::Deleted(uint64_t row) {
  const std::vector<uint64_t>& v = rows_->rows_;
  while (next_ < v.size() && v[next_] < row) ++next_;
  return next_ < v.size() && v[next_] == row;
}

namespace {

// One decoded bucket: the high 32 bits of its rows and their low 32 bits.
struct Bucket {
  uint32_t key;
  RoaringPtr bitmap;
};

// A 32-bit portable Roaring bitmap at b[pos..pos+max): the bitmap and the bytes it took.
Result<std::pair<RoaringPtr, size_t>> ReadBitmap32(std::string_view b, size_t pos, size_t max,
                                                   const std::string& where) {
  size_t size = roaring_bitmap_portable_deserialize_size(b.data() + pos, max);
  RoaringPtr bm(size == 0 ? nullptr
                          : roaring_bitmap_portable_deserialize_safe(b.data() + pos, size));
  if (!bm) {
    return Status::Corruption(where + "not a 32-bit portable Roaring bitmap at byte " +
                              std::to_string(pos));
  }
  return std::make_pair(std::move(bm), size);
}

// The portable format (magic 1681511377, little endian): bucket count, then (key, bitmap).
Status ParsePortable(std::string_view b, const std::string& what, std::vector<Bucket>* out) {
  if (b.size() < 12) {
    return Status::Corruption(what + std::to_string(b.size()) +
                              " bytes, fewer than the 12-byte header");
  }
  uint64_t buckets = Le64(b.data() + 4);
  size_t pos = 12;
  // Each bucket takes at least a 4-byte key and an 8-byte empty bitmap.
  if (buckets > (b.size() - pos) / 12) {
    return Status::Corruption(what + std::to_string(buckets) + " buckets cannot fit in " +
                              std::to_string(b.size()) + " bytes");
  }
  for (uint64_t i = 0; i < buckets; ++i) {
    const std::string bucket = what + "bucket " + std::to_string(i) + ": ";
    if (b.size() - pos < 4) return Status::Corruption(bucket + "truncated key");
    uint32_t key = Le32(b.data() + pos);
    pos += 4;
    if (key & 0x80000000u) {
      return Status::Corruption(bucket + "key " + std::to_string(key) +
                                " has its most significant bit set");
    }
    if (!out->empty() && key <= out->back().key) {
      return Status::Corruption(bucket + "key " + std::to_string(key) + " does not ascend");
    }
    ASSIGN_OR_RETURN(auto bm, ReadBitmap32(b, pos, b.size() - pos, bucket));
    pos += bm.second;
    out->push_back(Bucket{key, std::move(bm.first)});
  }
  if (pos != b.size()) {
    return Status::Corruption(what + std::to_string(b.size() - pos) +
                              " bytes after the last bucket");
  }
  return Status::OK();
}

// Delta's older "native" format (magic 1681511376, big endian), which the
// inline example of PROTOCOL.md uses: bitmap count, then per bitmap its size
// and the bitmap; bitmap i holds the rows whose high 32 bits are i.
Status ParseNative(std::string_view b, const std::string& what, std::vector<Bucket>* out) {
  if (b.size() < 8) {
    return Status::Corruption(what + std::to_string(b.size()) +
                              " bytes, fewer than the 8-byte header");
  }
  uint32_t count = Be32(b.data() + 4);
  size_t pos = 8;
  if (count > (b.size() - pos) / 12) {
    return Status::Corruption(what + std::to_string(count) + " bitmaps cannot fit in " +
                              std::to_string(b.size()) + " bytes");
  }
  for (uint32_t i = 0; i < count; ++i) {
    const std::string bucket = what + "bitmap " + std::to_string(i) + ": ";
    if (b.size() - pos < 4) return Status::Corruption(bucket + "truncated size");
    uint32_t size = Be32(b.data() + pos);
    pos += 4;
    if (size > b.size() - pos) {
      return Status::Corruption(bucket + "size " + std::to_string(size) + " exceeds the data");
    }
    ASSIGN_OR_RETURN(auto bm, ReadBitmap32(b, pos, size, bucket));
    if (bm.second != size) {
      return Status::Corruption(bucket + "takes " + std::to_string(bm.second) +
                                " bytes, its size says " + std::to_string(size));
    }
    pos += size;
    out->push_back(Bucket{i, std::move(bm.first)});
  }
  if (pos != b.size()) {
    return Status::Corruption(what + std::to_string(b.size() - pos) +
                              " bytes after the last bitmap");
  }
  return Status::OK();
}

}  // namespace

Result<DeletedRows> ParseRoaringBitmapArray(std::string_view b, int64_t max_cardinality) {
  const std::string what = "roaring bitmap array: ";
  if (b.size() < 4) {
    return Status::Corruption(what + std::to_string(b.size()) + " bytes, no magic number");
  }
  std::vector<Bucket> buckets;
  if (Le32(b.data()) == kDeletionVectorMagic) {
    RETURN_IF_ERROR(ParsePortable(b, what, &buckets));
  } else if (Be32(b.data()) == kDeletionVectorNativeMagic) {
    RETURN_IF_ERROR(ParseNative(b, what, &buckets));
  } else {
    return Status::Corruption(what + "magic number " + std::to_string(Le32(b.data())) +
                              ", expected " + std::to_string(kDeletionVectorMagic));
  }
  uint64_t total = 0;
  for (const Bucket& k : buckets) {
    total += roaring_bitmap_get_cardinality(k.bitmap.get());
    if (total > static_cast<uint64_t>(std::max<int64_t>(max_cardinality, 0))) {
      return Status::Corruption(what + "more than " + std::to_string(max_cardinality) +
                                " rows");
    }
  }
  std::vector<uint64_t> rows;
  rows.reserve(total);
  for (size_t i = 0; i < buckets.size(); ++i) {
    Collect c{static_cast<uint64_t>(buckets[i].key) << 32, &rows};
    roaring_iterate(buckets[i].bitmap.get(), CollectValue, &c);
    if (!c.ascending) {
      return Status::Corruption(what + "bucket " + std::to_string(i) +
                                ": values are not strictly ascending");
    }
  }
  if (rows.size() != total) {
    return Status::Corruption(what + "the containers hold " + std::to_string(rows.size()) +
                              " values but their headers say " + std::to_string(total));
  }
  return DeletedRows(std::move(rows));
}

std::string SerializeRoaringBitmapArray(const std::vector<uint64_t>& rows) {
  std::string out;
  PutLe(kDeletionVectorMagic, 4, &out);
  size_t count_at = out.size();
  PutLe(0, 8, &out);
  uint64_t buckets = 0;
  for (size_t i = 0; i < rows.size();) {
    uint64_t high = rows[i] >> 32;
    size_t j = i;
    std::vector<uint32_t> low;
    while (j < rows.size() && (rows[j] >> 32) == high) low.push_back(static_cast<uint32_t>(rows[j++]));
    RoaringPtr bm(roaring_bitmap_create());
    roaring_bitmap_add_many(bm.get(), low.size(), low.data());
    roaring_bitmap_run_optimize(bm.get());
    PutLe(high, 4, &out);
    size_t at = out.size();
    out.resize(at + roaring_bitmap_portable_size_in_bytes(bm.get()));
    roaring_bitmap_portable_serialize(bm.get(), out.data() + at);
    ++buckets;
    i = j;
  }
  std::string count;
  PutLe(buckets, 8, &count);
  out.replace(count_at, 8, count);
  return out;
}

std::string UuidText(std::string_view b) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    unsigned char c = static_cast<unsigned char>(b[i]);
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

Result<std::string> DeletionVectorFilePath(const std::string& table_root,
                                           const DeletionVector& dv) {
  if (dv.storage_type == "p") return ResolveDataPath(table_root, dv.path_or_inline_dv);
  if (dv.storage_type != "u") {
    return Status::InvalidArgument("deletion vector of storage type '" + dv.storage_type +
                                   "' has no file");
  }
  const std::string& v = dv.path_or_inline_dv;
  if (v.size() < kUuidZ85Chars) {
    return Status::Corruption("deletion vector path '" + v + "' is shorter than a Z85 UUID (" +
                              std::to_string(kUuidZ85Chars) + " characters)");
  }
  std::string prefix = v.substr(0, v.size() - kUuidZ85Chars);
  Result<std::string> uuid = Z85Decode(std::string_view(v).substr(prefix.size()));
  if (!uuid.ok()) {
    return Status::Corruption("deletion vector path '" + v + "': UUID: " +
                              uuid.status().message());
  }
  std::string rel = (prefix.empty() ? "" : prefix + "/") + "deletion_vector_" + UuidText(*uuid) +
                    ".bin";
  return ResolveDataPath(table_root, EncodeUriPath(rel));
}

Result<DeletedRows> LoadDeletionVector(io::FileSystem& fs, const std::string& table_root,
                                       const std::string& data_file, const DeletionVector& dv) {
  std::string ctx = "delta: " + data_file + ": deletion vector " + ShortId(dv);
  if (dv.size_in_bytes < 0 || dv.cardinality < 0) {
    return Status::Corruption(ctx + ": negative sizeInBytes or cardinality");
  }
  std::string bytes;
  if (dv.storage_type == "i") {
    Result<std::string> decoded = Z85Decode(dv.path_or_inline_dv);
    if (!decoded.ok()) return Status::Corruption(ctx + ": " + decoded.status().message());
    size_t size = static_cast<size_t>(dv.size_in_bytes);
    if (decoded->size() < size || decoded->size() - size > 3) {
      return Status::Corruption(ctx + ": inline data decodes to " +
                                std::to_string(decoded->size()) + " bytes, sizeInBytes says " +
                                std::to_string(size));
    }
    bytes = decoded->substr(0, size);
  } else if (dv.storage_type == "u" || dv.storage_type == "p") {
    Result<std::string> path = DeletionVectorFilePath(table_root, dv);
    if (!path.ok()) return path.status().WithContext(ctx);
    ctx += " (" + *path + ")";
    Result<std::string> data = ReadStored(fs, *path, dv);
    if (!data.ok()) return data.status().WithContext(ctx);
    bytes = std::move(data).value();
  } else {
    return Status::Corruption(ctx + ": unknown storageType '" + dv.storage_type + "'");
  }
  Result<DeletedRows> rows = ParseRoaringBitmapArray(bytes, dv.cardinality);
  if (!rows.ok()) return rows.status().WithContext(ctx);
  if (rows->cardinality() != dv.cardinality) {
    return Status::Corruption(ctx + ": holds " + std::to_string(rows->cardinality()) +
                              " rows, cardinality says " + std::to_string(dv.cardinality));
  }
  return rows;
}

}  // namespace lakestream::delta
