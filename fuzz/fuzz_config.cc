// libFuzzer target for the YAML config readers (an operator's file, but parsed before anything
// is checked): the streaming pipeline config and the serve config. The first input byte picks
// the reader. Errors are fine; crashes, hangs and stack overflows are not.
#include <cstddef>
#include <cstdint>
#include <string>

#include "serve/serve_config.h"
#include "stream/pipeline_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string yaml(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) {
    (void)lakestream::stream::ParsePipelineConfig(yaml);
  } else {
    // No base_dir: a pipeline path in the input is not resolved against the filesystem root.
    (void)lakestream::serve::ParseServeConfig(yaml, "/nonexistent-fuzz-base");
  }
  return 0;
}
