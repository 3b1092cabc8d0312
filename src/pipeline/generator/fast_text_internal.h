// Private helpers for the clickstream generator: a small fast PRNG and
// append-only text formatting (integers, fixed-point decimals, hex, UUIDs,
// ISO-8601 timestamps) into a caller-owned std::string.
//
// Nothing here allocates beyond growing the target string, and nothing uses
// iostreams or locales, so formatting one event costs well under a microsecond.
//
// Thread-safety: Rng is a value type with no shared state; use one per thread.
// The free functions are pure and reentrant.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

namespace lakestream::pipeline::internal {

// SplitMix64 (Steele, Lea, Flood 2014): used to expand a 64-bit seed into the
// xoshiro state, and as a stateless integer hash.
inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// xoshiro256** 1.0 (Blackman, Vigna 2018). Deterministic for a given seed on
// every platform; not cryptographic.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t sm = seed;
    for (uint64_t& word : s_) word = SplitMix64(sm);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  // Uniform in [0, n); n > 0. Lemire's multiply-shift (bias below 2^-64 * n).
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }

  // Uniform in [lo, hi].
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }

  bool Chance(double p) { return Uniform() < p; }

  // Exponentially distributed with the given mean.
  double Exponential(double mean) { return -std::log1p(-Uniform()) * mean; }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

inline void AppendInt(std::string* out, int64_t v) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, res.ptr);
}

// Appends v / 10^digits with exactly `digits` fractional digits ("12.50",
// "-0.07"). digits in [1, 9].
inline void AppendFixed(std::string* out, int64_t v, int digits) {
  static constexpr int64_t kPow10[] = {1,      10,      100,      1000,      10000,
                                       100000, 1000000, 10000000, 100000000, 1000000000};
  if (v < 0) {
    out->push_back('-');
    v = -v;
  }
  AppendInt(out, v / kPow10[digits]);
  out->push_back('.');
  int64_t frac = v % kPow10[digits];
  char buf[9];
  for (int i = digits - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  out->append(buf, static_cast<size_t>(digits));
}

// Appends the low `digits` nibbles of v as lowercase hex, most significant first.
inline void AppendHex(std::string* out, uint64_t v, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  char buf[16];
  for (int i = digits - 1; i >= 0; --i) {
    buf[i] = kHex[v & 0xf];
    v >>= 4;
  }
  out->append(buf, static_cast<size_t>(digits));
}

// Appends a random (version 4, RFC 9562 variant) UUID built from two words:
// "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".
inline void AppendUuid(std::string* out, uint64_t hi, uint64_t lo) {
  hi = (hi & ~0xf000ULL) | 0x4000ULL;
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  AppendHex(out, hi >> 32, 8);
  out->push_back('-');
  AppendHex(out, (hi >> 16) & 0xffff, 4);
  out->push_back('-');
  AppendHex(out, hi & 0xffff, 4);
  out->push_back('-');
  AppendHex(out, lo >> 48, 4);
  out->push_back('-');
  AppendHex(out, lo & 0xffffffffffffULL, 12);
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
constexpr int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct CivilDate {
  int64_t year;
  unsigned month;
  unsigned day;
};

constexpr CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

inline void AppendDigits(char* p, unsigned v, int n) {
  for (int i = n - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
}

// Appends "YYYY-MM-DDTHH:MM:SS.ffffffZ" for microseconds since the Unix epoch,
// UTC. Years outside 0..9999 are not supported (the year is taken mod 10000).
inline void AppendTimestampUs(std::string* out, int64_t us) {
  int64_t secs = us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
  const unsigned micros = static_cast<unsigned>(us - secs * 1000000);
  int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  const unsigned sod = static_cast<unsigned>(secs - days * 86400);
  const CivilDate date = CivilFromDays(days);
  char buf[27];
  AppendDigits(buf, static_cast<unsigned>(date.year % 10000), 4);
  buf[4] = '-';
  AppendDigits(buf + 5, date.month, 2);
  buf[7] = '-';
  AppendDigits(buf + 8, date.day, 2);
  buf[10] = 'T';
  AppendDigits(buf + 11, sod / 3600, 2);
  buf[13] = ':';
  AppendDigits(buf + 14, sod / 60 % 60, 2);
  buf[16] = ':';
  AppendDigits(buf + 17, sod % 60, 2);
  buf[19] = '.';
  AppendDigits(buf + 20, micros, 6);
  buf[26] = 'Z';
  out->append(buf, sizeof(buf));
}

}  // namespace lakestream::pipeline::internal
