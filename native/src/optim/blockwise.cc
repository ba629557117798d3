// Fused 8-bit block-wise optimizer kernels (bitsandbytes' kOptimizerStatic8bit{1,2}StateBlockwise and the
// 32-bit kernels), multi-threaded over blocks, updating the caller's buffers in place.
//
// Exactness: every operation is an IEEE float32 operation in the CUDA source's order (docs/8bit-optimizers.md
// §1c), compiled with -ffp-contract=off (no FMA) and without fast-math, so results are bit-identical to the
// TypeScript reference. Per-step scalars (bias corrections, powf) are computed once in TypeScript and passed
// in. The nearest-code search (codeSearch.h) uses the table built in TypeScript from the reference's 7-probe
// tree (optim/search.ts packSearchTable: one 32-bit entry per bucket of floats), handed over once by
// optimInit; with AVX-512 most codes come from the maps' decade structure without a table lookup. The
// AVX2/AVX-512 paths do the same float operations 8/16 lanes at a time; OCTET_NATIVE_SIMD=avx2 or =0 narrows
// the path (the tests compare all of them byte for byte). (The one fused multiply-add, in codeSearch.h's
// fast search, only picks a code, inside a guard band checked against the table.)
#if defined(__GNUC__) && !defined(__clang__)
// sqrtf without the errno call path, so it vectorizes; the results are the same correctly rounded roots
#pragma GCC optimize("no-math-errno")
#endif

#include <atomic>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

#include "../registry.h"
#include "codeSearch.h"
#include "mapBytes.h"
#include "../common/threadPool.h"

namespace {

enum Rule { ADAM = 0, MOMENTUM = 1, LION = 2, RMSPROP = 3, ADAGRAD = 4 };

// Layout of the scalars Float32Array (optim/kernels/fusedNative.ts writes it in this order).
struct Scalars {
  float lr, beta1, beta2, eps, weightDecay, gnormScale, oneMinusBeta1, oneMinusBeta2, correction2, stepSize, epsC2,
      decayFactor;
};
constexpr int kScalarCount = 12;

using octet_optim::CodeSearch;
using octet_optim::lookup;

struct State {
  float q1[256];
  float q2[256];
  CodeSearch t1, t2;  // code search for the signed (state 1) and unsigned (state 2) maps
  octet_optim::MapBytes b1, b2;  // the maps as byte planes (map64)
  bool ready = false;
  int simd = 2;  // 0 scalar, 1 AVX2, 2 AVX-512 (each only where compiled in)
};
State g_state;

// ---------------------------------------------------------------------------------------------
// threads (common/threadPool.h)

// The addon's shared pool: one set of workers for the tensor and the optimizer kernels.
octet::ThreadPool& pool() { return octet::sharedPool(); }

// Work is split into tasks of at most kTaskElems elements (whole blocks), at least four per thread so a
// late or preempted thread costs little; tensors under kParallelElems run on the caller thread (waking a
// worker costs more than it saves there).
constexpr int64_t kTaskElems = 1 << 16;
constexpr int64_t kParallelElems = 1 << 15;

int64_t taskElems(int64_t n, int64_t unit) {
  const int64_t perThread = n / (4 * static_cast<int64_t>(pool().size()));
  return std::max<int64_t>(1, std::min(kTaskElems, perThread) / unit) * unit;
}

template <typename F>
void forBlocks(int64_t n, int64_t B, F&& perBlock) {
  const int64_t nb = (n + B - 1) / B;
  const bool parallel = n >= kParallelElems && pool().size() > 1;
  const int64_t blocksPerTask = parallel ? taskElems(n, B) / B : nb;
  const int64_t tasks = (nb + blocksPerTask - 1) / blocksPerTask;
  std::function<void(int64_t)> fn = [&](int64_t t) {
    thread_local std::vector<float> scratch;
    if (static_cast<int64_t>(scratch.size()) < 3 * B) scratch.resize(3 * B);
    const int64_t k1 = std::min(nb, (t + 1) * blocksPerTask);
    for (int64_t k = t * blocksPerTask; k < k1; k++) perBlock(k, scratch.data(), scratch.data() + B, scratch.data() + 2 * B);
  };
  if (parallel) pool().run(tasks, fn);
  else
    for (int64_t t = 0; t < tasks; t++) fn(t);
}

template <typename F>
void forRange(int64_t n, F&& perRange) {
  if (n < kParallelElems || pool().size() == 1) {
    perRange(0, n);
    return;
  }
  const int64_t len = taskElems(n, 64);  // whole cache lines
  const int64_t tasks = (n + len - 1) / len;
  std::function<void(int64_t)> fn = [&](int64_t t) { perRange(t * len, std::min(n, (t + 1) * len)); };
  pool().run(tasks, fn);
}

// ---------------------------------------------------------------------------------------------
// code search (table lookup; same answers as the 7-probe tree) and requantization

#if defined(__AVX512F__)
// map[code] for 16 codes 0..255 from a map held in 16 registers: eight 32-entry two-register permutes and
// a 3-level select on bits 5..7 of the code. On Zen 4 about twice as fast as a 16-lane gather.
struct Map16 {
  __m512 r[16];
  explicit Map16(const float* map) {
    for (int k = 0; k < 16; k++) r[k] = _mm512_loadu_ps(map + 16 * k);
  }
  __m512 operator()(__m512i code) const {
    const __mmask16 b5 = _mm512_test_epi32_mask(code, _mm512_set1_epi32(32));
    const __mmask16 b6 = _mm512_test_epi32_mask(code, _mm512_set1_epi32(64));
    const __mmask16 b7 = _mm512_test_epi32_mask(code, _mm512_set1_epi32(128));
    const __m512 a0 = _mm512_mask_mov_ps(_mm512_permutex2var_ps(r[0], code, r[1]), b5, _mm512_permutex2var_ps(r[2], code, r[3]));
    const __m512 a1 = _mm512_mask_mov_ps(_mm512_permutex2var_ps(r[4], code, r[5]), b5, _mm512_permutex2var_ps(r[6], code, r[7]));
    const __m512 a2 = _mm512_mask_mov_ps(_mm512_permutex2var_ps(r[8], code, r[9]), b5, _mm512_permutex2var_ps(r[10], code, r[11]));
    const __m512 a3 = _mm512_mask_mov_ps(_mm512_permutex2var_ps(r[12], code, r[13]), b5, _mm512_permutex2var_ps(r[14], code, r[15]));
    return _mm512_mask_mov_ps(_mm512_mask_mov_ps(a0, b6, a1), b7, _mm512_mask_mov_ps(a2, b6, a3));
  }
};
#endif

// signed map: codes 0..126 are negative, 127 is +0.0 (checked in optimInit)
inline uint8_t signFix(uint8_t c, float s) {
  const bool codeNeg = c < 127;
  if (codeNeg != std::signbit(s)) return static_cast<uint8_t>(s > 0 ? c + 1 : c - 1);
  return c;
}

// NaN lanes of a signed requantization: code 0, whose sign differs from s unless signbit(s) — then 1 where
// s > 0 and 0 - 1 = 255 otherwise, as bitsandbytes' unsigned char arithmetic does.
inline uint8_t nanCode(float s) {
  return std::signbit(s) ? 0 : s > 0 ? 1 : 255;
}

// Requantizes one block of new states s (x: scratch for the scalar tail) into the signed (state 1) or
// unsigned (state 2) map's codes; the signed map also fixes up the sign of the code.
template <bool Signed>
void requant(const float* s, int64_t len, float absmax, uint8_t* out, float* x) {
  const CodeSearch& t = Signed ? g_state.t1 : g_state.t2;
  int64_t j = 0;
#if defined(__AVX512F__)
  if (g_state.simd >= 2) {
    const __m512 am = _mm512_set1_ps(absmax);
    for (; j + 16 <= len; j += 16) {
      const __m512 sv = _mm512_loadu_ps(s + j);
      const __m512 xv = _mm512_div_ps(sv, am);
      __m512i c = octet_optim::codes16(t, xv);  // signed: sign fix-up included, but for NaN lanes
      const __mmask16 nan = Signed ? _mm512_cmp_ps_mask(xv, xv, _CMP_UNORD_Q) : 0;
      if (nan) {
        const __mmask16 sPos = _mm512_cmp_ps_mask(sv, _mm512_setzero_ps(), _CMP_GT_OQ);
        const __mmask16 sNeg = _mm512_cmplt_epi32_mask(_mm512_castps_si512(sv), _mm512_setzero_si512());  // sign bit
        c = _mm512_mask_mov_epi32(c, nan & ~sNeg & sPos, _mm512_set1_epi32(1));
        c = _mm512_mask_mov_epi32(c, nan & ~sNeg & ~sPos, _mm512_set1_epi32(255));
      }
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + j), _mm512_cvtepi32_epi8(c));
    }
  }
