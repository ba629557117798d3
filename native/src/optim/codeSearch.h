// Nearest-code search for requantization (spec §1b), three ways, all giving the 7-probe tree's code:
// - lookup(): the packed bucket table built in TypeScript (optim/search.ts packSearchTable), scalar;
// - lookup8/lookup16: the same table in a SIMD-friendly form (one gather per 8/16 lanes);
// - fastCodes16 (AVX-512): no gather — the dynamic maps are evenly spaced inside each decade, so a
//   value's code is floor(|x|·A - B) of its class, checked against a guard band; the few lanes in the
//   band take lookup16.
// For the signed map the SIMD forms also apply bitsandbytes' sign fix-up of a requantized value whose
// code is 127 (+0) while its sign bit is set: it becomes 126. That holds for every value with the sign
// bit set except NaN (a negative value never rounds to 128 or above), so it is folded into the table's
// negative half; NaN lanes, whose fix-up depends on the unquantized state, are left to the caller.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace octet_optim {

// Decades of a dynamic map (spec §1a): class 0 is the zero code, 1..7 decade i = 0..6, 8 the code 1.0.
constexpr int kClasses = 9;

// Per map: the packed table (bits 0-7 base code, bit 8 "a threshold lies in the bucket", bits 16-31 its
// position in value order), its SIMD form (base | position << 8, position 65536 for none) and the class
// tables of fastCodes16.
struct CodeSearch {
  std::vector<uint32_t> packed;
  std::vector<uint32_t> simd;
  int eMin = 96, eMax = 127;
  bool isSigned = false;
  // fastCodes16: the code of a = |x| in class c is min(floor(a·A[c] - B[c]), top[c]) (mirrored for
  // negative values of the signed map); next[c] is the first threshold of class c + 1; guess[r] is the class
  // of the smallest value of exponent row eMin + r. fast is false when the map does not have that shape.
  alignas(64) float A[16];
  alignas(64) float B[16];
  alignas(64) int32_t top[16];
  alignas(64) float next[16];
  alignas(64) int32_t guess[32];
  bool fast = false;
};

// Half-width of the band around the formula's integer steps where it is not trusted, in code steps: the
// float32 maps and thresholds stand off the ideal linspace by under 1e-4 steps.
constexpr float kGuard = 1.0f / 1024;

inline uint32_t bitsOf(float x) {
  uint32_t b;
  std::memcpy(&b, &x, 4);
  return b;
}

inline uint8_t lookup(const CodeSearch& t, float x) {
  if (x != x) return 0;
  const uint32_t bits = bitsOf(x);
  int e = static_cast<int>((bits >> 23) & 0xff);
  e = e < t.eMin ? t.eMin : e > t.eMax ? t.eMax : e;
  const uint32_t entry = t.packed[((bits >> 31) << 12) + (static_cast<uint32_t>(e - t.eMin) << 7) + ((bits >> 16) & 127)];
  const uint32_t pos = (bits >> 31) ? 0xffff - (bits & 0xffff) : (bits & 0xffff);
  return static_cast<uint8_t>((entry & 0xff) + (((entry >> 8) & 1) && pos >= (entry >> 16) ? 1 : 0));
}

