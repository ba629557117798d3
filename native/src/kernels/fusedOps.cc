// Fused ops of the models (models/layers/fused.ts calls them by kernel name): GELU (erf and tanh forms)
// and its derivative, LayerNorm / RMS norm forward and backward, and dropout. Each follows the order of
// operations of the composed TensorFlow.js ops it replaces, in float32 (sums in double, as TensorFlow.js'
// cpu kernels), so the results agree to float rounding (transcendentals: vecmath.h).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "../registry.h"
#include "dropoutStream.h"
#include "napiArgs.h"
#include "parallel.h"
#include "simd.h"
#include "vecmath.h"

namespace octet {
namespace {

constexpr float kSqrtHalf = 0.70710678118654752f;
constexpr float kInvSqrt2Pi = 0.39894228040143268f;
constexpr float kSqrt2OverPi = 0.79788456080286536f;
constexpr float kGeluTanhK = 0.044715f;

inline float geluErf(float x) { return (x * 0.5f) * (vm::erfScalar(x * kSqrtHalf) + 1.0f); }
inline float geluErfDerivative(float x) {
  return (vm::erfScalar(x * kSqrtHalf) + 1.0f) * 0.5f + x * (vm::expScalar((x * x) * -0.5f) * kInvSqrt2Pi);
}
inline float geluTanh(float x) { return (x * 0.5f) * (vm::tanhScalar((x + (x * x * x) * kGeluTanhK) * kSqrt2OverPi) + 1.0f); }
inline float geluTanhDerivative(float x) {
  const float t = vm::tanhScalar((x + (x * x * x) * kGeluTanhK) * kSqrt2OverPi);
  const float du = ((x * x) * (3.0f * kGeluTanhK) + 1.0f) * kSqrt2OverPi;
  return (t + 1.0f) * 0.5f + ((x * 0.5f) * (1.0f - t * t)) * du;
}

#if defined(__AVX2__) && defined(__FMA__)
inline __m256 set(float v) { return _mm256_set1_ps(v); }
// The same sequences of float operations as above (mul/add, no contraction), 8 lanes. Each form is
// written as functions of its transcendental term (erf(x/√2) + 1, or t = tanh(·)), so that the gated
// backward, which needs gelu and gelu' at once, computes that term once.
inline __m256 erfTerm8(__m256 x) { return _mm256_add_ps(vm::erf8(_mm256_mul_ps(x, set(kSqrtHalf))), set(1.0f)); }
inline __m256 geluErfOf8(__m256 x, __m256 e1) { return _mm256_mul_ps(_mm256_mul_ps(x, set(0.5f)), e1); }
inline __m256 geluErfDerivativeOf8(__m256 x, __m256 e1) {
  const __m256 e = _mm256_mul_ps(vm::exp8(_mm256_mul_ps(_mm256_mul_ps(x, x), set(-0.5f))), set(kInvSqrt2Pi));
  return _mm256_add_ps(_mm256_mul_ps(e1, set(0.5f)), _mm256_mul_ps(x, e));
}
inline __m256 tanhTerm8(__m256 x) {
  const __m256 cube = _mm256_mul_ps(_mm256_mul_ps(x, x), x);
  return vm::tanh8(_mm256_mul_ps(_mm256_add_ps(x, _mm256_mul_ps(cube, set(kGeluTanhK))), set(kSqrt2OverPi)));
}
inline __m256 geluTanhOf8(__m256 x, __m256 t) { return _mm256_mul_ps(_mm256_mul_ps(x, set(0.5f)), _mm256_add_ps(t, set(1.0f))); }
inline __m256 geluTanhDerivativeOf8(__m256 x, __m256 t) {
  const __m256 du = _mm256_mul_ps(_mm256_add_ps(_mm256_mul_ps(_mm256_mul_ps(x, x), set(3.0f * kGeluTanhK)), set(1.0f)), set(kSqrt2OverPi));
  const __m256 left = _mm256_mul_ps(_mm256_add_ps(t, set(1.0f)), set(0.5f));
  const __m256 right = _mm256_mul_ps(_mm256_mul_ps(_mm256_mul_ps(x, set(0.5f)), _mm256_sub_ps(set(1.0f), _mm256_mul_ps(t, t))), du);
  return _mm256_add_ps(left, right);
}

inline __m256 gelu8(__m256 x, bool tanhForm) { return tanhForm ? geluTanhOf8(x, tanhTerm8(x)) : geluErfOf8(x, erfTerm8(x)); }
inline __m256 geluDerivative8(__m256 x, bool tanhForm) {
  return tanhForm ? geluTanhDerivativeOf8(x, tanhTerm8(x)) : geluErfDerivativeOf8(x, erfTerm8(x));
}
// gelu(x) and gelu'(x) from one transcendental term.
inline void geluAndDerivative8(__m256 x, bool tanhForm, __m256& g, __m256& d) {
  const __m256 term = tanhForm ? tanhTerm8(x) : erfTerm8(x);
  g = tanhForm ? geluTanhOf8(x, term) : geluErfOf8(x, term);
  d = tanhForm ? geluTanhDerivativeOf8(x, term) : geluErfDerivativeOf8(x, term);
}
#endif

// kernelsGelu(x, out, tanhForm, dy|null, up|null, dup|null)
//   out = gelu(x), or with dy: out = dy · gelu'(x). The gated form (T5's FFN, gelu(x)·up) with up:
//   out = gelu(x)·up, or with dy: out = (dy·up) · gelu'(x) and dup = dy·gelu(x), as the composed ops'
//   Multiply and GELU gradients compute them.
Napi::Value Gelu(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto x = viewOf<float>(info[0]);
  const auto out = viewOf<float>(info[1]);
  const bool tanhForm = boolArg(info, 2);
  const auto dy = viewOf<float>(info[3], true);
  const auto up = viewOf<float>(info[4], true);
  const auto dupView = viewOf<float>(info[5], true);
  const int64_t n = x.length;
  if (!x.ok || !out.ok || !dy.ok || !up.ok || !dupView.ok || out.length < n || (dy.data && dy.length < n) || (up.data && up.length < n) ||
      (dy.data && up.data && (!dupView.data || dupView.length < n)))
    return throwError(env, "kernelsGelu(x, out, tanhForm, dy, up, dup)");
  const float* xs = x.data;
  const float* g = dy.data;
  const float* u = up.data;
  float* o = out.data;
  float* du = dupView.data;
  parallelFor(n, kElementGrain / 4, [&](int64_t i0, int64_t i1) {
    int64_t i = i0;
#if defined(__AVX2__) && defined(__FMA__)
    if (kernelSimd() >= Simd::Avx2) {
      for (; i + 8 <= i1; i += 8) {
        const __m256 v = _mm256_loadu_ps(xs + i);
        if (g && u) {
          __m256 gelu, derivative;
          geluAndDerivative8(v, tanhForm, gelu, derivative);
          const __m256 d = _mm256_loadu_ps(g + i);
          _mm256_storeu_ps(du + i, _mm256_mul_ps(d, gelu));
          _mm256_storeu_ps(o + i, _mm256_mul_ps(_mm256_mul_ps(d, _mm256_loadu_ps(u + i)), derivative));
        } else if (g) {
          _mm256_storeu_ps(o + i, _mm256_mul_ps(_mm256_loadu_ps(g + i), geluDerivative8(v, tanhForm)));
        } else {
          const __m256 r = gelu8(v, tanhForm);
          _mm256_storeu_ps(o + i, u ? _mm256_mul_ps(r, _mm256_loadu_ps(u + i)) : r);
        }
      }
    }
#endif
    for (; i < i1; i++) {
      const float v = xs[i];
      if (g) {
        float d = g[i];
        if (u) {
          du[i] = d * (tanhForm ? geluTanh(v) : geluErf(v));
          d = d * u[i];
        }
        o[i] = d * (tanhForm ? geluTanhDerivative(v) : geluErfDerivative(v));
      } else {
        const float r = tanhForm ? geluTanh(v) : geluErf(v);
        o[i] = u ? r * u[i] : r;
      }
    }
  });
  return env.Undefined();
}

// Σ_j f(j) for j < n in double, in 8 interleaved partial sums added pairwise at the end (one running sum
// would wait on each addition's latency; TensorFlow.js sums in double too, in order: the float results
// agree to rounding).
template <class F>
inline double laneSum(int64_t n, F f) {
  double acc[8] = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
  int64_t j = 0;
  for (; j + 8 <= n; j += 8)
    for (int l = 0; l < 8; l++) acc[l] += static_cast<double>(f(j + l));
  double s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
  for (; j < n; j++) s += static_cast<double>(f(j));
  return s;
}

// kernelsNorm(x, weight, bias|null, y, xhat, rstd, rows, h, eps, rms)
//   LayerNorm: m = mean(x), c = x − m, r = rsqrt(mean(c²) + eps), x̂ = c·r, y = x̂·w + b
//   RMS norm:  r = rsqrt(mean(x²) + eps), x̂ = x·r, y = w·x̂
Napi::Value Norm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto x = viewOf<float>(info[0]);
  const auto w = viewOf<float>(info[1]);
  const auto b = viewOf<float>(info[2], true);
  const auto y = viewOf<float>(info[3]);
  const auto xhat = viewOf<float>(info[4]);
  const auto rstd = viewOf<float>(info[5]);
  const int64_t rows = intArg(info, 6), h = intArg(info, 7);
  const float eps = static_cast<float>(numArg(info, 8));
  const bool rms = boolArg(info, 9);
  if (!x.ok || !w.ok || !b.ok || !y.ok || !xhat.ok || !rstd.ok || rows < 0 || h < 1) return throwError(env, "kernelsNorm: bad arguments");
  const int64_t n = rows * h;
  if (x.length < n || y.length < n || xhat.length < n || rstd.length < rows || w.length < h || (b.data && b.length < h)) return throwError(env, "kernelsNorm: an operand is shorter than its shape");
  const float hf = static_cast<float>(h);
  parallelFor(rows, std::max<int64_t>(1, kElementGrain / (4 * h)), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const float* xr = x.data + r * h;
      float* xh = xhat.data + r * h;
      float* yr = y.data + r * h;
      const float mean = rms ? 0.0f : static_cast<float>(laneSum(h, [&](int64_t j) { return xr[j] / hf; }));
      for (int64_t j = 0; j < h; j++) xh[j] = xr[j] - mean;
      const double s2 = laneSum(h, [&](int64_t j) { return (xh[j] * xh[j]) / hf; });
      const float rs = 1.0f / std::sqrt(static_cast<float>(s2) + eps);
      rstd.data[r] = rs;
      for (int64_t j = 0; j < h; j++) {
        const float v = xh[j] * rs;
        xh[j] = v;
        yr[j] = rms ? w.data[j] * v : v * w.data[j] + b.data[j];
      }
    }
  });
  return env.Undefined();
}