#endif
#if defined(__AVX2__)
  if (g_state.simd >= 1) {
    const __m256 am = _mm256_set1_ps(absmax);
    const __m256i pickBytes = _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 4, 8, 12,
                                               -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
    const __m256i joinLanes = _mm256_setr_epi32(0, 4, 1, 1, 1, 1, 1, 1);
    for (; j + 8 <= len; j += 8) {
      const __m256 xv = _mm256_div_ps(_mm256_loadu_ps(s + j), am);
      const __m256i c = octet_optim::lookup8(t, xv);  // signed: sign fix-up included, but for NaN lanes
      const __m256i packed = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(c, pickBytes), joinLanes);
      _mm_storel_epi64(reinterpret_cast<__m128i*>(out + j), _mm256_castsi256_si128(packed));
      if (Signed) {
        const int nan = _mm256_movemask_ps(_mm256_cmp_ps(xv, xv, _CMP_UNORD_Q));
        for (int l = 0; l < 8; l++)
          if (nan >> l & 1) out[j + l] = nanCode(s[j + l]);
      }
    }
  }
#endif
  for (; j < len; j++) {
    x[j] = s[j] / absmax;
    const uint8_t c = lookup(t, x[j]);
    out[j] = Signed ? signFix(c, s[j]) : c;
  }
}

inline void keepMax(float& m, float v) {
  const float a = std::fabs(v);
  if (a > m) m = a;  // fmaxf semantics: NaN lanes are skipped
}

#if defined(__AVX2__)
inline float hmax(__m256 v) {
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, v);
  float m = lanes[0];
  for (int i = 1; i < 8; i++)
    if (lanes[i] > m) m = lanes[i];
  return m;
}
#endif

// ---------------------------------------------------------------------------------------------
// 8-bit kernels

struct Args8 {
  int rule;
  int64_t n, B;
  int step;
  Scalars sc;
  float* p;
  const float* g;
  uint8_t* c1;
  float* a1;
  uint8_t* c2;
  float* a2;
};

