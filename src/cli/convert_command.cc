// `lakestream parquet from-json`: NDJSON → Parquet with a declared column list.
#include <chrono>
#include <iostream>

#include "cli/commands.h"
#include "io/file_system.h"
#include "io/file_system_resolver.h"
#include "parquet/compression.h"
#include "pipeline/ndjson_converter.h"

namespace lakestream::cli {
namespace {

struct FromJsonArgs {
  std::string schema_file, input, output, compression = "zstd";
  int level = 0;
  int64_t row_group_mb = 128;
  bool no_dictionary = false;
  int threads = 1;
};

Status FromJson(const FromJsonArgs& a) {
  auto fs = io::NewRoutingFileSystem();
  ASSIGN_OR_RETURN(std::string spec_text, fs->ReadFile(a.schema_file));
  ASSIGN_OR_RETURN(auto specs, pipeline::ParseColumnSpecs(spec_text));
  pipeline::ConvertOptions opts;
  ASSIGN_OR_RETURN(opts.writer.compression, parquet::CompressionFromName(a.compression));
  opts.writer.compression_level = a.level;
  opts.writer.row_group_size_bytes = a.row_group_mb << 20;
  opts.writer.enable_dictionary = !a.no_dictionary;
  opts.threads = a.threads;
  int64_t reported = 0;
  opts.on_bad_record = [&](int64_t line, const Status& why) {
    if (reported++ < 10) std::cerr << "line " << line << ": " << why.message() << "\n";
  };
  auto start = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(auto stats, pipeline::ConvertNdjsonToParquet(*fs, a.input, a.output, specs, opts));
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cerr << "rows=" << stats.records << " bad=" << stats.bad_records
            << " input_bytes=" << stats.input_bytes << " output_bytes=" << stats.output_bytes
            << " row_groups=" << stats.row_groups << " seconds=" << secs
            << " MBps=" << (stats.input_bytes / 1e6) / secs << "\n";
  return Status::OK();
}

}  // namespace

void AddConvertCommands(CLI::App& app) {
  auto* pq = app.get_subcommand("parquet");
  static FromJsonArgs args;
  auto* cmd = pq->add_subcommand("from-json", "Convert an NDJSON file to Parquet");
  cmd->add_option("--schema", args.schema_file,
                  "JSON file {\"columns\":[{\"name\":..,\"type\":..},...]}")->required();
  cmd->add_option("INPUT", args.input, "NDJSON input file")->required();
  cmd->add_option("OUTPUT", args.output, "Parquet output file")->required();
  cmd->add_option("--compression", args.compression, "zstd (default), snappy, gzip, lz4_raw, lz4, brotli, none");
  cmd->add_option("--level", args.level, "Compression level (0: codec default)");
  cmd->add_option("--row-group-mb", args.row_group_mb, "Row group size target in MB");
  cmd->add_flag("--no-dictionary", args.no_dictionary, "Disable dictionary encoding");
  cmd->add_option("--threads", args.threads, "1: one thread; 2: parse and encode in parallel")
      ->check(CLI::Range(1, 2));
  cmd->callback([] {
    Status s = FromJson(args);
    if (!s.ok()) Fail(s);
  });
}

}  // namespace lakestream::cli