// kernelsNormGrad(dy, xhat, rstd, weight, dx, dw, db|null, rows, h, rms)
//   g = dy·w; LayerNorm dx = (g − mean(g) − x̂·mean(g·x̂))·r; RMS dx = (g − x̂·mean(g·x̂))·r
//   dw = Σ_rows dy·x̂, db = Σ_rows dy
Napi::Value NormGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto dy = viewOf<float>(info[0]);
  const auto xhat = viewOf<float>(info[1]);
  const auto rstd = viewOf<float>(info[2]);
  const auto w = viewOf<float>(info[3]);
  const auto dx = viewOf<float>(info[4]);
  const auto dw = viewOf<float>(info[5]);
  const auto db = viewOf<float>(info[6], true);
  const int64_t rows = intArg(info, 7), h = intArg(info, 8);
  const bool rms = boolArg(info, 9);
  if (!dy.ok || !xhat.ok || !rstd.ok || !w.ok || !dx.ok || !dw.ok || !db.ok || rows < 0 || h < 1) return throwError(env, "kernelsNormGrad: bad arguments");
  const int64_t n = rows * h;
  if (dy.length < n || xhat.length < n || dx.length < n || rstd.length < rows || w.length < h || dw.length < h || (db.data && db.length < h))
    return throwError(env, "kernelsNormGrad: an operand is shorter than its shape");
  const float hf = static_cast<float>(h);
  // Column sums per chunk of rows (double), added in chunk order at the end. The chunks depend on the
  // shape alone (at most kNormChunks), not on the threads: the same bits on any core count.
  constexpr int64_t kNormChunks = 16;
  const int64_t grain = std::max<int64_t>(1, kElementGrain / (4 * h));
  const int64_t chunks = std::clamp<int64_t>(rows / grain, 1, kNormChunks);
  std::vector<double> partW(static_cast<size_t>(chunks * h), 0.0), partB(db.data ? static_cast<size_t>(chunks * h) : 0, 0.0);
  parallelFor(chunks, 1, [&](int64_t c0, int64_t c1) {
    // The chunk's sums in the task's own buffers, copied out once: chunks of partW share cache lines at
    // their edges, and updating them row by row from two threads cost 2–10× the single-thread time.
    std::vector<float> g(static_cast<size_t>(h));
    std::vector<double> accW(static_cast<size_t>(h)), accB(db.data ? static_cast<size_t>(h) : 0);
    for (int64_t c = c0; c < c1; c++) {
      std::fill(accW.begin(), accW.end(), 0.0);
      std::fill(accB.begin(), accB.end(), 0.0);
      double* pw = accW.data();
      double* pb = db.data ? accB.data() : nullptr;
      for (int64_t r = rows * c / chunks; r < rows * (c + 1) / chunks; r++) {
        const float* dyr = dy.data + r * h;
        const float* xr = xhat.data + r * h;
        float* __restrict gr = g.data();
        for (int64_t j = 0; j < h; j++) {
          gr[j] = dyr[j] * w.data[j];
          pw[j] += static_cast<double>(dyr[j] * xr[j]);
        }
        if (pb)
          for (int64_t j = 0; j < h; j++) pb[j] += static_cast<double>(dyr[j]);
        const double sg = rms ? 0.0 : laneSum(h, [&](int64_t j) { return gr[j] / hf; });
        const double sgx = laneSum(h, [&](int64_t j) { return (gr[j] * xr[j]) / hf; });
        const float mg = static_cast<float>(sg), mgx = static_cast<float>(sgx), rs = rstd.data[r];
        float* dxr = dx.data + r * h;
        for (int64_t j = 0; j < h; j++) dxr[j] = (rms ? g[j] - xr[j] * mgx : (g[j] - mg) - xr[j] * mgx) * rs;
      }
      std::copy(accW.begin(), accW.end(), partW.begin() + c * h);
      if (db.data) std::copy(accB.begin(), accB.end(), partB.begin() + c * h);
    }
  });
  for (int64_t j = 0; j < h; j++) {
    double sw = 0.0, sb = 0.0;
    for (int64_t c = 0; c < chunks; c++) {
      sw += partW[c * h + j];
      if (db.data) sb += partB[c * h + j];
    }
    dw.data[j] = static_cast<float>(sw);
    if (db.data) db.data[j] = static_cast<float>(sb);
  }
  return env.Undefined();
}

