// dropoutMultipliers (dropoutStream.h): one Alea stream over the whole tensor, split into lanes that
// threads and vector lanes draw side by side. A lag-3 MWC is a multiplicative congruential generator
// in disguise: with Z = x0 + b·x1 + b²·x2 + b³·c and m = a·b³ − 1, one step maps Z to Z·b⁻¹ mod m
// (b⁻¹ = a·b²), so the state n draws ahead is Z·(a·b²)ⁿ mod m, read back in base b. Every lane starts
// there, and the multipliers are tf.dropout's bit for bit however the stream is split.
#include "dropoutStream.h"

#if defined(__AVX2__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <cmath>
#include <vector>

#include "parallel.h"
#include "simd.h"

namespace octet {
namespace {

using u128 = unsigned __int128;
constexpr uint64_t kA = 2091639ULL;
constexpr u128 kM = (static_cast<u128>(kA) << 96) - 1;  // < 2^117
constexpr u128 kStep = static_cast<u128>(kA) << 64;     // b⁻¹ mod m

// (hi·2^64 + lo) / d and its remainder, for hi < d (the quotient fits in 64 bits): one divq on x86-64,
// where the compiler would call the 128-bit division routine.
inline uint64_t divide128(uint64_t hi, uint64_t lo, uint64_t d, uint64_t& rem) {
#if defined(__x86_64__)
  uint64_t q, r;
  __asm__("divq %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "rm"(d));
  rem = r;
  return q;
#else
  const u128 n = (static_cast<u128>(hi) << 64) | lo;
  rem = static_cast<uint64_t>(n % d);
  return static_cast<uint64_t>(n / d);
#endif
}

// x·y mod m for x, y < m. The 234-bit product P = Q·2^96 + L, and a·2^96 ≡ 1 (mod m), so
// P ≡ ⌊Q/a⌋ + (Q mod a)·2^96 + L: both terms are below 2^117.
u128 mulMod(u128 x, u128 y) {
  const uint64_t x0 = static_cast<uint64_t>(x), x1 = static_cast<uint64_t>(x >> 64);
  const uint64_t y0 = static_cast<uint64_t>(y), y1 = static_cast<uint64_t>(y >> 64);
  const u128 lo = static_cast<u128>(x0) * y0, m1 = static_cast<u128>(x0) * y1, m2 = static_cast<u128>(x1) * y0, hi = static_cast<u128>(x1) * y1;
  u128 acc = (lo >> 64) + static_cast<uint64_t>(m1) + static_cast<uint64_t>(m2);
  const uint64_t p0 = static_cast<uint64_t>(lo), p1 = static_cast<uint64_t>(acc);
  acc = (acc >> 64) + (m1 >> 64) + (m2 >> 64) + static_cast<uint64_t>(hi);
  const uint64_t p2 = static_cast<uint64_t>(acc);
  const uint64_t p3 = static_cast<uint64_t>((acc >> 64) + (hi >> 64));
  // Q = P >> 96 < 2^138 in limbs q0, q1 (q2 = p3 >> 32 < a, so ⌊Q/a⌋ < 2^128).
  const uint64_t q0 = (p1 >> 32) | (p2 << 32), q1 = (p2 >> 32) | (p3 << 32), q2 = p3 >> 32;
  uint64_t r1, r;
  const uint64_t d1 = divide128(q2, q1, kA, r1);
  const uint64_t d0 = divide128(r1, q0, kA, r);
  const u128 low96 = (static_cast<u128>(p1 & 0xffffffffULL) << 64) | p0;
  u128 z = ((static_cast<u128>(d1) << 64) | d0) + ((static_cast<u128>(r) << 96) | low96);
  while (z >= kM) z -= kM;
  return z;
}

u128 powMod(u128 base, uint64_t e) {
  u128 r = 1;
  for (; e; e >>= 1) {
    if (e & 1) r = mulMod(r, base);
    base = mulMod(base, base);
  }
  return r;
}

u128 encode(const AleaStream& s) {
  const u128 z = static_cast<u128>(s.x0) | (static_cast<u128>(s.x1) << 32) | (static_cast<u128>(s.x2) << 64) | (static_cast<u128>(s.c) << 96);
  return z % kM;
}

AleaStream decode(u128 z) {
  return {static_cast<uint64_t>(z & 0xffffffffU), static_cast<uint64_t>((z >> 32) & 0xffffffffU), static_cast<uint64_t>((z >> 64) & 0xffffffffU),
          static_cast<uint64_t>(z >> 96)};
}

// floor(u + keep) / keep with u = x2·2^-32 rounded to float, as tf.dropout computes it.
inline float multiplier(uint64_t x2, float keep, float scale) {
  const float u = static_cast<float>(static_cast<double>(x2) * 2.3283064365386963e-10);
  return std::floor(u + keep) * scale;
}

// DropoutOut from draw i on (i a multiple of 8 where there are kept bits).
DropoutOut at(const DropoutOut& o, int64_t i) {
  return {o.mult ? o.mult + i : nullptr, o.kept ? o.kept + i / 8 : nullptr, o.x ? o.x + i : nullptr, o.y ? o.y + i : nullptr,
          o.residual ? o.residual + i : nullptr};
}

// n draws from s into out.
void runScalar(AleaStream s, const DropoutOut& out, int64_t n, float keep, float scale) {
  uint64_t x0 = s.x0, x1 = s.x1, x2 = s.x2, c = s.c;
  uint8_t bits = 0;
  for (int64_t i = 0; i < n; i++) {
    const uint64_t t = kA * x0 + c;
    c = t >> 32;
    x0 = x1;
    x1 = x2;
    x2 = t & 0xffffffffULL;
    const float m = multiplier(x2, keep, scale);
    if (out.mult) out.mult[i] = m;
    if (out.x) out.y[i] = out.residual ? out.residual[i] + out.x[i] * m : out.x[i] * m;
    if (out.kept) {
      bits |= static_cast<uint8_t>((m != 0.0f) << (i & 7));
      if ((i & 7) == 7 || i == n - 1) out.kept[i >> 3] = bits, bits = 0;
    }
  }
}

// Eight lanes drawn side by side, each step's eight multipliers in one __m256 (lane e in element e):
// a generator for the AVX-512 path (one 8 × 64-bit vector per state word) and one for AVX2 (two 4 × 64).
constexpr int kWidth = 8;

#if defined(__AVX2__)
// The exact double of a value below 2^32 held in a 64-bit lane: its bits under 2^52's exponent, minus 2^52.
constexpr long long kMagic = 0x4330000000000000LL;

struct LaneInit {
  alignas(64) uint64_t x0[kWidth], x1[kWidth], x2[kWidth], c[kWidth];
  explicit LaneInit(const AleaStream* st) {
    for (int e = 0; e < kWidth; e++) x0[e] = st[e].x0, x1[e] = st[e].x1, x2[e] = st[e].x2, c[e] = st[e].c;
  }
};

// r[i][e] → r[e][i] for an 8 × 8 block.
inline void transpose8(__m256* r) {
  __m256 t[8], u[8];
  for (int i = 0; i < 8; i += 2) t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]), t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
  for (int i = 0; i < 8; i += 4) {
    u[i] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
    u[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
    u[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
    u[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
  for (int i = 0; i < 4; i++) r[i] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x20), r[i + 4] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x31);
}

// The same for an 8 × 8 matrix of bits, bit 8i + e → bit 8e + i (Hacker's Delight, transpose8).
inline uint64_t transposeBits8(uint64_t x) {
  uint64_t t = (x ^ (x >> 7)) & 0x00AA00AA00AA00AAULL;
  x = x ^ t ^ (t << 7);
  t = (x ^ (x >> 14)) & 0x0000CCCC0000CCCCULL;
  x = x ^ t ^ (t << 14);
  t = (x ^ (x >> 28)) & 0x00000000F0F0F0F0ULL;
  return x ^ t ^ (t << 28);
}

// Blocks of a generator of eight-lane multiplier steps (Gen512, Gen256): eight steps transposed into each
// lane's eight multipliers, and which of them are not 0 as bits.
template <class Gen>
struct Blocks {
  Gen gen;
  void block(__m256* r, uint8_t* bits) {
    for (int i = 0; i < 8; i++) r[i] = gen.next();
    transpose8(r);
    for (int e = 0; e < 8; e++) bits[e] = static_cast<uint8_t>(_mm256_movemask_ps(_mm256_cmp_ps(r[e], _mm256_setzero_ps(), _CMP_NEQ_UQ)));
  }
};

#if defined(__AVX512F__)
struct Gen512 {
  __m512i x0, x1, x2, c;
  const __m512i a = _mm512_set1_epi64(static_cast<long long>(kA)), low = _mm512_set1_epi64(0xffffffffLL), magic = _mm512_set1_epi64(kMagic);
  const __m256 keep, scale, unit = _mm256_set1_ps(2.3283064365386963e-10f);
  Gen512(const AleaStream* st, float k, float s) : keep(_mm256_set1_ps(k)), scale(_mm256_set1_ps(s)) {
    const LaneInit in(st);
    x0 = _mm512_load_si512(in.x0), x1 = _mm512_load_si512(in.x1), x2 = _mm512_load_si512(in.x2), c = _mm512_load_si512(in.c);
  }
  void step() {
    const __m512i t = _mm512_add_epi64(_mm512_mul_epu32(x0, a), c);
    c = _mm512_srli_epi64(t, 32);
    x0 = x1;
    x1 = x2;
    x2 = _mm512_and_si512(t, low);
  }
  __m256 next() {
    step();
    const __m512d d = _mm512_sub_pd(_mm512_castsi512_pd(_mm512_or_si512(x2, magic)), _mm512_castsi512_pd(magic));
    const __m256 u = _mm256_mul_ps(_mm512_cvtpd_ps(d), unit);
    return _mm256_mul_ps(_mm256_floor_ps(_mm256_add_ps(u, keep)), scale);
  }
};

// The same draws when every multiplier is 0 or `scale` (keptThreshold): a draw is kept when its x2
// reaches the threshold, one integer compare for eight lanes instead of the float arithmetic, and the
// eight steps' masks are transposed as one 8 × 8 bit matrix.
struct GenKept512 {
  Gen512 gen;
  const __m512i threshold;
  const __m512 scale;
  GenKept512(const AleaStream* st, float k, float s, uint64_t t)
      : gen(st, k, s), threshold(_mm512_set1_epi64(static_cast<long long>(t))), scale(_mm512_set1_ps(s)) {}
  void block(__m256* r, uint8_t* bits) {
    uint64_t w = 0;  // bit 8i + e: step i of lane e
    for (int i = 0; i < 8; i++) {
      gen.step();
      w |= static_cast<uint64_t>(_mm512_cmp_epu64_mask(gen.x2, threshold, _MM_CMPINT_NLT)) << (8 * i);
    }
    w = transposeBits8(w);  // bit 8e + i
    for (int e = 0; e < kWidth; e++) {
      bits[e] = static_cast<uint8_t>(w >> (8 * e));
      r[e] = _mm512_castps512_ps256(_mm512_maskz_mov_ps(bits[e], scale));
    }
  }
};
#endif

struct Gen256 {
  __m256i x0[2], x1[2], x2[2], c[2];
  const __m256i a = _mm256_set1_epi64x(static_cast<long long>(kA)), low = _mm256_set1_epi64x(0xffffffffLL), magic = _mm256_set1_epi64x(kMagic);
  const __m128 keep, scale, unit = _mm_set1_ps(2.3283064365386963e-10f);
  Gen256(const AleaStream* st, float k, float s) : keep(_mm_set1_ps(k)), scale(_mm_set1_ps(s)) {
    const LaneInit in(st);
    auto load = [](const uint64_t* p) { return _mm256_load_si256(reinterpret_cast<const __m256i*>(p)); };
    for (int h = 0; h < 2; h++) x0[h] = load(in.x0 + 4 * h), x1[h] = load(in.x1 + 4 * h), x2[h] = load(in.x2 + 4 * h), c[h] = load(in.c + 4 * h);
  }
  __m128 half(int h) {
    const __m256i t = _mm256_add_epi64(_mm256_mul_epu32(x0[h], a), c[h]);
    c[h] = _mm256_srli_epi64(t, 32);
    x0[h] = x1[h];
    x1[h] = x2[h];
    x2[h] = _mm256_and_si256(t, low);
    const __m256d d = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(x2[h], magic)), _mm256_castsi256_pd(magic));
    const __m128 u = _mm_mul_ps(_mm256_cvtpd_ps(d), unit);
    return _mm_mul_ps(_mm_floor_ps(_mm_add_ps(u, keep)), scale);
  }
  __m256 next() {
    const __m128 lo = half(0);
    return _mm256_set_m128(half(1), lo);
  }
};

// Whole blocks of eight draws of every lane for the fused kernels' outputs (y = x·m, + residual, and the
// kept bits): from here the lanes' pointers move in step, without the per-lane checks of runLanes' tail.
template <bool Residual, class Gen>
int64_t runWholeBlocks(Gen& gen, const DropoutOut& out, int64_t len, int64_t blocksEnd) {
  int64_t i0 = 0;
  for (; i0 + 8 <= blocksEnd; i0 += 8) {
    __m256 r[8];
    uint8_t bits[8];
    gen.block(r, bits);
    for (int e = 0; e < kWidth; e++) {
      const int64_t o = e * len + i0;
      const __m256 y = _mm256_mul_ps(_mm256_loadu_ps(out.x + o), r[e]);
      _mm256_storeu_ps(out.y + o, Residual ? _mm256_add_ps(_mm256_loadu_ps(out.residual + o), y) : y);
      out.kept[o / 8] = bits[e];
    }
  }
  return i0;
}

// Lane e draws count[e] values into out + e·len (len a multiple of 8), eight steps at a time as eight
// rows of eight (gen.block; a lane near its end stores only what it has).
template <class Gen>
void runLanes(Gen gen, const DropoutOut& out, int64_t len, const int64_t* count) {
  const int64_t longest = *std::max_element(count, count + kWidth);
  int64_t i0 = 0;
  if (out.x && out.kept && !out.mult) {
    const int64_t shortest = *std::min_element(count, count + kWidth);
    i0 = out.residual ? runWholeBlocks<true>(gen, out, len, shortest) : runWholeBlocks<false>(gen, out, len, shortest);
  }
  for (; i0 < longest; i0 += 8) {
    __m256 r[8];
    uint8_t bits[8];
    gen.block(r, bits);
    for (int e = 0; e < kWidth; e++) {
      const DropoutOut d = at(out, e * len + i0);
      const int64_t n = count[e] - i0;
      if (n <= 0) continue;
      if (n >= 8) {
        if (d.mult) _mm256_storeu_ps(d.mult, r[e]);
        if (d.x) {
          const __m256 y = _mm256_mul_ps(_mm256_loadu_ps(d.x), r[e]);
          _mm256_storeu_ps(d.y, d.residual ? _mm256_add_ps(_mm256_loadu_ps(d.residual), y) : y);
        }
        if (d.kept) *d.kept = bits[e];
      } else {
        alignas(32) float row[8];
        _mm256_store_ps(row, r[e]);
        for (int64_t i = 0; i < n; i++) {
          if (d.mult) d.mult[i] = row[i];
          if (d.x) d.y[i] = d.residual ? d.residual[i] + d.x[i] * row[i] : d.x[i] * row[i];
        }
        if (d.kept) *d.kept = static_cast<uint8_t>(bits[e] & ((1u << n) - 1));
      }
    }
  }
}
#endif

// Below this many draws one scalar stream is cheaper than finding the lanes' starts (8 jumps). Measured
// per attention task on one thread: 256 draws 0.5 → 0.25 µs, 1024 draws (T5 decoder self-attention,
// 32 × 32 scores) 1.9 → 0.55 µs.
constexpr int64_t kMinVector = 256;
// Draws per lane of the scalar path's threads.
constexpr int64_t kScalarLane = 16384;

// (z · (a·b²)^distance) mod m for successive distances, the jump multiplier computed once per distance
// and thread (tasks of one kernel jump by the same distance over and over).
u128 jumpFor(int64_t distance) {
  thread_local int64_t last = -1;
  thread_local u128 jump = 0;
  if (distance != last) {
    jump = powMod(kStep, static_cast<uint64_t>(distance));
    last = distance;
  }
  return jump;
}

// Draws per vector lane for n draws over `lanes` lanes: a multiple of 8, and not within 64 floats of a
// multiple of 1024 (lanes a multiple of 4 KiB apart would share the L1 cache's sets).
int64_t laneLength(int64_t n, int64_t lanes) {
  int64_t len = ((n + lanes - 1) / lanes + 7) / 8 * 8;
  if (len >= 1024 && len % 1024 < 64) len += 64;
  return len;
}

// The x2 from which tf.dropout keeps a draw, when every kept multiplier is exactly `scale`, else
// kNoThreshold (keep within 2^-24 of 1, where fl(u + keep) may round up to 2). u = fl(x2·2^-32) and
// fl(u + keep) are monotone in x2, so the kept draws are those from some x2 on: found by bisection over
// the very float arithmetic of `multiplier`. 2^32: none is kept.
constexpr uint64_t kNoThreshold = ~0ULL;
uint64_t keptThreshold(float keep, float scale) {
  thread_local float lastKeep = -1.0f, lastScale = 0.0f;
  thread_local uint64_t last = kNoThreshold;
  if (keep == lastKeep && scale == lastScale) return last;
  uint64_t t = kNoThreshold;
  if (multiplier(0xffffffffULL, keep, scale) <= scale) {
    uint64_t lo = 0, hi = 1ULL << 32;
    while (lo < hi) {
      const uint64_t mid = (lo + hi) / 2;
      if (multiplier(mid, keep, scale) != 0.0f) hi = mid;
      else lo = mid + 1;
    }
    t = lo;
  }
  lastKeep = keep, lastScale = scale, last = t;
  return t;
}

// One group of eight lanes on the calling thread: lane e draws count[e] values into out + e·len.
void runGroup(Simd simd, const AleaStream* st, const DropoutOut& out, int64_t len, const int64_t* count, float keep, float scale) {
#if defined(__AVX512F__)
  if (simd == Simd::Avx512) {
    const uint64_t threshold = keptThreshold(keep, scale);
    if (threshold != kNoThreshold) return runLanes(GenKept512(st, keep, scale, threshold), out, len, count);
    return runLanes(Blocks<Gen512>{Gen512(st, keep, scale)}, out, len, count);
  }
#endif
#if defined(__AVX2__)
  (void)simd;
  runLanes(Blocks<Gen256>{Gen256(st, keep, scale)}, out, len, count);
#else
  (void)simd;
  for (int e = 0; e < kWidth; e++) runScalar(st[e], at(out, e * len), count[e], keep, scale);
#endif
}

// The stream's states 0, distance, 2·distance, … draws after s, count of them.
void fillStarts(const AleaStream& s, int64_t count, int64_t distance, AleaStream* out) {
  const u128 jump = jumpFor(distance);
  u128 z = encode(s);
  for (int64_t k = 0; k < count; k++, z = mulMod(z, jump)) out[k] = decode(z);
}

// Zeroes the bytes of the last kept word past the draws' own (the draws write ⌈n / 8⌉ bytes).
void padKept(const DropoutOut& out, int64_t n) {
  if (out.kept)
    for (int64_t b = (n + 7) / 8; b < 4 * keptWords(n); b++) out.kept[b] = 0;
}

void laneCounts(int64_t n, int64_t first, int64_t len, int64_t* count) {
  for (int e = 0; e < kWidth; e++) count[e] = std::clamp<int64_t>(n - (first + e) * len, 0, len);
}

}  // namespace

