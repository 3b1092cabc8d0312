// Private to the compression codecs: one factory per codec file, and the
// shared error helper. MakeCodec (compression.cc) validates levels and
// dispatches here.
//
// Thread-safety: pure functions; each codec object is single-threaded.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "parquet/compression.h"

namespace lakestream::parquet::internal {

// Corruption "parquet: <CODEC>: <message>".
inline Status CodecError(CompressionCodec codec, const std::string& message) {
  return Status::Corruption("parquet: " + std::string(CompressionName(codec)) + ": " + message);
}

inline Status SizeMismatch(CompressionCodec codec, size_t got, size_t expected) {
  return CodecError(codec, "decompressed to " + std::to_string(got) + " bytes, page header says " +
                               std::to_string(expected));
}

std::unique_ptr<Codec> MakeSnappyCodec();
std::unique_ptr<Codec> MakeGzipCodec(int level);
Result<std::unique_ptr<Codec>> MakeZstdCodec(int level);
std::unique_ptr<Codec> MakeLz4RawCodec();
std::unique_ptr<Codec> MakeLz4HadoopCodec();
std::unique_ptr<Codec> MakeBrotliCodec(int quality);

}  // namespace lakestream::parquet::internal
