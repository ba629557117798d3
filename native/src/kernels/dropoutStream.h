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

// 32-bit words of kept bits for n draws.
inline int64_t keptWords(int64_t n) { return (n + 31) / 32; }

// 1/keep as the multipliers hold it (a multiplier is 0 or this).
inline float dropoutScale(double rate) { return 1.0f / static_cast<float>(1.0 - rate); }

// Where dropout's draws go; any may be null. mult: the multipliers; kept: which are not 0, as bits
// (draw i: bit i % 8 of byte i / 8, i.e. bit i % 32 of 32-bit word i / 32 on little-endian machines),
// keptWords(n) whole words, the last one's unused bits 0; x and y: y = x·multiplier, or with residual
// y = residual + x·multiplier (a residual connection's add, as TensorFlow.js adds it to dropout's output).
struct DropoutOut {
  float* mult;
  uint8_t* kept;
  const float* x;
  float* y;
  const float* residual = nullptr;
};

// mult[i] = floor(u_i + keep) / keep for the first n draws of the stream starting at `s`, and what
// `out` asks for besides. Uses the kernels' threads.
void dropoutMultipliers(const AleaStream& s, double rate, int64_t n, const DropoutOut& out);

// The same on the calling thread (inside a parallel loop).
void drawMultipliers(const AleaStream& s, double rate, int64_t n, const DropoutOut& out);

// The multipliers back from `kept` bits: scale (dropoutScale) where kept, else 0.
void keptMultipliers(const uint8_t* kept, int64_t n, float scale, float* m);

// The stream's states 0, distance, 2·distance, … draws after `s` (count of them).
std::vector<AleaStream> dropoutStarts(const AleaStream& s, int64_t count, int64_t distance);

}  // namespace octet
