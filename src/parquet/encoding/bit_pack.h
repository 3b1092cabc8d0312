// Bulk bit packing and unpacking in groups of 8 values, LSB-first (the order
// of the RLE/bit-packed hybrid and DELTA_BINARY_PACKED miniblocks). A group
// of 8 values of width w occupies exactly w bytes. Each width has its own
// unrolled kernel; the width is dispatched once per call, not per value.
//
// Thread-safety: pure functions.
// Ownership: the caller provides all buffers, sized as documented.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lakestream::parquet::bit_pack {

// Unpacks `groups` * 8 values of `width` bits (0..32) from in[0, groups*width).
void Unpack32(const uint8_t* in, int width, size_t groups, uint32_t* out);

// Unpacks `groups` * 8 values of `width` bits (0..64) from in[0, groups*width).
void Unpack64(const uint8_t* in, int width, size_t groups, uint64_t* out);

// Packs `groups` * 8 values into out[0, groups*width); bits above `width` are
// ignored. width 0..32.
void Pack32(const uint32_t* in, int width, size_t groups, uint8_t* out);

// As Pack32 for width 0..64.
void Pack64(const uint64_t* in, int width, size_t groups, uint8_t* out);

}  // namespace lakestream::parquet::bit_pack