// The SIMD table and the class tables from the packed table and the map's values.
inline void prepare(CodeSearch& t, const float* map) {
  const size_t n = t.packed.size();
  t.simd.assign(n, 0);
  for (size_t i = 0; i < n; i++) {
    const uint32_t e = t.packed[i];
    uint32_t base = e & 0xff;
    uint32_t pos = (e >> 8) & 1 ? e >> 16 : 65536;
    if (t.isSigned && i >= n / 2 && (base >= 127 || (base == 126 && pos != 65536))) {
      base = 126;  // the sign fix-up: a value with the sign bit set is coded 126 at most
      pos = 65536;
    }
    t.simd[i] = base | (pos << 8);
  }

  // fastCodes16's classes: signed: 127 = 0, decade i holds 2^i codes from 128 + 2^i - 1, 255 = 1.0;
  // unsigned: 0 = 0, decade i holds 2^(i+1) codes from 2^(i+1) - 1, 255 = 1.0. Decade i's values are
  // 10^(i-6)·(0.1 + 0.9·(j + 0.5)/n), j < n, so its code steps are at 10^(i-6)·(0.1 + 0.9·j/n).
  t.fast = false;
  int first[kClasses], count[kClasses];
  first[0] = t.isSigned ? 127 : 0;
  count[0] = 1;
  for (int i = 0; i < 7; i++) {
    count[i + 1] = t.isSigned ? 1 << i : 2 << i;
    first[i + 1] = t.isSigned ? 128 + (1 << i) - 1 : (2 << i) - 1;
  }
  first[8] = 255;
  count[8] = 1;
  // a class starts at its first code's threshold: the smallest non-negative float coded that or above
  auto thresholdOf = [&](int code) {
    uint32_t lo = 0, hi = 0x7f800000;
    while (hi - lo > 1) {
      const uint32_t mid = lo + (hi - lo) / 2;
      float x;
      std::memcpy(&x, &mid, 4);
      if (lookup(t, x) >= code) hi = mid; else lo = mid;
    }
    float x;
    std::memcpy(&x, &hi, 4);
    return x;
  };
  float lower[kClasses];
  lower[0] = 0.0f;
  for (int c = 1; c < kClasses; c++) lower[c] = thresholdOf(first[c]);
  for (int c = 0; c < 16; c++) {
    t.A[c] = 0.0f;  // zero and 1.0 classes: floor(0 - (-first - 0.5)) = first
    t.B[c] = c < kClasses ? -0.5f - static_cast<float>(first[c]) : 0.0f;
    t.top[c] = c < kClasses ? first[c] + count[c] - 1 : 0;
    t.next[c] = c + 1 < kClasses ? lower[c + 1] : INFINITY;
  }
  for (int i = 0; i < 7; i++) {
    const int c = i + 1;
    const double A = count[c] / (0.9 * std::pow(10.0, i - 6));
    const double B = 0.1 * count[c] / 0.9 - first[c];
    t.A[c] = static_cast<float>(A);
    t.B[c] = static_cast<float>(B);
    for (int j = 0; j < count[c]; j++) {  // the map has the shape: each value sits mid-step
      if (std::fabs(map[first[c] + j] * A - B - first[c] - j - 0.5) > 0.01) return;
    }
  }
  if (t.isSigned) {  // negative values are mirrored: map[k] = -map[254 - k]
    for (int k = 0; k < 127; k++)
      if (map[k] != -map[254 - k]) return;
  }
  for (int r = 0; r < 32; r++) {
    const float smallest = std::ldexp(1.0f, t.eMin + r - 127);
    int c = 0;
    while (c + 1 < kClasses && lower[c + 1] <= smallest) c++;
    t.guess[r] = c;
    if (c + 2 < kClasses && lower[c + 2] < 2 * smallest) return;  // two class starts in one exponent row
  }
  // the row index is taken as the exponent's low 5 bits (see fastCodes16)
  t.fast = t.eMin % 32 == 0 && t.eMax == t.eMin + 31;
}

#if defined(__AVX2__)
// 8 lanes of the SIMD table lookup: bucket from the bits (sign, exponent clamped to the window, 7
// mantissa bits), one gather (NaN lanes read entry 0: code 0), +1 at or past the bucket's threshold.
inline __m256i lookup8(const CodeSearch& t, __m256 x) {
  const __m256i bits = _mm256_castps_si256(x);
  const __m256i ord = _mm256_castps_si256(_mm256_cmp_ps(x, x, _CMP_ORD_Q));
  __m256i key = _mm256_and_si256(_mm256_srli_epi32(bits, 16), _mm256_set1_epi32(0x7fff));
  key = _mm256_min_epu32(_mm256_max_epu32(key, _mm256_set1_epi32(t.eMin << 7)), _mm256_set1_epi32((t.eMax << 7) | 127));
  __m256i idx = _mm256_add_epi32(_mm256_sub_epi32(key, _mm256_set1_epi32(t.eMin << 7)), _mm256_and_si256(_mm256_srli_epi32(bits, 19), _mm256_set1_epi32(1 << 12)));
  idx = _mm256_and_si256(idx, ord);
  const __m256i entry = _mm256_and_si256(_mm256_i32gather_epi32(reinterpret_cast<const int*>(t.simd.data()), idx, 4), ord);
  // position in value order: the low 16 bits, complemented for negative values
  const __m256i pos = _mm256_and_si256(_mm256_xor_si256(bits, _mm256_srai_epi32(bits, 31)), _mm256_set1_epi32(0xffff));
  const __m256i below = _mm256_cmpgt_epi32(_mm256_srli_epi32(entry, 8), pos);  // threshold > pos: no step
  const __m256i step = _mm256_andnot_si256(below, ord);                        // -1 where the code steps up
  return _mm256_sub_epi32(_mm256_and_si256(entry, _mm256_set1_epi32(0xff)), step);
}
#endif

