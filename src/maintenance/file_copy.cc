#include "maintenance/file_copy.h"

#include <vector>

namespace lakestream::maintenance {

Result<int64_t> CopyFile(io::FileSystem& from, const std::string& src, io::FileSystem& to,
                         const std::string& dst) {
  const std::string ctx = "copy " + src + " -> " + dst;
  auto in = from.OpenForRead(src);
  if (!in.ok()) return in.status().WithContext(ctx);
  auto size = (*in)->Size();
  if (!size.ok()) return size.status().WithContext(ctx);
  auto out = to.OpenForWrite(dst);
  if (!out.ok()) return out.status().WithContext(ctx);
  constexpr size_t kChunk = 8 << 20;
  std::vector<char> buf(std::min<uint64_t>(kChunk, std::max<uint64_t>(*size, 1)));
  uint64_t off = 0;
  while (off < *size) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(buf.size(), *size - off));
    Status s = (*in)->ReadExactly(off, n, buf.data());
    if (!s.ok()) return s.WithContext(ctx);
    s = (*out)->Append(std::string_view(buf.data(), n));
    if (!s.ok()) return s.WithContext(ctx);
    off += n;
  }
  char probe;
  auto extra = (*in)->ReadAt(off, 1, &probe);
  if (!extra.ok()) return extra.status().WithContext(ctx);
  if (*extra != 0) return Status::Corruption(ctx + ": source grew while it was copied");
  Status s = (*out)->Close();
  if (!s.ok()) return s.WithContext(ctx);
  return static_cast<int64_t>(off);
}

}  // namespace lakestream::maintenance
