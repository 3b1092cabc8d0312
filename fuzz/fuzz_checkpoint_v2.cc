// libFuzzer target for V2 checkpoints (untrusted bytes from the log): the input is a
// UUID-named JSON checkpoint (lines of actions, checkpointMetadata and sidecar ones
// included) read through ReadCheckpoint from an in-memory _delta_log. When the input
// has a NUL byte, what follows it is a sidecar file `_sidecars/s.parquet`, so sidecar
// references and Parquet decoding are reached too. Errors are fine; crashes are not,
// and an accepted checkpoint never passes a checkpointMetadata or sidecar action on.
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "delta/checkpoint_reader.h"
#include "io/file_system.h"

using lakestream::delta::Action;
using lakestream::delta::CheckpointFiles;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string_view top = in, sidecar;
  if (size_t nul = in.find('\0'); nul != std::string_view::npos) {
    top = in.substr(0, nul);
    sidecar = in.substr(nul + 1);
  }
  auto fs = lakestream::io::NewMemoryFileSystem();
  const std::string log = "/t/_delta_log";
  const std::string name =
      log + "/00000000000000000003.checkpoint.80a083e8-7026-4e79-81be-64bd76c43a11.json";
  if (!fs->PutIfAbsent(name, std::string(top)).ok()) __builtin_trap();
  if (!sidecar.empty() && !fs->PutIfAbsent(log + "/_sidecars/s.parquet", std::string(sidecar)).ok()) {
    __builtin_trap();
  }
  CheckpointFiles c;
  c.version = 3;
  c.kind = CheckpointFiles::Kind::kUuid;
  lakestream::io::FileInfo info;
  info.path = name;
  info.size = top.size();
  c.parts.push_back(info);
  lakestream::Status st = lakestream::delta::ReadCheckpoint(*fs, c, [](Action&& a) {
    if (std::holds_alternative<lakestream::delta::CheckpointMetadataAction>(a) ||
        std::holds_alternative<lakestream::delta::SidecarAction>(a)) {
      __builtin_trap();
    }
    return lakestream::Status::OK();
  });
  (void)st;
  return 0;
}
