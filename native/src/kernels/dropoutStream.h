// The multipliers of TensorFlow.js' dropout with a seed: u = alea() (seedrandom's Alea, whose state
// the caller derives from the seed), m = floor(u + keep) / keep, in float32 as tf.dropout computes it.
// Alea is a lag-3 multiply-with-carry generator (a = 2091639, base b = 2^32) on multiples of 2^-32,
// run here in exact integer arithmetic.
//
// One stream over the whole tensor, yet split across threads: a lag-3 MWC is a multiplicative
// congruential generator in disguise. With Z = x0 + b·x1 + b²·x2 + b³·c and m = a·b³ − 1, one step maps
// Z to Z·b⁻¹ mod m (b⁻¹ = a·b²), so the state n draws ahead is Z·(a·b²)ⁿ mod m, read back in base b.
// Each thread starts its lanes of the stream there.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "parallel.h"

namespace octet {

struct AleaStream {
  uint64_t x0, x1, x2, c;

  // From the state seedrandom keeps: three fractions (multiples of 2^-32) and the carry.
  static AleaStream fromSeedrandom(double s0, double s1, double s2, double carry) {
    return {static_cast<uint64_t>(s0 * 4294967296.0), static_cast<uint64_t>(s1 * 4294967296.0), static_cast<uint64_t>(s2 * 4294967296.0),
            static_cast<uint64_t>(carry)};
  }
};

namespace alea {

using u128 = unsigned __int128;
constexpr uint64_t kA = 2091639ULL;
constexpr u128 kM = (static_cast<u128>(kA) << 96) - 1;  // < 2^117
constexpr u128 kStep = static_cast<u128>(kA) << 64;     // b⁻¹ mod m

inline u128 addMod(u128 x, u128 y) {
  x += y;
  return x >= kM ? x - kM : x;
}
inline u128 mulMod(u128 x, u128 y) {
  u128 r = 0;
  for (int bit = 117; bit >= 0; bit--) {
    r = addMod(r, r);
    if ((y >> bit) & 1) r = addMod(r, x);
  }
  return r;
}
inline u128 powMod(u128 base, uint64_t e) {
  u128 r = 1;
  for (; e; e >>= 1) {
    if (e & 1) r = mulMod(r, base);
    base = mulMod(base, base);
  }
  return r;
}
inline u128 encode(const AleaStream& s) {
  const u128 z = static_cast<u128>(s.x0) | (static_cast<u128>(s.x1) << 32) | (static_cast<u128>(s.x2) << 64) | (static_cast<u128>(s.c) << 96);
  return z % kM;
}
inline AleaStream decode(u128 z) {
  return {static_cast<uint64_t>(z & 0xffffffffU), static_cast<uint64_t>((z >> 32) & 0xffffffffU), static_cast<uint64_t>((z >> 64) & 0xffffffffU),
          static_cast<uint64_t>(z >> 96)};
}

// floor(u + keep) / keep with u = x2·2^-32 rounded to float, as tf.dropout computes it.
inline float multiplier(uint64_t x2, float keep, float scale) {
  const float u = static_cast<float>(static_cast<double>(x2) * 2.3283064365386963e-10);
  return std::floor(u + keep) * scale;
}

// n draws from s (advanced past them) into out.
inline void run(AleaStream& s, float* __restrict out, int64_t n, float keep, float scale) {
  uint64_t x0 = s.x0, x1 = s.x1, x2 = s.x2, c = s.c;
  for (int64_t i = 0; i < n; i++) {
    const uint64_t t = kA * x0 + c;
    c = t >> 32;
    x0 = x1;
    x1 = x2;
    x2 = t & 0xffffffffULL;
    out[i] = multiplier(x2, keep, scale);
  }
  s = {x0, x1, x2, c};
}

}  // namespace alea

// mult[i] = floor(u_i + keep) / keep for the first n draws of the stream starting at `s`.
inline void dropoutMultipliers(const AleaStream& s, double rate, float* mult, int64_t n) {
  const float keep = static_cast<float>(1.0 - rate);
  const float scale = 1.0f / keep;
  constexpr int64_t kLane = 16384;
  if (n < 4 * kLane || kernelThreads() == 1) {
    AleaStream one = s;
    alea::run(one, mult, n, keep, scale);
    return;
  }
  // Lane k draws [k·kLane, (k+1)·kLane): its start is the stream kLane·k draws ahead.
  const int64_t lanes = (n + kLane - 1) / kLane;
  std::vector<AleaStream> starts(static_cast<size_t>(lanes));
  const alea::u128 jump = alea::powMod(alea::kStep, kLane);
  alea::u128 z = alea::encode(s);
  for (int64_t k = 0; k < lanes; k++, z = alea::mulMod(z, jump)) starts[k] = alea::decode(z);
  parallelFor(lanes, 1, [&](int64_t k0, int64_t k1) {
    for (int64_t k = k0; k < k1; k++) alea::run(starts[k], mult + k * kLane, std::min(kLane, n - k * kLane), keep, scale);
  });
}

}  // namespace octet
