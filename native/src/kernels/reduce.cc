// Reductions over the middle axis of an [outer, r, inner] view (the caller collapses the reduced axes,
// which must be adjacent), and softmax over the last axis. Sums accumulate in double, as TensorFlow.js'
// cpu kernels do, so the results match them to float rounding.
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif

#include "../registry.h"
#include "napiArgs.h"
#include "parallel.h"
#include "simd.h"
#include "vecmath.h"
#include "rowOps.h"

namespace octet {
// Σ x in double; the vector paths keep 8 (AVX2) or 16 (AVX-512) partial sums (rowOps.h).
double sumRow(const float* __restrict x, int64_t n) {
  int64_t i = 0;
  double s = 0.0;
#if defined(__AVX512F__) && defined(__AVX512DQ__)
  if (kernelSimd() >= Simd::Avx512 && n >= 32) {
    __m512d a0 = _mm512_setzero_pd(), a1 = _mm512_setzero_pd();
    for (; i + 16 <= n; i += 16) {
      const __m512 v = _mm512_loadu_ps(x + i);
      a0 = _mm512_add_pd(a0, _mm512_cvtps_pd(_mm512_castps512_ps256(v)));
      a1 = _mm512_add_pd(a1, _mm512_cvtps_pd(_mm512_extractf32x8_ps(v, 1)));
    }
    s = _mm512_reduce_add_pd(_mm512_add_pd(a0, a1));
    for (; i < n; i++) s += x[i];
    return s;
  }
#endif
#if defined(__AVX2__) && defined(__FMA__)
  if (kernelSimd() >= Simd::Avx2 && n >= 16) {
    __m256d a0 = _mm256_setzero_pd(), a1 = _mm256_setzero_pd();
    for (; i + 8 <= n; i += 8) {
      const __m256 v = _mm256_loadu_ps(x + i);
      a0 = _mm256_add_pd(a0, _mm256_cvtps_pd(_mm256_castps256_ps128(v)));
      a1 = _mm256_add_pd(a1, _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)));
    }
    alignas(32) double lanes[4];
    _mm256_store_pd(lanes, _mm256_add_pd(a0, a1));
    s = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
  }
#endif
  for (; i < n; i++) s += x[i];
  return s;
}

namespace {

enum ReduceOp { SUM = 0, MEAN = 1, MAX = 2, MIN = 3 };

float extremeRow(const float* x, int64_t n, bool isMax) {
  float m = x[0];
  for (int64_t i = 1; i < n; i++) {
    const float v = x[i];
    if (v != v) return v;
    if (isMax ? v > m : v < m) m = v;
  }
  return m;
}

float finish(int op, double s, int64_t r) { return op == MEAN ? static_cast<float>(static_cast<float>(s) / static_cast<float>(r)) : static_cast<float>(s); }

// Max over a row: the vector scan of softmax (the scalar one only for a row with a NaN). A zero maximum
// takes the sign of the row's first zero, as the stock kernel's first-wins scan does (−0 and +0 tie).
float maxRow(const float* row, int64_t n) {
  const float m = softmaxMax(row, n);
  if (m != 0.0f) return m;
  for (int64_t j = 0; j < n; j++)
    if (row[j] == 0.0f) return row[j];
  return m;
}

void reduce(int op, const float* x, float* out, int64_t outer, int64_t r, int64_t inner) {
  const bool extreme = op == MAX || op == MIN;
  if (inner == 1) {
    // Rows: one output per contiguous run of r elements.
    parallelFor(outer, std::max<int64_t>(1, kElementGrain / std::max<int64_t>(1, r)), [&](int64_t o0, int64_t o1) {
      for (int64_t o = o0; o < o1; o++) {
        const float* row = x + o * r;
        out[o] = op == MAX ? maxRow(row, r) : extreme ? extremeRow(row, r, false) : finish(op, sumRow(row, r), r);
      }
    });
    return;
  }
  // Columns: for each outer index, out[j] over r rows of `inner` contiguous elements; blocks of columns
  // per task, double accumulators per column (the loop over j vectorizes).
  constexpr int64_t kBlock = 512;
  const int64_t blocks = (inner + kBlock - 1) / kBlock;
  parallelFor(outer * blocks, std::max<int64_t>(1, kElementGrain / std::max<int64_t>(1, r * kBlock)), [&](int64_t t0, int64_t t1) {
    double acc[kBlock];
    float ext[kBlock];
    for (int64_t t = t0; t < t1; t++) {
      const int64_t o = t / blocks;
      const int64_t j0 = (t % blocks) * kBlock;
      const int64_t w = std::min(kBlock, inner - j0);
      const float* base = x + o * r * inner + j0;
      float* dst = out + o * inner + j0;
      if (extreme) {
        for (int64_t j = 0; j < w; j++) ext[j] = base[j];
        for (int64_t i = 1; i < r; i++) {
          const float* row = base + i * inner;
          for (int64_t j = 0; j < w; j++) {
            const float v = row[j];
            const float m = ext[j];
            ext[j] = (v != v || m != m) ? (v != v ? v : m) : (op == MAX ? (v > m ? v : m) : (v < m ? v : m));
          }
        }
        for (int64_t j = 0; j < w; j++) dst[j] = ext[j];
      } else {
        for (int64_t j = 0; j < w; j++) acc[j] = 0.0;
        for (int64_t i = 0; i < r; i++) {
          const float* row = base + i * inner;
          for (int64_t j = 0; j < w; j++) acc[j] += static_cast<double>(row[j]);
        }
        for (int64_t j = 0; j < w; j++) dst[j] = finish(op, acc[j], r);
      }
    }
  });
}

// kernelsReduce(op, x, out, outer, r, inner)
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto x = viewOf<float>(info[1]);
  const auto out = viewOf<float>(info[2]);
  const int64_t outer = intArg(info, 3), r = intArg(info, 4), inner = intArg(info, 5);
  const int op = static_cast<int>(intArg(info, 0));
  if (!x.ok || !out.ok || outer < 1 || r < 1 || inner < 1 || op < SUM || op > MIN) return throwError(env, "kernelsReduce(op, x, out, outer, r, inner)");
  if (x.length < outer * r * inner || out.length < outer * inner) return throwError(env, "kernelsReduce: an operand is shorter than its shape");
  reduce(op, x.data, out.data, outer, r, inner);
  return env.Undefined();
}

}  // namespace

