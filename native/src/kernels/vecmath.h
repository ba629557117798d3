// Float transcendental functions for the elementwise kernels, 8 lanes (AVX2), 16 (AVX-512, exp only)
// and scalar. exp: Cephes' expf (range reduction by ln 2, degree-5 polynomial), ≈1 ulp; 0 below -87.33
// (where expf's result would be denormal), ∞ above 88.7228 (where it overflows), NaN for NaN; between
// 88.376 and 88.7228 it stays at exp(88.376). erf: Abramowitz–Stegun 7.1.26, the approximation TensorFlow.js'
// cpu kernel uses (|error| < 1.5e-7). tanh: Cephes' tanhf (polynomial below 0.625, else via exp).
#pragma once
#include <cmath>
#include <cstdint>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif

namespace octet {
namespace vm {

constexpr float kErfP = 0.3275911f;
constexpr float kErfA1 = 0.254829592f, kErfA2 = -0.284496736f, kErfA3 = 1.421413741f, kErfA4 = -1.453152027f, kErfA5 = 1.061405429f;

inline float expScalar(float x) { return x < -87.33f ? 0.0f : std::exp(x); }

inline float erfScalar(float x) {
  const float v = std::fabs(x);
  const float t = 1.0f / (1.0f + kErfP * v);
  const float y = 1.0f - ((((kErfA5 * t + kErfA4) * t + kErfA3) * t + kErfA2) * t + kErfA1) * t * expScalar(-v * v);
  return x < 0.0f ? -y : (x > 0.0f ? y : 0.0f * x);
}

inline float tanhScalar(float x) { return std::tanh(x); }

#if defined(__AVX2__) && defined(__FMA__)
constexpr float kExpLow = -87.33f, kExpOverflow = 88.72283935546875f, kExpClamp = 88.3762626647949f;
// Cephes' expf: x = n·ln 2 + r (ln 2 in two parts), e^r ≈ 1 + r + r²·P(r); one set for both widths.
constexpr float kLog2e = 1.44269504088896341f, kLn2Hi = 0.693359375f, kLn2Lo = -2.12194440e-4f;
constexpr float kExpP[6] = {1.9875691500E-4f, 1.3981999507E-3f, 8.3334519073E-3f, 4.1665795894E-2f, 1.6666665459E-1f, 5.0000001201E-1f};

inline __m256 exp8(__m256 x) {
  const __m256 tooSmall = _mm256_cmp_ps(x, _mm256_set1_ps(kExpLow), _CMP_LT_OQ);
  const __m256 tooBig = _mm256_cmp_ps(x, _mm256_set1_ps(kExpOverflow), _CMP_GT_OQ);
  // min/max return their second operand when either is NaN: NaN goes through.
  x = _mm256_min_ps(_mm256_set1_ps(kExpClamp), x);
  x = _mm256_max_ps(_mm256_set1_ps(-kExpClamp), x);
  __m256 fx = _mm256_fmadd_ps(x, _mm256_set1_ps(kLog2e), _mm256_set1_ps(0.5f));
  fx = _mm256_floor_ps(fx);
  x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(kLn2Hi), x);
  x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(kLn2Lo), x);
  const __m256 z = _mm256_mul_ps(x, x);
  __m256 y = _mm256_set1_ps(kExpP[0]);
  for (int i = 1; i < 6; i++) y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(kExpP[i]));
  y = _mm256_fmadd_ps(y, z, x);
  y = _mm256_add_ps(y, _mm256_set1_ps(1.0f));
  __m256i e = _mm256_cvttps_epi32(fx);
  e = _mm256_slli_epi32(_mm256_add_epi32(e, _mm256_set1_epi32(127)), 23);
  y = _mm256_mul_ps(y, _mm256_castsi256_ps(e));
  return _mm256_blendv_ps(_mm256_andnot_ps(tooSmall, y), _mm256_set1_ps(INFINITY), tooBig);
}