void adamBlock(const Args8& a, int64_t k, float* s1, float* s2, float* x) {
  const Scalars& sc = a.sc;
  const int64_t start = k * a.B;
  const int64_t len = std::min(a.B, a.n - start);
  const float am1 = a.a1[k], am2 = a.a2[k];
  const float* G = a.g + start;
  float* P = a.p + start;
  const uint8_t* C1 = a.c1 + start;
  const uint8_t* C2 = a.c2 + start;
  const bool decay = sc.weightDecay > 0.0f;
  float max1 = -FLT_MAX, max2 = -FLT_MAX;
  int64_t j = 0;
#if defined(__AVX512F__)
  if (g_state.simd >= 2) {
    const __m512 vAm1 = _mm512_set1_ps(am1), vAm2 = _mm512_set1_ps(am2);
    const __m512 vB1 = _mm512_set1_ps(sc.beta1), vB2 = _mm512_set1_ps(sc.beta2);
    const __m512 vOmb1 = _mm512_set1_ps(sc.oneMinusBeta1), vOmb2 = _mm512_set1_ps(sc.oneMinusBeta2);
    const __m512 vGn = _mm512_set1_ps(sc.gnormScale), vStep = _mm512_set1_ps(sc.stepSize);
    const __m512 vEps = _mm512_set1_ps(sc.epsC2), vDecay = _mm512_set1_ps(sc.decayFactor);
    const __m512i absMask = _mm512_set1_epi32(0x7fffffff);
    __m512 vMax1 = _mm512_set1_ps(-FLT_MAX), vMax2 = _mm512_set1_ps(-FLT_MAX);
    const bool scaleG = sc.gnormScale != 1.0f;  // g·1 is g: skip it
    // 16 lanes from the map values of their codes (qv1 = map1[c1], qv2 = map2[c2])
    auto lanes16 = [&](int64_t at, __m512 qv1, __m512 qv2) {
      const __m512 g = _mm512_loadu_ps(G + at);
#if defined(__AVX512DQ__)
      const __mmask16 finite = ~_mm512_fpclass_ps_mask(g, 0x99);  // not NaN (quiet, signalling) nor ±Inf
#else
      const __mmask16 finite = _mm512_cmp_ps_mask(_mm512_sub_ps(g, g), _mm512_setzero_ps(), _CMP_EQ_OQ);
#endif
      __m512 gv = _mm512_maskz_mov_ps(finite, g);
      if (scaleG) gv = _mm512_mul_ps(gv, vGn);
      __m512 v = _mm512_mul_ps(qv2, vAm2);
      v = _mm512_add_ps(_mm512_mul_ps(v, vB2), _mm512_mul_ps(_mm512_mul_ps(vOmb2, gv), gv));
      __m512 m = _mm512_mul_ps(qv1, vAm1);
      m = _mm512_add_ps(_mm512_mul_ps(m, vB1), _mm512_mul_ps(vOmb1, gv));
      m = _mm512_maskz_mov_ps(finite, m);
      v = _mm512_maskz_mov_ps(finite, v);
      _mm512_storeu_ps(s1 + at, m);
      _mm512_storeu_ps(s2 + at, v);
      vMax1 = _mm512_max_ps(_mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(m), absMask)), vMax1);
      vMax2 = _mm512_max_ps(_mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(v), absMask)), vMax2);
      const __m512 p = _mm512_loadu_ps(P + at);
      __m512 pn = _mm512_add_ps(p, _mm512_mul_ps(vStep, _mm512_div_ps(m, _mm512_add_ps(_mm512_sqrt_ps(v), vEps))));
      if (decay) pn = _mm512_mul_ps(pn, vDecay);
      _mm512_storeu_ps(P + at, _mm512_mask_mov_ps(p, finite, pn));
    };
#if defined(OCTET_MAP64)
    for (; j + 64 <= len; j += 64) {
      __m512 qv1[4], qv2[4];
      octet_optim::map64(g_state.b1, _mm512_loadu_si512(C1 + j), qv1);
      octet_optim::map64(g_state.b2, _mm512_loadu_si512(C2 + j), qv2);
      for (int k = 0; k < 4; k++) lanes16(j + 16 * k, qv1[k], qv2[k]);
    }
#endif
    const Map16 map1(g_state.q1), map2(g_state.q2);
    for (; j + 16 <= len; j += 16) {
      const __m512i i1 = _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(C1 + j)));
      const __m512i i2 = _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(C2 + j)));
      lanes16(j, map1(i1), map2(i2));
    }
    max1 = _mm512_reduce_max_ps(vMax1);
    max2 = _mm512_reduce_max_ps(vMax2);
  }
#endif
#if defined(__AVX2__)
  if (g_state.simd >= 1) {
    const __m256 vAm1 = _mm256_set1_ps(am1), vAm2 = _mm256_set1_ps(am2);
    const __m256 vB1 = _mm256_set1_ps(sc.beta1), vB2 = _mm256_set1_ps(sc.beta2);
    const __m256 vOmb1 = _mm256_set1_ps(sc.oneMinusBeta1), vOmb2 = _mm256_set1_ps(sc.oneMinusBeta2);
    const __m256 vGn = _mm256_set1_ps(sc.gnormScale), vStep = _mm256_set1_ps(sc.stepSize);
    const __m256 vEps = _mm256_set1_ps(sc.epsC2), vDecay = _mm256_set1_ps(sc.decayFactor);
    const __m256 zero = _mm256_setzero_ps();
    const __m256 absMask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    __m256 vMax1 = _mm256_set1_ps(-FLT_MAX), vMax2 = _mm256_set1_ps(-FLT_MAX);
    for (; j + 8 <= len; j += 8) {
      const __m256 g = _mm256_loadu_ps(G + j);
      const __m256 finite = _mm256_cmp_ps(_mm256_sub_ps(g, g), zero, _CMP_EQ_OQ);
      const __m256 gv = _mm256_mul_ps(_mm256_and_ps(g, finite), vGn);
      const __m256i i1 = _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(C1 + j)));
      const __m256i i2 = _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(C2 + j)));
      __m256 v = _mm256_mul_ps(_mm256_i32gather_ps(g_state.q2, i2, 4), vAm2);
      v = _mm256_add_ps(_mm256_mul_ps(v, vB2), _mm256_mul_ps(_mm256_mul_ps(vOmb2, gv), gv));
      __m256 m = _mm256_mul_ps(_mm256_i32gather_ps(g_state.q1, i1, 4), vAm1);
      m = _mm256_add_ps(_mm256_mul_ps(m, vB1), _mm256_mul_ps(vOmb1, gv));
      m = _mm256_and_ps(m, finite);
      v = _mm256_and_ps(v, finite);
      _mm256_storeu_ps(s1 + j, m);
      _mm256_storeu_ps(s2 + j, v);
      vMax1 = _mm256_max_ps(_mm256_and_ps(m, absMask), vMax1);  // a NaN first operand yields the second
      vMax2 = _mm256_max_ps(_mm256_and_ps(v, absMask), vMax2);
      const __m256 p = _mm256_loadu_ps(P + j);
      __m256 pn = _mm256_add_ps(p, _mm256_mul_ps(vStep, _mm256_div_ps(m, _mm256_add_ps(_mm256_sqrt_ps(v), vEps))));
      if (decay) pn = _mm256_mul_ps(pn, vDecay);
      _mm256_storeu_ps(P + j, _mm256_blendv_ps(p, pn, finite));
    }
    const float m1 = hmax(vMax1), m2 = hmax(vMax2);
    if (m1 > max1) max1 = m1;
    if (m2 > max2) max2 = m2;
  }
