// Z85 (ZeroMQ RFC 32), the Base85 variant Delta uses for inline deletion
// vectors and for the UUIDs of deletion vector file names (PROTOCOL.md
// "Deletion Vector Descriptor Schema"). Every 4 bytes become 5 characters of
// a JSON-safe alphabet, big-endian.
//
// Thread-safety: pure functions. Ownership: results are plain values.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace lakestream::delta {

// The bytes of `text`, whose length must be a multiple of 5. InvalidArgument
// naming the offending position for a wrong length, a character outside the
// alphabet, or a 5-character group above 2^32-1.
Result<std::string> Z85Decode(std::string_view text);

// The Z85 text of `bytes`; a length that is not a multiple of 4 is padded
// with zero bytes first (as Delta does; readers cut the padding off by the
// descriptor's sizeInBytes).
std::string Z85Encode(std::string_view bytes);

}  // namespace lakestream::delta