#if defined(__AVX512F__)
// exp8 on 16 lanes: the same operations, so the same floats.
inline __m512 exp16(__m512 x) {
  const __mmask16 tooSmall = _mm512_cmp_ps_mask(x, _mm512_set1_ps(kExpLow), _CMP_LT_OQ);
  const __mmask16 tooBig = _mm512_cmp_ps_mask(x, _mm512_set1_ps(kExpOverflow), _CMP_GT_OQ);
  x = _mm512_min_ps(_mm512_set1_ps(kExpClamp), x);
  x = _mm512_max_ps(_mm512_set1_ps(-kExpClamp), x);
  __m512 fx = _mm512_fmadd_ps(x, _mm512_set1_ps(kLog2e), _mm512_set1_ps(0.5f));
  fx = _mm512_roundscale_ps(fx, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
  x = _mm512_fnmadd_ps(fx, _mm512_set1_ps(kLn2Hi), x);
  x = _mm512_fnmadd_ps(fx, _mm512_set1_ps(kLn2Lo), x);
  const __m512 z = _mm512_mul_ps(x, x);
  __m512 y = _mm512_set1_ps(kExpP[0]);
  for (int i = 1; i < 6; i++) y = _mm512_fmadd_ps(y, x, _mm512_set1_ps(kExpP[i]));
  y = _mm512_fmadd_ps(y, z, x);
  y = _mm512_add_ps(y, _mm512_set1_ps(1.0f));
  __m512i e = _mm512_cvttps_epi32(fx);
  e = _mm512_slli_epi32(_mm512_add_epi32(e, _mm512_set1_epi32(127)), 23);
  y = _mm512_maskz_mul_ps(static_cast<__mmask16>(~tooSmall), y, _mm512_castsi512_ps(e));
  return _mm512_mask_mov_ps(y, tooBig, _mm512_set1_ps(INFINITY));
}
#endif

inline __m256 abs8(__m256 x) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), x); }

inline __m256 erf8(__m256 x) {
  const __m256 sign = _mm256_and_ps(x, _mm256_set1_ps(-0.0f));
  const __m256 v = abs8(x);
  const __m256 t = _mm256_div_ps(_mm256_set1_ps(1.0f), _mm256_fmadd_ps(_mm256_set1_ps(kErfP), v, _mm256_set1_ps(1.0f)));
  __m256 p = _mm256_set1_ps(kErfA5);
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(kErfA4));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(kErfA3));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(kErfA2));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(kErfA1));
  p = _mm256_mul_ps(p, t);
  const __m256 e = exp8(_mm256_sub_ps(_mm256_setzero_ps(), _mm256_mul_ps(v, v)));
  const __m256 y = _mm256_fnmadd_ps(p, e, _mm256_set1_ps(1.0f));
  return _mm256_or_ps(y, sign);
}

inline __m256 tanh8(__m256 x) {
  const __m256 sign = _mm256_and_ps(x, _mm256_set1_ps(-0.0f));
  const __m256 v = abs8(x);
  // |x| >= 0.625: 1 - 2 / (exp(2|x|) + 1)
  const __m256 e = exp8(_mm256_min_ps(_mm256_add_ps(v, v), _mm256_set1_ps(88.0f)));
  const __m256 big = _mm256_sub_ps(_mm256_set1_ps(1.0f), _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, _mm256_set1_ps(1.0f))));
  // |x| < 0.625: x + x·z·P(z)
  const __m256 z = _mm256_mul_ps(v, v);
  __m256 p = _mm256_set1_ps(-5.70498872745E-3f);
  p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(2.06390887954E-2f));
  p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(-5.37397155531E-2f));
  p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(1.33314422036E-1f));
  p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(-3.33332819422E-1f));
  const __m256 small = _mm256_fmadd_ps(_mm256_mul_ps(p, z), v, v);
  const __m256 y = _mm256_blendv_ps(big, small, _mm256_cmp_ps(v, _mm256_set1_ps(0.625f), _CMP_LT_OQ));
  return _mm256_or_ps(y, sign);
}
#endif

}  // namespace vm
}  // namespace octet