#endif
  for (; j < len; j++) {
    const float g = G[j];
    float m = 0.0f, v = 0.0f;
    const bool finite = std::isfinite(g);
    if (finite) {
      const float gv = g * sc.gnormScale;
      v = (g_state.q2[C2[j]] * am2) * sc.beta2 + (sc.oneMinusBeta2 * gv) * gv;
      m = (g_state.q1[C1[j]] * am1) * sc.beta1 + sc.oneMinusBeta1 * gv;
    }
    s1[j] = m;
    s2[j] = v;
    keepMax(max1, m);
    keepMax(max2, v);
    if (finite) {
      float p = P[j] + sc.stepSize * (m / (std::sqrt(v) + sc.epsC2));
      if (decay) p = p * sc.decayFactor;
      P[j] = p;
    }
  }
  if (len < a.B) {  // padding lanes: g = 0, code1 = 128, code2 = 0
    const float gv = 0.0f * sc.gnormScale;
    keepMax(max1, (g_state.q1[128] * am1) * sc.beta1 + sc.oneMinusBeta1 * gv);
    keepMax(max2, (g_state.q2[0] * am2) * sc.beta2 + (sc.oneMinusBeta2 * gv) * gv);
  }
  a.a1[k] = max1;
  a.a2[k] = max2;
  requant<true>(s1, len, max1, a.c1 + start, x);
  requant<false>(s2, len, max2, a.c2 + start, x);
}

inline float npSign(float v) {
  if (v > 0.0f) return 1.0f;
  if (v < 0.0f) return -1.0f;
  return v == v ? 0.0f : v;
}

#if defined(__AVX512F__)
// numpy's sign for 16 lanes: +1, -1, +0 for either zero, NaN stays NaN (as npSign)
inline __m512 npSign16(__m512 v) {
  const __m512 zero = _mm512_setzero_ps();
  __m512 r = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(v, zero, _CMP_GT_OQ), _mm512_set1_ps(1.0f));
  r = _mm512_mask_mov_ps(r, _mm512_cmp_ps_mask(v, zero, _CMP_LT_OQ), _mm512_set1_ps(-1.0f));
  return _mm512_mask_mov_ps(r, _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q), v);
}

// The 1-state rules 16 lanes at a time, the same float operations in the same order as the scalar loops of
// oneStateBlock (g·1 skipped: it is g). Does the leading multiple of 16 of the block and returns its length;
// the new states' largest magnitude goes into *mx.
int64_t oneState16(const Args8& a, const float* G, float* P, const uint8_t* C, float* s, int64_t len, float am, float* mx) {
  const Scalars& sc = a.sc;
  const bool decay = sc.weightDecay > 0.0f;
  const bool first = a.step == 1;
  const bool scaleG = sc.gnormScale != 1.0f;
  const bool rms = a.rule == RMSPROP;
  const __m512 vAm = _mm512_set1_ps(am), vB1 = _mm512_set1_ps(sc.beta1), vB2 = _mm512_set1_ps(sc.beta2);
  const __m512 vOmb1 = _mm512_set1_ps(sc.oneMinusBeta1), vOmb2 = _mm512_set1_ps(sc.oneMinusBeta2);
  const __m512 vGn = _mm512_set1_ps(sc.gnormScale), vWd = _mm512_set1_ps(sc.weightDecay), vLr = _mm512_set1_ps(sc.lr);
  const __m512 vEps = _mm512_set1_ps(sc.eps), vDecay = _mm512_set1_ps(sc.decayFactor);
  const __m512i absMask = _mm512_set1_epi32(0x7fffffff);
  __m512 vMax = _mm512_set1_ps(-FLT_MAX);
  auto lanes16 = [&](int64_t at, __m512 q) {
    const __m512 g = _mm512_loadu_ps(G + at);
    const __m512 p = _mm512_loadu_ps(P + at);
    __m512 gv = scaleG ? _mm512_mul_ps(g, vGn) : g;
    __m512 st, pn;
    if (a.rule == MOMENTUM) {
      if (decay) gv = _mm512_add_ps(gv, _mm512_mul_ps(p, vWd));
      st = first ? gv : _mm512_add_ps(_mm512_mul_ps(_mm512_mul_ps(q, vAm), vB1), gv);
      pn = _mm512_sub_ps(p, _mm512_mul_ps(vLr, st));
    } else if (a.rule == LION) {
      const __m512 old = _mm512_mul_ps(q, vAm);
      const __m512 inner = _mm512_add_ps(_mm512_mul_ps(old, vB1), _mm512_mul_ps(vOmb1, gv));
      st = _mm512_add_ps(_mm512_mul_ps(old, vB2), _mm512_mul_ps(vOmb2, gv));
      pn = _mm512_sub_ps(decay ? _mm512_mul_ps(p, vDecay) : p, _mm512_mul_ps(vLr, npSign16(inner)));
    } else {
      if (decay) gv = _mm512_add_ps(gv, _mm512_mul_ps(p, vWd));
      const __m512 old = _mm512_mul_ps(q, vAm);
      const __m512 sq = _mm512_mul_ps(gv, gv);
      st = rms ? _mm512_add_ps(_mm512_mul_ps(old, vB1), _mm512_mul_ps(vOmb1, sq)) : _mm512_add_ps(old, sq);
      pn = _mm512_sub_ps(p, _mm512_mul_ps(vLr, _mm512_div_ps(g, _mm512_add_ps(_mm512_sqrt_ps(st), vEps))));  // raw gradient numerator
    }
    _mm512_storeu_ps(s + at, st);
    vMax = _mm512_max_ps(_mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(st), absMask)), vMax);  // NaN first: skipped
    _mm512_storeu_ps(P + at, pn);
  };
  int64_t j = 0;