// kernelsDropout(x, y, kept, rate, s0, s1, s2, c, residual|null): tf.dropout with a seed (dropoutStream.h), y = x·m
// (residual + x·m with a residual), and which multipliers are not 0 as bits (⌈n / 32⌉ int32 words) for the gradient.
Napi::Value Dropout(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto x = viewOf<float>(info[0]);
  const auto y = viewOf<float>(info[1]);
  const auto kept = viewOf<int32_t>(info[2]);
  const double rate = numArg(info, 3);
  const auto residual = viewOf<float>(info[8], true);
  if (!x.ok || !y.ok || !kept.ok || !residual.ok || y.length < x.length || kept.length < keptWords(x.length) || !(rate >= 0.0 && rate < 1.0) ||
      (residual.data && residual.length < x.length))
    return throwError(env, "kernelsDropout(x, y, kept, rate, s0, s1, s2, c, residual)");
  const AleaStream stream = AleaStream::fromSeedrandom(numArg(info, 4), numArg(info, 5), numArg(info, 6), numArg(info, 7));
  dropoutMultipliers(stream, rate, x.length, {nullptr, reinterpret_cast<uint8_t*>(kept.data), x.data, y.data, residual.data});
  return env.Undefined();
}

// kernelsDropoutGrad(dy, kept, dx, rate): dx = dy·m with m the forward's multipliers (from kept).
Napi::Value DropoutGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto dy = viewOf<float>(info[0]);
  const auto kept = viewOf<int32_t>(info[1]);
  const auto dx = viewOf<float>(info[2]);
  const double rate = numArg(info, 3);
  if (!dy.ok || !kept.ok || !dx.ok || dx.length < dy.length || kept.length < keptWords(dy.length) || !(rate >= 0.0 && rate < 1.0))
    return throwError(env, "kernelsDropoutGrad(dy, kept, dx, rate)");
  const float scale = dropoutScale(rate);
  const uint8_t* bits = reinterpret_cast<const uint8_t*>(kept.data);
  constexpr int64_t kBlock = 512;  // multipliers unpacked per step, on the stack
  parallelFor((dy.length + kBlock - 1) / kBlock, kElementGrain / kBlock, [&](int64_t b0, int64_t b1) {
    alignas(32) float m[kBlock];
    for (int64_t b = b0; b < b1; b++) {
      const int64_t i0 = b * kBlock, n = std::min(kBlock, dy.length - i0);
      keptMultipliers(bits + i0 / 8, n, scale, m);
      for (int64_t i = 0; i < n; i++) dx.data[i0 + i] = dy.data[i0 + i] * m[i];
    }
  });
  return env.Undefined();
}

octet::Registration reg([](Napi::Env env, Napi::Object exports) {
  exports.Set("kernelsGelu", Napi::Function::New(env, Gelu, "kernelsGelu"));
  exports.Set("kernelsNorm", Napi::Function::New(env, Norm, "kernelsNorm"));
  exports.Set("kernelsNormGrad", Napi::Function::New(env, NormGrad, "kernelsNormGrad"));
  exports.Set("kernelsDropout", Napi::Function::New(env, Dropout, "kernelsDropout"));
  exports.Set("kernelsDropoutGrad", Napi::Function::New(env, DropoutGrad, "kernelsDropoutGrad"));
});

}  // namespace
}  // namespace octet