// The row's maximum for softmax: vector max, then the scalar scan only if the row holds a NaN (which it
// returns, as extremeRow does). Which zero a ±0 maximum carries may differ: exp(x − m) does not see it.
float softmaxMax(const float* x, int64_t n) {
#if defined(__AVX512F__)
  if (kernelSimd() >= Simd::Avx512 && n >= 16) {
    __m512 m = _mm512_loadu_ps(x);
    __mmask16 nan = _mm512_cmp_ps_mask(m, m, _CMP_UNORD_Q);
    int64_t i = 16;
    for (; i + 16 <= n; i += 16) {
      const __m512 v = _mm512_loadu_ps(x + i);
      m = _mm512_max_ps(m, v);
      nan |= _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
    }
    if (i < n) {
      const __mmask16 k = static_cast<__mmask16>((1u << (n - i)) - 1);
      const __m512 v = _mm512_maskz_loadu_ps(k, x + i);
      m = _mm512_mask_max_ps(m, k, m, v);
      nan |= _mm512_mask_cmp_ps_mask(k, v, v, _CMP_UNORD_Q);
    }
    return nan ? extremeRow(x, n, true) : _mm512_reduce_max_ps(m);
  }
#endif
#if defined(__AVX2__) && defined(__FMA__)
  if (kernelSimd() >= Simd::Avx2 && n >= 16) {
    __m256 m = _mm256_loadu_ps(x), nan = _mm256_cmp_ps(m, m, _CMP_UNORD_Q);
    int64_t i = 8;
    for (; i + 8 <= n; i += 8) {
      const __m256 v = _mm256_loadu_ps(x + i);
      m = _mm256_max_ps(m, v);
      nan = _mm256_or_ps(nan, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
    }
    if (_mm256_movemask_ps(nan) == 0) {
      alignas(32) float lanes[8];
      _mm256_store_ps(lanes, m);
      float r = lanes[0];
      for (int l = 1; l < 8; l++) r = lanes[l] > r ? lanes[l] : r;
      for (; i < n; i++) {
        if (x[i] != x[i]) return extremeRow(x, n, true);
        if (x[i] > r) r = x[i];
      }
      return r;
    }
  }
#endif
  return extremeRow(x, n, true);
}

// Softmax of one row as TensorFlow.js composes it: e = exp(x − max), s = Σe (double, rounded to
// float), y = e / s.
void softmaxRow(const float* __restrict x, float* __restrict y, int64_t n) { softmaxFromMax(x, y, n, softmaxMax(x, n)); }

void softmaxFromMax(const float* __restrict x, float* __restrict y, int64_t n, float m) {
  int64_t i = 0;
#if defined(__AVX512F__)
  if (kernelSimd() >= Simd::Avx512) {
    const __m512 mv = _mm512_set1_ps(m);
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, vm::exp16(_mm512_sub_ps(_mm512_loadu_ps(x + i), mv)));
    const __mmask16 tail = static_cast<__mmask16>((1u << (n - i)) - 1);
    if (tail) _mm512_mask_storeu_ps(y + i, tail, vm::exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(tail, x + i), mv)));
    const __m512 sv = _mm512_set1_ps(static_cast<float>(sumRow(y, n)));
    for (i = 0; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, _mm512_div_ps(_mm512_loadu_ps(y + i), sv));
    if (tail) _mm512_mask_storeu_ps(y + i, tail, _mm512_div_ps(_mm512_maskz_loadu_ps(tail, y + i), sv));
    return;
  }
#endif
#if defined(__AVX2__) && defined(__FMA__)
  if (kernelSimd() >= Simd::Avx2) {
    const __m256 mv = _mm256_set1_ps(m);
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, vm::exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), mv)));
  }
#endif
  for (; i < n; i++) y[i] = vm::expScalar(x[i] - m);
  const float s = static_cast<float>(sumRow(y, n));
  for (int64_t j = 0; j < n; j++) y[j] = y[j] / s;
}

namespace {

// kernelsSoftmax(x, out, rows, n)
Napi::Value Softmax(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto x = viewOf<float>(info[0]);
  const auto y = viewOf<float>(info[1]);
  const int64_t rows = intArg(info, 2), n = intArg(info, 3);
  if (!x.ok || !y.ok || rows < 0 || n < 1 || x.length < rows * n || y.length < rows * n) return throwError(env, "kernelsSoftmax(x, out, rows, n)");
  parallelFor(rows, std::max<int64_t>(1, kElementGrain / n), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) softmaxRow(x.data + r * n, y.data + r * n, n);
  });
  return env.Undefined();
}

octet::Registration reg([](Napi::Env env, Napi::Object exports) {
  exports.Set("kernelsReduce", Napi::Function::New(env, Reduce, "kernelsReduce"));
  exports.Set("kernelsSoftmax", Napi::Function::New(env, Softmax, "kernelsSoftmax"));
});

}  // namespace
}  // namespace octet