#if defined(OCTET_MAP64)
  for (; j + 64 <= len; j += 64) {
    __m512 q[4];
    octet_optim::map64(g_state.b1, _mm512_loadu_si512(C + j), q);
    for (int k = 0; k < 4; k++) lanes16(j + 16 * k, q[k]);
  }
#endif
  const Map16 map1(g_state.q1);
  for (; j + 16 <= len; j += 16) lanes16(j, map1(_mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(C + j)))));
  const float m = _mm512_reduce_max_ps(vMax);
  if (m > *mx) *mx = m;
  return j;
}
#endif

void oneStateBlock(const Args8& a, int64_t k, float* s, float* u, float* x) {
  const Scalars& sc = a.sc;
  const int64_t start = k * a.B;
  const int64_t len = std::min(a.B, a.n - start);
  const float am = a.a1[k];
  const float* G = a.g + start;
  float* P = a.p + start;
  const uint8_t* C = a.c1 + start;
  const bool decay = sc.weightDecay > 0.0f;
  const bool first = a.step == 1;
  float mx = -FLT_MAX;
  int64_t j0 = 0;  // elements done by the vector path
#if defined(__AVX512F__)
  if (g_state.simd >= 2) j0 = oneState16(a, G, P, C, s, len, am, &mx);
#endif
  switch (a.rule) {
    case MOMENTUM:
      for (int64_t j = j0; j < len; j++) {
        float gv = G[j] * sc.gnormScale;
        if (decay) gv = gv + P[j] * sc.weightDecay;
        const float st = first ? gv : (g_state.q1[C[j]] * am) * sc.beta1 + gv;
        s[j] = st;
        keepMax(mx, st);
        P[j] = P[j] - sc.lr * st;
      }
      break;
    case LION:
      for (int64_t j = j0; j < len; j++) {
        const float gv = G[j] * sc.gnormScale;
        const float st = g_state.q1[C[j]] * am;
        const float inner = st * sc.beta1 + sc.oneMinusBeta1 * gv;
        const float ns = st * sc.beta2 + sc.oneMinusBeta2 * gv;
        s[j] = ns;
        keepMax(mx, ns);
        u[j] = sc.lr * npSign(inner);
      }
      for (int64_t j = j0; j < len; j++) {
        const float p = decay ? P[j] * sc.decayFactor : P[j];
        P[j] = p - u[j];
      }
      break;
    default: {
      const bool rms = a.rule == RMSPROP;
      for (int64_t j = j0; j < len; j++) {
        const float g = G[j];
        float gv = g * sc.gnormScale;
        if (decay) gv = gv + P[j] * sc.weightDecay;
        const float st = g_state.q1[C[j]] * am;
        const float ns = rms ? st * sc.beta1 + sc.oneMinusBeta1 * (gv * gv) : st + gv * gv;
        s[j] = ns;
        keepMax(mx, ns);
        P[j] = P[j] - sc.lr * (g / (std::sqrt(ns) + sc.eps));  // raw gradient numerator
      }
    }
  }
  if (len < a.B) {  // padding lanes: p = 0, g = 0, code 128
    float gv = 0.0f * sc.gnormScale;
    if (decay && a.rule != LION) gv = gv + 0.0f * sc.weightDecay;
    const float st = g_state.q1[128] * am;
    float pad;
    if (a.rule == MOMENTUM) pad = first ? gv : st * sc.beta1 + gv;
    else if (a.rule == LION) pad = st * sc.beta2 + sc.oneMinusBeta2 * gv;
    else if (a.rule == RMSPROP) pad = st * sc.beta1 + sc.oneMinusBeta1 * (gv * gv);
    else pad = st + gv * gv;
    keepMax(mx, pad);
  }
  a.a1[k] = mx;
  requant<true>(s, len, mx, a.c1 + start, x);
}

// ---------------------------------------------------------------------------------------------
// 32-bit kernels

struct Args32 {
  int rule;
  int64_t n;
  int step;
  Scalars sc;
  float* p;
  const float* g;
  float* s1;
  float* s2;
};

