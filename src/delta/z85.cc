#include "delta/z85.h"

#include <array>
#include <cstdint>

namespace lakestream::delta {
namespace {

constexpr std::string_view kAlphabet =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

// Character -> digit, or -1 outside the alphabet.
constexpr std::array<int8_t, 256> MakeDigits() {
  std::array<int8_t, 256> d{};
  for (auto& x : d) x = -1;
  for (size_t i = 0; i < kAlphabet.size(); ++i) {
    d[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int8_t>(i);
  }
  return d;
}
constexpr std::array<int8_t, 256> kDigits = MakeDigits();

}  // namespace

Result<std::string> Z85Decode(std::string_view text) {
  if (text.size() % 5 != 0) {
    return Status::InvalidArgument("z85: length " + std::to_string(text.size()) +
                                   " is not a multiple of 5");
  }
  std::string out;
  out.reserve(text.size() / 5 * 4);
  for (size_t i = 0; i < text.size(); i += 5) {
    uint64_t v = 0;
    for (size_t k = 0; k < 5; ++k) {
      int8_t d = kDigits[static_cast<unsigned char>(text[i + k])];
      if (d < 0) {
        return Status::InvalidArgument("z85: character " + std::to_string(i + k) +
                                       " is not in the Z85 alphabet");
      }
      v = v * 85 + static_cast<uint64_t>(d);
    }
    if (v > 0xFFFFFFFFull) {
      return Status::InvalidArgument("z85: group at character " + std::to_string(i) +
                                     " exceeds 32 bits");
    }
    out.push_back(static_cast<char>(v >> 24));
    out.push_back(static_cast<char>(v >> 16));
    out.push_back(static_cast<char>(v >> 8));
    out.push_back(static_cast<char>(v));
  }
  return out;
}

std::string Z85Encode(std::string_view bytes) {
  std::string padded(bytes);
  padded.resize((bytes.size() + 3) / 4 * 4, '\0');
  std::string out;
  out.reserve(padded.size() / 4 * 5);
  for (size_t i = 0; i < padded.size(); i += 4) {
    uint32_t v = 0;
    for (size_t k = 0; k < 4; ++k) v = (v << 8) | static_cast<unsigned char>(padded[i + k]);
    char group[5];
    for (int k = 4; k >= 0; --k) {
      group[k] = kAlphabet[v % 85];
      v /= 85;
    }
    out.append(group, 5);
  }
  return out;
}

}  // namespace lakestream::delta
