#include "parquet/encoding/bit_pack.h"

#include <array>
#include <cassert>
#include <cstring>
#include <utility>

namespace lakestream::parquet::bit_pack {
namespace {

// Kernels work on one group (8 values, W bytes) held in up to 8 little-endian
// 64-bit words; the extra word lets a value straddling words read word+1
// without a bounds branch.
template <int W>
constexpr uint64_t Mask() {
  return W == 64 ? ~uint64_t{0} : (uint64_t{1} << W) - 1;
}

template <typename T, int W, int I>
inline void UnpackOne(const uint64_t* words, T* out) {
  constexpr int kBit = I * W;
  constexpr int kWord = kBit / 64;
  constexpr int kShift = kBit % 64;
  uint64_t v = words[kWord] >> kShift;
  if constexpr (kShift + W > 64) v |= words[kWord + 1] << (64 - kShift);
  out[I] = static_cast<T>(v & Mask<W>());
}

template <typename T, int W>
void UnpackGroups(const uint8_t* in, size_t groups, T* out) {
  if constexpr (W == 0) {
    std::memset(out, 0, groups * 8 * sizeof(T));
  } else {
    constexpr int kWords = (W + 7) / 8;
    for (size_t g = 0; g < groups; ++g, in += W, out += 8) {
      uint64_t words[kWords + 1];
      words[kWords] = 0;
      words[kWords - 1] = 0;
      std::memcpy(words, in, W);
      [&]<int... I>(std::integer_sequence<int, I...>) { (UnpackOne<T, W, I>(words, out), ...); }
      (std::make_integer_sequence<int, 8>{});
    }
  }
}

template <typename T, int W, int I>
inline void PackOne(const T* in, uint64_t* words) {
  constexpr int kBit = I * W;
  constexpr int kWord = kBit / 64;
  constexpr int kShift = kBit % 64;
  const uint64_t v = static_cast<uint64_t>(in[I]) & Mask<W>();
  words[kWord] |= v << kShift;
  if constexpr (kShift + W > 64) words[kWord + 1] |= v >> (64 - kShift);
}

template <typename T, int W>
void PackGroups(const T* in, size_t groups, uint8_t* out) {
  if constexpr (W > 0) {
    constexpr int kWords = (W + 7) / 8;
    for (size_t g = 0; g < groups; ++g, in += 8, out += W) {
      uint64_t words[kWords + 1] = {};
      [&]<int... I>(std::integer_sequence<int, I...>) { (PackOne<T, W, I>(in, words), ...); }
      (std::make_integer_sequence<int, 8>{});
      std::memcpy(out, words, W);
    }
  }
}

template <typename T>
using UnpackFn = void (*)(const uint8_t*, size_t, T*);
template <typename T>
using PackFn = void (*)(const T*, size_t, uint8_t*);

template <typename T, int... W>
constexpr std::array<UnpackFn<T>, sizeof...(W)> UnpackTable(std::integer_sequence<int, W...>) {
  return {&UnpackGroups<T, W>...};
}
template <typename T, int... W>
constexpr std::array<PackFn<T>, sizeof...(W)> PackTable(std::integer_sequence<int, W...>) {
  return {&PackGroups<T, W>...};
}

constexpr auto kUnpack32 = UnpackTable<uint32_t>(std::make_integer_sequence<int, 33>{});
constexpr auto kUnpack64 = UnpackTable<uint64_t>(std::make_integer_sequence<int, 65>{});
constexpr auto kPack32 = PackTable<uint32_t>(std::make_integer_sequence<int, 33>{});
constexpr auto kPack64 = PackTable<uint64_t>(std::make_integer_sequence<int, 65>{});

}  // namespace

void Unpack32(const uint8_t* in, int width, size_t groups, uint32_t* out) {
  assert(width >= 0 && width <= 32);
  kUnpack32[static_cast<size_t>(width)](in, groups, out);
}

void Unpack64(const uint8_t* in, int width, size_t groups, uint64_t* out) {
  assert(width >= 0 && width <= 64);
  kUnpack64[static_cast<size_t>(width)](in, groups, out);
}

void Pack32(const uint32_t* in, int width, size_t groups, uint8_t* out) {
  assert(width >= 0 && width <= 32);
  kPack32[static_cast<size_t>(width)](in, groups, out);
}

void Pack64(const uint64_t* in, int width, size_t groups, uint8_t* out) {
  assert(width >= 0 && width <= 64);
  kPack64[static_cast<size_t>(width)](in, groups, out);
}

}  // namespace lakestream::parquet::bit_pack