#if defined(__AVX2__)
// One vector width's float operations, so a loop body written once runs 8 or 16 lanes at a time. Separate
// mul and add, never FMA: the same roundings as the scalar code.
struct Lanes8 {
  using V = __m256;
  static constexpr int kWidth = 8;
  static V load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  static V set1(float x) { return _mm256_set1_ps(x); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static V div(V a, V b) { return _mm256_div_ps(a, b); }
  static V sqrt(V a) { return _mm256_sqrt_ps(a); }
};
#endif
#if defined(__AVX512F__)
struct Lanes16 {
  using V = __m512;
  static constexpr int kWidth = 16;
  static V load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
  static V set1(float x) { return _mm512_set1_ps(x); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static V div(V a, V b) { return _mm512_div_ps(a, b); }
  static V sqrt(V a) { return _mm512_sqrt_ps(a); }
};
#endif

#if defined(__AVX2__)
// 32-bit Adam over whole vectors of [i, i1), in the scalar loop's operation order; returns where it stopped.
template <typename L>
int64_t adam32Lanes(const Scalars& sc, bool decay, float* __restrict P, const float* __restrict G, float* __restrict S1,
                    float* __restrict S2, int64_t i, int64_t i1) {
  using V = typename L::V;
  const V vB1 = L::set1(sc.beta1), vB2 = L::set1(sc.beta2), vGn = L::set1(sc.gnormScale);
  const V vOmb1 = L::set1(sc.oneMinusBeta1), vOmb2 = L::set1(sc.oneMinusBeta2);
  const V vStep = L::set1(sc.stepSize), vEps = L::set1(sc.epsC2), vDecay = L::set1(sc.decayFactor);
  for (; i + L::kWidth <= i1; i += L::kWidth) {
    const V gv = L::mul(L::load(G + i), vGn);
    const V m = L::add(L::mul(L::load(S1 + i), vB1), L::mul(vOmb1, gv));
    const V v = L::add(L::mul(L::load(S2 + i), vB2), L::mul(vOmb2, L::mul(gv, gv)));
    L::store(S1 + i, m);
    L::store(S2 + i, v);
    V p = L::add(L::load(P + i), L::mul(vStep, L::div(m, L::add(L::sqrt(v), vEps))));
    if (decay) p = L::mul(p, vDecay);
    L::store(P + i, p);
  }
  return i;
}
#endif

void step32Range(const Args32& a, int64_t i0, int64_t i1) {
  const Scalars sc = a.sc;
  const bool decay = sc.weightDecay > 0.0f;
  float* __restrict P = a.p;
  const float* __restrict G = a.g;
  float* __restrict S1 = a.s1;
  switch (a.rule) {
    case ADAM: {
      float* __restrict S2 = a.s2;
      int64_t i = i0;
#if defined(__AVX512F__)
      if (g_state.simd >= 2) i = adam32Lanes<Lanes16>(sc, decay, P, G, S1, S2, i, i1);
#endif
#if defined(__AVX2__)
      if (g_state.simd >= 1) i = adam32Lanes<Lanes8>(sc, decay, P, G, S1, S2, i, i1);
#endif
      for (; i < i1; i++) {
        const float gv = G[i] * sc.gnormScale;
        const float m = S1[i] * sc.beta1 + sc.oneMinusBeta1 * gv;
        const float v = S2[i] * sc.beta2 + sc.oneMinusBeta2 * (gv * gv);
        S1[i] = m;
        S2[i] = v;
        float p = P[i] + sc.stepSize * (m / (std::sqrt(v) + sc.epsC2));
        if (decay) p = p * sc.decayFactor;
        P[i] = p;
      }
      break;
    }
    case LION:
      for (int64_t i = i0; i < i1; i++) {
        const float gv = G[i] * sc.gnormScale;
        const float p = decay ? P[i] * sc.decayFactor : P[i];
        const float inner = S1[i] * sc.beta1 + sc.oneMinusBeta1 * gv;
        P[i] = p - sc.lr * npSign(inner);
        S1[i] = S1[i] * sc.beta2 + sc.oneMinusBeta2 * gv;
      }
      break;
    case MOMENTUM:
      for (int64_t i = i0; i < i1; i++) {
        float gv = G[i] * sc.gnormScale;
        if (decay) gv = gv + P[i] * sc.weightDecay;
        const float s = a.step == 1 ? gv : S1[i] * sc.beta1 + gv;
        S1[i] = s;
        P[i] = P[i] + (-sc.lr) * s;
      }
      break;
    default: {
      const bool rms = a.rule == RMSPROP;
      for (int64_t i = i0; i < i1; i++) {
        float gv = G[i] * sc.gnormScale;
        if (decay) gv = gv + P[i] * sc.weightDecay;
        const float s = rms ? S1[i] * sc.beta1 + sc.oneMinusBeta1 * (gv * gv) : S1[i] + gv * gv;
        S1[i] = s;
        P[i] = P[i] + (-sc.lr) * (gv / (std::sqrt(s) + sc.eps));
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// N-API glue

Napi::Value fail(Napi::Env env, const std::string& msg) {
  Napi::TypeError::New(env, "optim native: " + msg).ThrowAsJavaScriptException();
  return env.Undefined();
}

template <typename T>
bool typed(const Napi::Value& v, T** data, size_t* len) {
  if (!v.IsTypedArray()) return false;
  auto ta = v.As<Napi::TypedArray>();
  const napi_typedarray_type want =
      std::is_same<typename std::remove_const<T>::type, float>::value ? napi_float32_array : napi_uint8_array;
  if (ta.TypedArrayType() != want) return false;
  *data = reinterpret_cast<T*>(static_cast<uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset());  // live view, no copy
  *len = ta.ElementLength();
  return true;
}

bool readScalars(const Napi::Value& v, Scalars* out) {
  float* d;
  size_t len;
  if (!typed(v, &d, &len) || len < static_cast<size_t>(kScalarCount)) return false;
  std::memcpy(out, d, sizeof(Scalars));
  return true;
}

bool readTable(const Napi::Value& v, size_t length, CodeSearch* t) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array) return false;
  auto arr = v.As<Napi::Uint32Array>();
  if (arr.ElementLength() != length) return false;
  t->packed.assign(arr.Data(), arr.Data() + length);
  return true;
}

// optimInit(q1, q2, table1, table2, eMin, eMax)
Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  float *q1, *q2;
  size_t l1, l2;
  if (info.Length() < 6 || !typed(info[0], &q1, &l1) || !typed(info[1], &q2, &l2) || l1 != 256 || l2 != 256)
    return fail(env, "optimInit(q1, q2, table1, table2, eMin, eMax): bad maps");
  const int eMin = info[4].As<Napi::Number>().Int32Value();
  const int eMax = info[5].As<Napi::Number>().Int32Value();
  if (eMax - eMin + 1 != 32 || eMin < 1 || eMax > 254) return fail(env, "optimInit: the table must cover 32 exponents");
  CodeSearch t1, t2;
  const size_t length = size_t(2) << 12;  // 2 signs x 32 exponents x 128 mantissa buckets
  if (!readTable(info[2], length, &t1) || !readTable(info[3], length, &t2)) return fail(env, "optimInit: tables must be Uint32Array(8192)");
  for (int c = 0; c < 256; c++) {
    if ((q1[c] < 0.0f) != (c < 127) || (c == 127 && std::signbit(q1[c])))
      return fail(env, "optimInit: the signed map must have negatives at 0..126 and +0 at 127");
  }
  std::memcpy(g_state.q1, q1, sizeof(g_state.q1));
  std::memcpy(g_state.q2, q2, sizeof(g_state.q2));
  for (CodeSearch* t : {&t1, &t2}) {
    t->eMin = eMin;
    t->eMax = eMax;
  }
  t1.isSigned = true;
  octet_optim::prepare(t1, q1);
  octet_optim::prepare(t2, q2);
  g_state.t1 = std::move(t1);
  g_state.t2 = std::move(t2);
  g_state.b1.set(q1);
  g_state.b2.set(q2);
  const char* simd = std::getenv("OCTET_NATIVE_SIMD");
  g_state.simd = !simd ? 2 : (std::strcmp(simd, "0") == 0 || std::strcmp(simd, "scalar") == 0) ? 0 : std::strcmp(simd, "avx2") == 0 ? 1 : 2;
  g_state.ready = true;
  return env.Undefined();
}

// optimStep8(rule, blockSize, step, scalars, p, g, c1, a1, c2|null, a2|null)
Napi::Value Step8(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!g_state.ready) return fail(env, "call optimInit first");
  if (info.Length() < 10) return fail(env, "optimStep8 needs 10 arguments");
  Args8 a{};
  a.rule = info[0].As<Napi::Number>().Int32Value();
  a.B = info[1].As<Napi::Number>().Int64Value();
  a.step = info[2].As<Napi::Number>().Int32Value();
  if (a.rule < ADAM || a.rule > ADAGRAD || a.B <= 0) return fail(env, "bad rule or block size");
  if (!readScalars(info[3], &a.sc)) return fail(env, "scalars must be a Float32Array(12)");
  size_t np, ng, nc1, na1, nc2 = 0, na2 = 0;
  if (!typed(info[4], &a.p, &np) || !typed<const float>(info[5], const_cast<const float**>(&a.g), &ng) ||
      !typed(info[6], &a.c1, &nc1) || !typed(info[7], &a.a1, &na1))
    return fail(env, "p, g: Float32Array; c1: Uint8Array; a1: Float32Array");
  a.n = static_cast<int64_t>(np);
  const size_t nb = static_cast<size_t>((a.n + a.B - 1) / a.B);
  if (ng != np || nc1 < np || na1 != nb) return fail(env, "buffer lengths do not match the parameter");
  if (a.rule == ADAM) {
    if (!typed(info[8], &a.c2, &nc2) || !typed(info[9], &a.a2, &na2) || nc2 < np || na2 != nb)
      return fail(env, "Adam needs c2 (Uint8Array) and a2 (Float32Array) of matching lengths");
    forBlocks(a.n, a.B, [&](int64_t k, float* s1, float* s2, float* x) { adamBlock(a, k, s1, s2, x); });
  } else {
    forBlocks(a.n, a.B, [&](int64_t k, float* s, float* u, float* x) { oneStateBlock(a, k, s, u, x); });
  }
  return env.Undefined();
}

// optimStep32(rule, step, scalars, p, g, s1, s2|null)
Napi::Value Step32(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 7) return fail(env, "optimStep32 needs 7 arguments");
  Args32 a{};
  a.rule = info[0].As<Napi::Number>().Int32Value();
  a.step = info[1].As<Napi::Number>().Int32Value();
  if (a.rule < ADAM || a.rule > ADAGRAD) return fail(env, "bad rule");
  if (!readScalars(info[2], &a.sc)) return fail(env, "scalars must be a Float32Array(12)");
  size_t np, ng, ns1, ns2 = 0;
  if (!typed(info[3], &a.p, &np) || !typed<const float>(info[4], const_cast<const float**>(&a.g), &ng) || !typed(info[5], &a.s1, &ns1))
    return fail(env, "p, g, s1 must be Float32Arrays");
  if (ng != np || ns1 != np) return fail(env, "buffer lengths do not match the parameter");
  if (a.rule == ADAM && (!typed(info[6], &a.s2, &ns2) || ns2 != np)) return fail(env, "Adam needs s2");
  a.n = static_cast<int64_t>(np);
  forRange(a.n, [&](int64_t i0, int64_t i1) { step32Range(a, i0, i1); });
  return env.Undefined();
}

// optimQuantize(x, blockSize, signed, codes, absmax): kQuantizeBlockwise
Napi::Value Quantize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!g_state.ready) return fail(env, "call optimInit first");
  float *x, *absmax;
  uint8_t* codes;
  size_t n, nc, na;
  if (info.Length() < 5 || !typed(info[0], &x, &n) || !typed(info[3], &codes, &nc) || !typed(info[4], &absmax, &na))
    return fail(env, "optimQuantize(x, blockSize, signed, codes, absmax)");
  const int64_t B = info[1].As<Napi::Number>().Int64Value();
  const bool isSigned = info[2].As<Napi::Boolean>().Value();
  if (B <= 0 || nc != n || na != static_cast<size_t>((static_cast<int64_t>(n) + B - 1) / B)) return fail(env, "bad lengths");
  const CodeSearch& t = isSigned ? g_state.t1 : g_state.t2;
  forBlocks(static_cast<int64_t>(n), B, [&](int64_t k, float*, float*, float*) {
    const int64_t start = k * B;
    const int64_t end = std::min<int64_t>(start + B, static_cast<int64_t>(n));
    float am = 0.0f;
    for (int64_t i = start; i < end; i++) {
      const float v = std::fabs(x[i]);
      if (v > am || v != v) am = v;
    }
    absmax[k] = am;
    const float inv = 1.0f / am;
    for (int64_t i = start; i < end; i++) codes[i] = lookup(t, x[i] * inv);
  });
  return env.Undefined();
}