std::vector<AleaStream> dropoutStarts(const AleaStream& s, int64_t count, int64_t distance) {
  std::vector<AleaStream> starts(static_cast<size_t>(count));
  fillStarts(s, count, distance, starts.data());
  return starts;
}

void drawMultipliers(const AleaStream& s, double rate, int64_t n, const DropoutOut& dest) {
  const float keep = static_cast<float>(1.0 - rate);
  const float scale = dropoutScale(rate);
  const Simd simd = kernelSimd();
  padKept(dest, n);
  if (simd == Simd::Scalar || n < kMinVector) return runScalar(s, dest, n, keep, scale);
  const int64_t len = laneLength(n, kWidth);
  AleaStream st[kWidth];
  fillStarts(s, kWidth, len, st);
  int64_t count[kWidth];
  laneCounts(n, 0, len, count);
  runGroup(simd, st, dest, len, count, keep, scale);
}

void dropoutMultipliers(const AleaStream& s, double rate, int64_t n, const DropoutOut& dest) {
  const float keep = static_cast<float>(1.0 - rate);
  const float scale = dropoutScale(rate);
  const Simd simd = kernelSimd();
  padKept(dest, n);
  const int threads = kernelThreads();
  if (simd == Simd::Scalar || n < kMinVector) {
    if (n < 4 * kScalarLane || threads == 1) return runScalar(s, dest, n, keep, scale);
    const int64_t lanes = (n + kScalarLane - 1) / kScalarLane;
    const std::vector<AleaStream> starts = dropoutStarts(s, lanes, kScalarLane);
    parallelFor(lanes, 1, [&](int64_t k0, int64_t k1) {
      for (int64_t k = k0; k < k1; k++) runScalar(starts[k], at(dest, k * kScalarLane), std::min(kScalarLane, n - k * kScalarLane), keep, scale);
    });
    return;
  }
  // Groups of eight lanes, about two groups per thread once the stream is long enough.
  const int64_t groups = std::clamp<int64_t>(n / (kWidth * 4096), 1, 2 * threads);
  const int64_t len = laneLength(n, groups * kWidth);
  const std::vector<AleaStream> starts = dropoutStarts(s, groups * kWidth, len);
  parallelFor(groups, 1, [&](int64_t g0, int64_t g1) {
    for (int64_t g = g0; g < g1; g++) {
      int64_t count[kWidth];
      laneCounts(n, g * kWidth, len, count);
      runGroup(simd, starts.data() + g * kWidth, at(dest, g * kWidth * len), len, count, keep, scale);
    }
  });
}

void keptMultipliers(const uint8_t* kept, int64_t n, float scale, float* m) {
  int64_t j = 0;
#if defined(__AVX512F__)
  if (kernelSimd() >= Simd::Avx512) {
    const __m512 s = _mm512_set1_ps(scale);
    for (; j + 16 <= n; j += 16) {
      const __mmask16 bits = static_cast<__mmask16>(kept[j / 8] | (kept[j / 8 + 1] << 8));
      _mm512_storeu_ps(m + j, _mm512_maskz_mov_ps(bits, s));
    }
  }
#endif
#if defined(__AVX2__)
  if (kernelSimd() >= Simd::Avx2) {
    const __m256i select = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
    const __m256 s = _mm256_set1_ps(scale);
    for (; j + 8 <= n; j += 8) {
      const __m256i b = _mm256_and_si256(_mm256_set1_epi32(kept[j / 8]), select);
      _mm256_storeu_ps(m + j, _mm256_and_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(b, select)), s));
    }
  }
#endif
  for (; j < n; j++) m[j] = (kept[j / 8] >> (j % 8)) & 1u ? scale : 0.0f;
}

}  // namespace octet
