// libFuzzer target: the input is a whole Parquet file. It is opened through
// the in-memory filesystem and every row group is read and assembled into
// rows, exercising the footer, page headers, levels, every decoder and codec,
// and record assembly. Any input must end in OK or an error, never a crash,
// a sanitizer report, or an allocation past libFuzzer's limit.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "io/file_system.h"
#include "parquet/file_reader.h"
#include "parquet/json_printer.h"
#include "parquet/record_assembler.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lakestream;
  auto fs = io::NewMemoryFileSystem();
  if (!fs->WriteFile("/f.parquet", std::string(reinterpret_cast<const char*>(data), size)).ok()) {
    return 0;
  }
  parquet::ReaderOptions options;
  options.limits.max_page_bytes = 64 << 20;  // stay well inside -rss_limit_mb
  options.limits.max_levels_per_chunk = 16 << 20;
  auto reader = parquet::FileReader::Open(*fs, "/f.parquet", options);
  if (!reader.ok()) return 0;
  parquet::RecordAssembler assembler((*reader)->schema());
  std::vector<parquet::ColumnData> columns;
  std::string out;
  for (int g = 0; g < (*reader)->num_row_groups(); ++g) {
    if (!(*reader)->ReadRowGroup(g, {}, &columns).ok()) continue;
    std::vector<parquet::Value> rows;
    int64_t n = (*reader)->metadata().row_groups[g].num_rows;
    if (!assembler.Assemble(columns, n, &rows).ok()) continue;
    for (const auto& r : rows) {
      out.clear();
      parquet::AppendRowJson((*reader)->schema(), assembler.fields(), r, &out);
    }
  }
  return 0;
}