// optimTriad(elements, repeats) -> GB/s of a[i] = b[i] + s*c[i] (float32, 12 bytes per element), all threads
Napi::Value Triad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int64_t n = info[0].As<Napi::Number>().Int64Value();
  const int reps = info[1].As<Napi::Number>().Int32Value();
  std::vector<float> a(n), b(n, 1.0f), c(n, 2.0f);
  const float s = 3.0f;
  auto once = [&] {
    forRange(n, [&](int64_t i0, int64_t i1) {
      float* __restrict pa = a.data();
      const float* __restrict pb = b.data();
      const float* __restrict pc = c.data();
      for (int64_t i = i0; i < i1; i++) pa[i] = pb[i] + s * pc[i];
    });
  };
  once();  // first touch
  double best = 1e30;
  for (int r = 0; r < reps; r++) {
    const auto t0 = std::chrono::steady_clock::now();
    once();
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (sec < best) best = sec;
  }
  return Napi::Number::New(env, 12.0 * static_cast<double>(n) / best / 1e9);
}

// optimSearchCheck(signed, firstBits, lastBits, stride) -> [checked, inGuardBand, wrong]: the vector code search
// requantization uses (16 lanes) against the scalar table lookup with the sign fix-up, on the float32 bit
// patterns firstBits, firstBits + stride, ... up to lastBits (NaN patterns skipped). A test of the fast
// path's exactness; [0, 0, 0] where it is not compiled in.
Napi::Value SearchCheck(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!g_state.ready) return fail(env, "call optimInit first");
  if (info.Length() < 4) return fail(env, "optimSearchCheck(signed, firstBits, lastBits, stride)");
  const bool isSigned = info[0].As<Napi::Boolean>().Value();
  const uint64_t first = static_cast<uint64_t>(info[1].As<Napi::Number>().Int64Value());
  const uint64_t last = static_cast<uint64_t>(info[2].As<Napi::Number>().Int64Value());
  const uint64_t stride = std::max<int64_t>(1, info[3].As<Napi::Number>().Int64Value());
  double checked = 0, guarded = 0, wrong = 0;
