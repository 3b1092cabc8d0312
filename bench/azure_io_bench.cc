// Upload/download throughput of the Azure Blob backend against Azurite,
// beside the local filesystem, measured in the same run.
//
// For each backend: writes BENCH_AZURE_MB (default 128) MB as files of 32 MB
// through WritableFile in 1 MB appends (Azure: 8 MB blocks, Put Block + Put
// Block List), then reads them back with 8 MB ranged reads (as column chunk
// reads do), then times 200 small put-if-absent commits (1 KB, as Delta
// commits are). Best of 3 runs for throughput; p50/p99 for commits.
// Azurite runs in memory on 127.0.0.1, a free port, started and stopped here.
//
// usage: azure_io_bench [--dir DIR]   (DIR: local scratch, default /tmp)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "io/azure_file_system.h"
#include "io/azurite_test_util.h"
#include "io/file_system.h"

namespace {

using lakestream::Status;
using namespace lakestream::io;

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void Check(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "azure_io_bench: %s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

struct Figures {
  double up_mbps = 0, down_mbps = 0, commit_p50_ms = 0, commit_p99_ms = 0;
};

Figures Measure(FileSystem* fs, const std::string& root, int total_mb) {
  constexpr int kFileMb = 32;
  std::string chunk(1 << 20, '\0');
  for (size_t i = 0; i < chunk.size(); ++i) chunk[i] = static_cast<char>((i * 2654435761u) >> 13);
  Figures f;
  int files = std::max(1, total_mb / kFileMb);
  double bytes = static_cast<double>(files) * kFileMb * (1 << 20);
  std::vector<char> buf(8 << 20);
  for (int run = 0; run < 3; ++run) {
    double t0 = Now();
    for (int i = 0; i < files; ++i) {
      auto w = fs->OpenForWrite(root + "/data/run" + std::to_string(run) + "-" + std::to_string(i));
      Check(w.status(), "open for write");
      for (int m = 0; m < kFileMb; ++m) Check((*w)->Append(chunk), "append");
      Check((*w)->Close(), "close");
    }
    double t1 = Now();
    for (int i = 0; i < files; ++i) {
      auto r = fs->OpenForRead(root + "/data/run" + std::to_string(run) + "-" + std::to_string(i));
      Check(r.status(), "open for read");
      uint64_t size = *(*r)->Size();
      for (uint64_t off = 0; off < size; off += buf.size()) {
        size_t n = static_cast<size_t>(std::min<uint64_t>(buf.size(), size - off));
        Check((*r)->ReadExactly(off, n, buf.data()), "read");
      }
    }
    double t2 = Now();
    f.up_mbps = std::max(f.up_mbps, bytes / 1e6 / (t1 - t0));
    f.down_mbps = std::max(f.down_mbps, bytes / 1e6 / (t2 - t1));
    for (int i = 0; i < files; ++i) {
      Check(fs->Delete(root + "/data/run" + std::to_string(run) + "-" + std::to_string(i)),
            "delete");
    }
  }
  std::vector<double> lat;
  std::string commit(1024, '{');
  for (int i = 0; i < 200; ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "/_delta_log/%020d.json", i);
    double t0 = Now();
    Check(fs->PutIfAbsent(root + name, commit), "put-if-absent");
    lat.push_back((Now() - t0) * 1000);
  }
  std::sort(lat.begin(), lat.end());
  f.commit_p50_ms = lat[lat.size() / 2];
  f.commit_p99_ms = lat[lat.size() * 99 / 100];
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = "/tmp";
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--dir") dir = argv[i + 1];
  }
  int total_mb = 128;
  if (const char* e = std::getenv("BENCH_AZURE_MB")) total_mb = std::max(32, std::atoi(e));

  std::string local_root = dir + "/azure_io_bench_local";
  std::filesystem::remove_all(local_root);
  auto local = NewLocalFileSystem();
  Figures lf = Measure(local.get(), local_root, total_mb);
  std::filesystem::remove_all(local_root);

  testpeer::NodePeer azurite;
  std::string err = testpeer::StartAzurite(&azurite);
  if (!err.empty()) {
    std::fprintf(stderr, "azure_io_bench: %s\n", err.c_str());
    return 1;
  }
  AzureOptions o;
  o.endpoint = azurite.url();
  o.credential_for = [](const std::string& account) {
    return NewSharedKeyCredential(account, testpeer::kAzuriteKey);
  };
  auto azure = std::make_shared<AzureFileSystem>(o);
  Check(azure->CreateContainer("az://devstoreaccount1/bench"), "create container");
  Figures af = Measure(azure.get(), "az://devstoreaccount1/bench", total_mb);

  std::printf("%-22s %8s %12s %14s %14s %14s\n", "backend", "MB", "upload_MB/s", "download_MB/s",
              "commit_p50_ms", "commit_p99_ms");
  std::printf("%-22s %8d %12.1f %14.1f %14.2f %14.2f\n", "local FS", total_mb, lf.up_mbps,
              lf.down_mbps, lf.commit_p50_ms, lf.commit_p99_ms);
  std::printf("%-22s %8d %12.1f %14.1f %14.2f %14.2f\n", "Azure Blob (Azurite)", total_mb,
              af.up_mbps, af.down_mbps, af.commit_p50_ms, af.commit_p99_ms);
  return 0;
}
