// The multipliers of TensorFlow.js' dropout with a seed: u = alea() (seedrandom's Alea, whose state
// the caller derives from the seed), m = floor(u + keep) / keep, in float32 as tf.dropout computes it.
// Alea is a lag-3 multiply-with-carry generator (a = 2091639, base b = 2^32) on multiples of 2^-32,
// run here in exact integer arithmetic (dropoutStream.cc).
#pragma once
#include <cstdint>
#include <vector>

namespace octet {

struct AleaStream {
  uint64_t x0, x1, x2, c;

  // From the state seedrandom keeps: three fractions (multiples of 2^-32) and the carry.
  static AleaStream fromSeedrandom(double s0, double s1, double s2, double carry) {
    return {static_cast<uint64_t>(s0 * 4294967296.0), static_cast<uint64_t>(s1 * 4294967296.0), static_cast<uint64_t>(s2 * 4294967296.0),
            static_cast<uint64_t>(carry)};
  }
};

// 1/keep as the multipliers hold it (a multiplier is 0 or this).
inline float dropoutScale(double rate) { return 1.0f / static_cast<float>(1.0 - rate); }

// mult[i] = floor(u_i + keep) / keep for the first n draws of the stream starting at `s`; with x and
// y, also y[i] = x[i]·mult[i]. Uses the kernels' threads.
void dropoutMultipliers(const AleaStream& s, double rate, float* mult, int64_t n, const float* x = nullptr, float* y = nullptr);

// The same draws on the calling thread (inside a parallel loop).
void drawMultipliers(const AleaStream& s, double rate, float* mult, int64_t n);

// The stream's states 0, distance, 2·distance, … draws after `s` (count of them).
std::vector<AleaStream> dropoutStarts(const AleaStream& s, int64_t count, int64_t distance);

}  // namespace octet