#if defined(__AVX512F__)
  const CodeSearch& t = isSigned ? g_state.t1 : g_state.t2;
  alignas(64) uint32_t bits[16];
  alignas(64) int32_t got[16];
  for (uint64_t b = first; b <= last;) {
    int lanes = 0;
    for (; lanes < 16 && b <= last; b += stride) {
      if (((b >> 23) & 0xff) == 0xff && (b & 0x7fffff)) continue;  // NaN
      bits[lanes++] = static_cast<uint32_t>(b);
    }
    for (int l = lanes; l < 16; l++) bits[l] = 0;
    const __m512 x = _mm512_load_ps(reinterpret_cast<const float*>(bits));
    _mm512_store_si512(got, octet_optim::codes16(t, x));
#if defined(__AVX512DQ__)
    if (t.fast) {
      __mmask16 bad;
      octet_optim::fastCodes16(t, x, &bad);
      guarded += __builtin_popcount(bad & ((1u << lanes) - 1));
    }
#endif
    for (int l = 0; l < lanes; l++) {
      float v;
      std::memcpy(&v, &bits[l], 4);
      const int want = isSigned ? signFix(lookup(t, v), v) : lookup(t, v);
      checked++;
      if (got[l] != want) wrong++;
    }
  }
#else
  (void)isSigned, (void)first, (void)last, (void)stride;
#endif
  Napi::Array out = Napi::Array::New(env, 3);
  out.Set(0u, Napi::Number::New(env, checked));
  out.Set(1u, Napi::Number::New(env, guarded));
  out.Set(2u, Napi::Number::New(env, wrong));
  return out;
}

Napi::Value Threads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), pool().size());
}

Napi::Value Simd(const Napi::CallbackInfo& info) {
  const char* level = "scalar";
#if defined(__AVX2__)
  if (g_state.simd >= 1) level = "avx2";
#endif
#if defined(__AVX512F__)
  if (g_state.simd >= 2) level = "avx512";
#endif
  return Napi::String::New(info.Env(), level);
}

octet::Registration reg([](Napi::Env env, Napi::Object exports) {
  exports.Set("optimInit", Napi::Function::New(env, Init, "optimInit"));
  exports.Set("optimStep8", Napi::Function::New(env, Step8, "optimStep8"));
  exports.Set("optimStep32", Napi::Function::New(env, Step32, "optimStep32"));
  exports.Set("optimQuantize", Napi::Function::New(env, Quantize, "optimQuantize"));
  exports.Set("optimTriad", Napi::Function::New(env, Triad, "optimTriad"));
  exports.Set("optimThreads", Napi::Function::New(env, Threads, "optimThreads"));
  exports.Set("optimSimd", Napi::Function::New(env, Simd, "optimSimd"));
  exports.Set("optimSearchCheck", Napi::Function::New(env, SearchCheck, "optimSearchCheck"));
});

}  // namespace
