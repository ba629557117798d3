// The multipliers of TensorFlow.js' dropout with a seed: u = alea() (seedrandom's Alea, whose state
// the caller derives from the seed), m = floor(u + keep) / keep, in float32 as tf.dropout computes it.
// Alea is a lag-3 multiply-with-carry generator (a = 2091639, base b = 2^32) on multiples of 2^-32,
// run here in exact integer arithmetic (dropoutStream.cc).
#pragma once
#include <cstdint>

namespace octet {

struct AleaStream {
  uint64_t x0, x1, x2, c;

  // From the state seedrandom keeps: three fractions (multiples of 2^-32) and the carry.
  static AleaStream fromSeedrandom(double s0, double s1, double s2, double carry) {
    return {static_cast<uint64_t>(s0 * 4294967296.0), static_cast<uint64_t>(s1 * 4294967296.0), static_cast<uint64_t>(s2 * 4294967296.0),
            static_cast<uint64_t>(carry)};
  }
};

// mult[i] = floor(u_i + keep) / keep for the first n draws of the stream starting at `s`; with x and
// y, also y[i] = x[i]·mult[i].
void dropoutMultipliers(const AleaStream& s, double rate, float* mult, int64_t n, const float* x = nullptr, float* y = nullptr);

}  // namespace octet
