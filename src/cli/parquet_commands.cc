// `lakestream parquet schema|meta|cat`: inspect Parquet files.
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.h"
#include "io/file_system.h"
#include "io/file_system_resolver.h"
#include "parquet/compression.h"
#include "parquet/file_reader.h"
#include "parquet/json_printer.h"
#include "parquet/file_writer.h"
#include "parquet/record_assembler.h"
#include "parquet/sample_rows.h"
#include "parquet/statistics.h"

namespace lakestream::cli {
namespace {

using parquet::FileReader;

Result<std::unique_ptr<FileReader>> OpenFile(const std::string& path) {
  auto fs = io::NewRoutingFileSystem();
  return FileReader::Open(*fs, path);
}

Status Schema(const std::string& path) {
  ASSIGN_OR_RETURN(auto reader, OpenFile(path));
  std::cout << reader->schema().ToString();
  return Status::OK();
}

nlohmann::json StatJson(const parquet::ColumnDescriptor& col, const std::string& encoded) {
  parquet::Value v = parquet::DecodeStatistic(col, encoded);
  std::string text;
  parquet::AppendValueJson(*col.node, v, &text);
  return nlohmann::json::parse(text, nullptr, false);
}

Status Meta(const std::string& path) {
  ASSIGN_OR_RETURN(auto reader, OpenFile(path));
  const parquet::FileMetaData& md = reader->metadata();
  nlohmann::json j;
  j["file"] = path;
  j["version"] = md.version;
  j["created_by"] = md.created_by.value_or("");
  j["num_rows"] = md.num_rows;
  j["num_row_groups"] = md.row_groups.size();
  j["num_columns"] = reader->schema().num_columns();
  nlohmann::json kv = nlohmann::json::object();
  for (const auto& e : md.key_value_metadata) {
    std::string v = e.value.value_or("");
    kv[e.key] = v.size() > 200 ? v.substr(0, 200) + "..." : v;
  }
  j["key_value_metadata"] = kv;
  nlohmann::json groups = nlohmann::json::array();
  for (size_t g = 0; g < md.row_groups.size(); ++g) {
    const auto& rg = md.row_groups[g];
    nlohmann::json jg;
    jg["num_rows"] = rg.num_rows;
    jg["total_byte_size"] = rg.total_byte_size;
    nlohmann::json cols = nlohmann::json::array();
    for (size_t c = 0; c < rg.columns.size(); ++c) {
      const auto& cc = rg.columns[c];
      const auto& col = reader->schema().column(static_cast<int>(c));
      nlohmann::json jc;
      jc["path"] = col.dotted_path();
      jc["type"] = parquet::PhysicalTypeName(col.physical_type);
      if (cc.meta_data) {
        const auto& cm = *cc.meta_data;
        jc["codec"] = parquet::CompressionName(cm.codec);
        nlohmann::json encs = nlohmann::json::array();
        for (auto e : cm.encodings) encs.push_back(parquet::EncodingName(e));
        jc["encodings"] = encs;
        jc["num_values"] = cm.num_values;
        jc["compressed_size"] = cm.total_compressed_size;
        jc["uncompressed_size"] = cm.total_uncompressed_size;
        if (cm.statistics) {
          const auto& st = *cm.statistics;
          nlohmann::json js;
          if (st.null_count) js["null_count"] = *st.null_count;
          if (st.min_value) js["min"] = StatJson(col, *st.min_value);
          if (st.max_value) js["max"] = StatJson(col, *st.max_value);
          jc["statistics"] = js;
        }
      }
      cols.push_back(jc);
    }
    jg["columns"] = cols;
    groups.push_back(jg);
  }
  j["row_groups"] = groups;
  std::cout << j.dump(2) << "\n";
  return Status::OK();
}

Status Cat(const std::string& path, const std::string& columns, int64_t limit) {
  ASSIGN_OR_RETURN(auto reader, OpenFile(path));
  const parquet::Schema& schema = reader->schema();
  std::vector<int> fields;
  for (const auto& name : SplitCommas(columns)) {
    bool found = false;
    for (size_t i = 0; i < schema.root().children.size(); ++i) {
      if (schema.root().children[i].name == name) {
        fields.push_back(static_cast<int>(i));
        found = true;
      }
    }
    if (!found) return Status::InvalidArgument("parquet: " + path + ": no column named " + name);
  }
  parquet::RecordAssembler assembler(schema, fields);
  std::vector<int> needed = assembler.needed_columns();
  std::vector<parquet::ColumnData> data;
  std::vector<parquet::Value> rows;
  std::string out;
  int64_t printed = 0;
  for (int g = 0; g < reader->num_row_groups() && (limit < 0 || printed < limit); ++g) {
    RETURN_IF_ERROR(reader->ReadRowGroup(g, needed, &data));
    rows.clear();
    RETURN_IF_ERROR(assembler.Assemble(data, reader->metadata().row_groups[g].num_rows, &rows)
                        .WithContext("parquet: " + path));
    for (const auto& row : rows) {
      if (limit >= 0 && printed >= limit) break;
      parquet::AppendRowJson(schema, assembler.fields(), row, &out);
      ++printed;
      if (out.size() > (1 << 20)) {
        std::cout << out;
        out.clear();
      }
    }
  }
  std::cout << out;
  std::cout.flush();
  return Status::OK();
}

struct SampleArgs {
  std::string output, expected, compression = "zstd";
  int64_t rows = 1000;
  int64_t row_group_kb = 0;
  int64_t page_kb = 0;
  bool no_dictionary = false;
};

Status WriteSample(const SampleArgs& a) {
  auto fs = io::NewRoutingFileSystem();
  parquet::Schema schema = parquet::sample::AllTypesSchema();
  parquet::WriterOptions opts;
  ASSIGN_OR_RETURN(opts.compression, parquet::CompressionFromName(a.compression));
  opts.enable_dictionary = !a.no_dictionary;
  if (a.row_group_kb > 0) opts.row_group_size_bytes = a.row_group_kb << 10;
  if (a.page_kb > 0) opts.page_size_bytes = a.page_kb << 10;
  ASSIGN_OR_RETURN(auto sink, fs->OpenForWrite(a.output));
  ASSIGN_OR_RETURN(auto writer, parquet::FileWriter::Open(std::move(sink), schema, opts));
  parquet::RecordShredder shredder(schema);
  parquet::RecordAssembler fields(schema);
  std::string expected;
  for (int64_t i = 0; i < a.rows; ++i) {
    parquet::Value row = parquet::sample::AllTypesRow(i);
    if (!a.expected.empty()) parquet::AppendRowJson(schema, fields.fields(), row, &expected);
    RETURN_IF_ERROR(shredder.Add(row));
    if (shredder.num_rows() == 4096) RETURN_IF_ERROR(shredder.WriteTo(writer.get()));
  }
  RETURN_IF_ERROR(shredder.WriteTo(writer.get()));
  RETURN_IF_ERROR(writer->Close());
  if (!a.expected.empty()) RETURN_IF_ERROR(fs->WriteFile(a.expected, expected));
  std::cerr << "wrote " << a.rows << " rows in " << writer->metadata().row_groups.size()
            << " row groups to " << a.output << "\n";
  return Status::OK();
}

}  // namespace

void AddParquetCommands(CLI::App& app) {
  auto* pq = app.add_subcommand("parquet", "Inspect Parquet files");
  pq->require_subcommand(1);

  static std::string schema_file;
  auto* schema = pq->add_subcommand("schema", "Print the schema of a Parquet file");
  schema->add_option("FILE", schema_file, "Parquet file")->required();
  schema->callback([] {
    Status s = Schema(schema_file);
    if (!s.ok()) Fail(s);
  });

  static std::string meta_file;
  auto* meta = pq->add_subcommand("meta", "Print the footer metadata of a Parquet file as JSON");
  meta->add_option("FILE", meta_file, "Parquet file")->required();
  meta->callback([] {
    Status s = Meta(meta_file);
    if (!s.ok()) Fail(s);
  });

  static std::string cat_file, cat_columns;
  static int64_t cat_limit = -1;
  auto* cat = pq->add_subcommand("cat", "Print the rows of a Parquet file as NDJSON");
  cat->add_option("FILE", cat_file, "Parquet file")->required();
  cat->add_option("--columns", cat_columns, "Comma-separated top-level columns to print");
  cat->add_option("--limit", cat_limit, "Print at most this many rows");
  cat->callback([] {
    Status s = Cat(cat_file, cat_columns, cat_limit);
    if (!s.ok()) Fail(s);
  });

  static SampleArgs sample;
  auto* ws = pq->add_subcommand(
      "write-sample", "Write sample rows covering every supported type (tests, interop, demo)");
  ws->add_option("OUTPUT", sample.output, "Parquet file to write")->required();
  ws->add_option("--rows", sample.rows, "Number of rows");
  ws->add_option("--compression", sample.compression,
                 "zstd (default), snappy, gzip, lz4_raw, lz4, brotli, none");
  ws->add_flag("--no-dictionary", sample.no_dictionary, "PLAIN only, no dictionary pages");
  ws->add_option("--row-group-kb", sample.row_group_kb, "Row group size target in KiB");
  ws->add_option("--page-kb", sample.page_kb, "Page size target in KiB");
  ws->add_option("--expected", sample.expected, "Also write the rows' NDJSON here");
  ws->callback([] {
    Status s = WriteSample(sample);
    if (!s.ok()) Fail(s);
  });
}

}  // namespace lakestream::cli
