// Footer parsing speed: a Parquet footer of 100 row groups x 50 INT64 columns (with
// statistics), written as a footer-only file (PAR1 + FileMetaData + length + PAR1) that
// pyarrow's read_metadata parses too (bench/run_benchmarks.sh measures it beside us on
// the same bytes).
//
//   parquet_footer_bench OUT_FILE [RUNS]
// Prints: footer_bytes=<n> best_us=<fastest parse of RUNS, default 200>
// The fastest run is reported: other work on a shared machine only ever adds time.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "parquet/metadata.h"

namespace {

using namespace lakestream::parquet;

FileMetaData WideFooter() {
  FileMetaData md;
  md.version = 1;
  SchemaElement root;
  root.name = "schema";
  root.num_children = 50;
  md.schema.push_back(root);
  for (int c = 0; c < 50; ++c) {
    SchemaElement leaf;
    leaf.name = "column_" + std::to_string(c);
    leaf.type = PhysicalType::kInt64;
    leaf.repetition_type = Repetition::kRequired;
    md.schema.push_back(leaf);
  }
  for (int g = 0; g < 100; ++g) {
    RowGroup rg;
    for (int c = 0; c < 50; ++c) {
      ColumnChunk chunk;
      chunk.file_offset = 4 + g * 100000 + c * 1000;
      ColumnMetaData& m = chunk.meta_data.emplace();
      m.type = PhysicalType::kInt64;
      m.encodings = {Encoding::kPlain, Encoding::kRle, Encoding::kRleDictionary};
      m.path_in_schema = {"column_" + std::to_string(c)};
      m.codec = CompressionCodec::kZstd;
      m.num_values = 10000;
      m.total_uncompressed_size = 80000;
      m.total_compressed_size = 1000;
      m.data_page_offset = chunk.file_offset;
      m.statistics.emplace();
      m.statistics->min_value = std::string(8, 'a');
      m.statistics->max_value = std::string(8, 'z');
      m.statistics->null_count = 0;
      rg.columns.push_back(chunk);
    }
    rg.num_rows = 10000;
    rg.total_byte_size = 50 * 80000;
    md.row_groups.push_back(std::move(rg));
  }
  md.num_rows = 1000000;
  md.created_by = "lakestream footer bench";
  return md;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: parquet_footer_bench OUT_FILE [RUNS]\n");
    return 2;
  }
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 200;
  std::string footer;
  SerializeFileMetaData(WideFooter(), &footer);
  {
    std::ofstream out(argv[1], std::ios::binary | std::ios::trunc);
    const uint32_t len = static_cast<uint32_t>(footer.size());
    char len_le[4] = {static_cast<char>(len), static_cast<char>(len >> 8),
                      static_cast<char>(len >> 16), static_cast<char>(len >> 24)};
    out << "PAR1" << footer;
    out.write(len_le, 4);
    out << "PAR1";
    if (!out) {
      std::fprintf(stderr, "parquet_footer_bench: cannot write %s\n", argv[1]);
      return 1;
    }
  }
  double best_us = 1e18;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    auto parsed = DeserializeFileMetaData(reinterpret_cast<const uint8_t*>(footer.data()),
                                          footer.size());
    const auto t1 = std::chrono::steady_clock::now();
    if (!parsed.ok() || parsed->row_groups.size() != 100) {
      std::fprintf(stderr, "parquet_footer_bench: parse failed: %s\n",
                   parsed.ok() ? "wrong row group count" : parsed.status().ToString().c_str());
      return 1;
    }
    best_us = std::min(best_us, std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  std::printf("footer_bytes=%zu best_us=%.1f\n", footer.size(), best_us);
  return 0;
}