#if defined(__AVX512F__)
inline __m512i lookup16(const CodeSearch& t, __m512 x) {
  const __m512i bits = _mm512_castps_si512(x);
  const __mmask16 ord = _mm512_cmp_ps_mask(x, x, _CMP_ORD_Q);
  __m512i key = _mm512_and_si512(_mm512_srli_epi32(bits, 16), _mm512_set1_epi32(0x7fff));
  key = _mm512_min_epu32(_mm512_max_epu32(key, _mm512_set1_epi32(t.eMin << 7)), _mm512_set1_epi32((t.eMax << 7) | 127));
  const __m512i idx = _mm512_add_epi32(_mm512_sub_epi32(key, _mm512_set1_epi32(t.eMin << 7)), _mm512_and_si512(_mm512_srli_epi32(bits, 19), _mm512_set1_epi32(1 << 12)));
  const __m512i entry = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), ord, idx, reinterpret_cast<const int*>(t.simd.data()), 4);
  const __m512i pos = _mm512_ternarylogic_epi32(bits, _mm512_srai_epi32(bits, 31), _mm512_set1_epi32(0xffff), 0x28);  // (a ^ b) & c
  const __mmask16 inc = _mm512_mask_cmpge_epu32_mask(ord, pos, _mm512_srli_epi32(entry, 8));
  const __m512i base = _mm512_and_si512(entry, _mm512_set1_epi32(0xff));
  return _mm512_mask_sub_epi32(base, inc, base, _mm512_set1_epi32(-1));
}
#endif

#if defined(__AVX512F__) && defined(__AVX512DQ__)
// Codes of 16 lanes by the class formula (t.fast must be true); *bad gets the lanes that must take
// lookup16 instead: inside the guard band, or NaN. Signed map: a negative value mirrors the positive side
// (map[k] = -map[254 - k] for k < 127, and the thresholds with it) and is capped at 126; unsigned: code 0.
// Checked equal to lookup16 on every float32 of magnitude up to 1 (and a little beyond), both maps.
inline __m512i fastCodes16(const CodeSearch& t, __m512 x, __mmask16* bad) {
  const __m512 a = _mm512_abs_ps(x);
  // the exponent, at least eMin; permutex2var reads its low 5 bits, the row (eMin is a multiple of 32, so
  // rows eMin..eMin+31 are 0..31, and Inf/NaN land on row 31)
  const __m512i e = _mm512_max_epi32(_mm512_srli_epi32(_mm512_castps_si512(a), 23), _mm512_set1_epi32(t.eMin));
  __m512i cls = _mm512_permutex2var_epi32(_mm512_load_si512(t.guess), e, _mm512_load_si512(t.guess + 16));
  const __mmask16 up = _mm512_cmp_ps_mask(a, _mm512_permutexvar_ps(cls, _mm512_load_ps(t.next)), _CMP_GE_OQ);
  cls = _mm512_mask_add_epi32(cls, up, cls, _mm512_set1_epi32(1));
  const __m512 v = _mm512_fmsub_ps(a, _mm512_permutexvar_ps(cls, _mm512_load_ps(t.A)), _mm512_permutexvar_ps(cls, _mm512_load_ps(t.B)));
  const __m512 frac = _mm512_reduce_ps(v, 0x01);  // v - floor(v)
  *bad = _mm512_cmp_ps_mask(frac, _mm512_set1_ps(kGuard), _CMP_LT_OQ) | _mm512_cmp_ps_mask(frac, _mm512_set1_ps(1.0f - kGuard), _CMP_GT_OQ) |
         _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q);
  __m512i c = _mm512_min_epi32(_mm512_cvttps_epi32(v), _mm512_permutexvar_epi32(cls, _mm512_load_si512(t.top)));
  const __mmask16 neg = _mm512_movepi32_mask(_mm512_castps_si512(x));
  if (t.isSigned) {
    const __m512i c254 = _mm512_set1_epi32(254);
    c = _mm512_mask_sub_epi32(c, neg, c254, _mm512_min_epi32(c, c254));
    c = _mm512_mask_min_epi32(c, neg, c, _mm512_set1_epi32(126));
  } else {
    c = _mm512_mask_mov_epi32(c, neg, _mm512_setzero_si512());
  }
  return c;
}

// Codes of 16 lanes: fastCodes16 where it can, lookup16 for the rest (and for maps without the shape).
inline __m512i codes16(const CodeSearch& t, __m512 x) {
  if (!t.fast) return lookup16(t, x);
  __mmask16 bad;
  const __m512i c = fastCodes16(t, x, &bad);
  return bad ? _mm512_mask_mov_epi32(c, bad, lookup16(t, x)) : c;
}
#elif defined(__AVX512F__)
inline __m512i codes16(const CodeSearch& t, __m512 x) { return lookup16(t, x); }
#endif

}  // namespace octet_optim
