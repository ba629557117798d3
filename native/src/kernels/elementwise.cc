// Elementwise float32 kernels: binary ops with broadcasting (the caller collapses the output shape and
// gives each input's strides over it, 0 on broadcast axes) and unary ops. Basic arithmetic is one IEEE
// float operation per element, as TensorFlow.js computes it (the JS kernels round a double result of
// two floats, which gives the same float for + − × ÷); exp/erf/tanh are vectorized (vecmath.h).
#include <cmath>
#include <cstdint>

#include "../registry.h"
#include "napiArgs.h"
#include "parallel.h"
#include "simd.h"
#include "vecmath.h"

namespace octet {
namespace {

enum BinaryOp { ADD = 0, SUB = 1, MUL = 2, DIV = 3, MAXIMUM = 4, MINIMUM = 5, SQUARED_DIFFERENCE = 6 };

struct Add { static float f(float a, float b) { return a + b; } };
struct Sub { static float f(float a, float b) { return a - b; } };
struct Mul { static float f(float a, float b) { return a * b; } };
struct Div { static float f(float a, float b) { return a / b; } };
// NaN propagates as in TensorFlow.js (a NaN operand gives NaN).
struct Max { static float f(float a, float b) { return (a != a || b != b) ? NAN : (a > b ? a : b); } };
struct Min { static float f(float a, float b) { return (a != a || b != b) ? NAN : (a < b ? a : b); } };
struct SqDiff { static float f(float a, float b) { const float d = a - b; return d * d; } };

constexpr int kMaxRank = 8;

struct Geometry {
  int rank;
  int64_t dims[kMaxRank];
  int64_t sa[kMaxRank];
  int64_t sb[kMaxRank];
};

template <class Op>
void innerLoop(const float* __restrict a, const float* __restrict b, float* __restrict o, int64_t n, int64_t ia, int64_t ib) {
  if (ia == 1 && ib == 1) {
    for (int64_t i = 0; i < n; i++) o[i] = Op::f(a[i], b[i]);
  } else if (ia == 1) {
    const float bs = b[0];
    for (int64_t i = 0; i < n; i++) o[i] = Op::f(a[i], bs);
  } else if (ib == 1) {
    const float as = a[0];
    for (int64_t i = 0; i < n; i++) o[i] = Op::f(as, b[i]);
  } else {
    const float v = Op::f(a[0], b[0]);
    for (int64_t i = 0; i < n; i++) o[i] = v;
  }
}

template <class Op>
void binary(const float* a, const float* b, float* o, const Geometry& g) {
  const int r = g.rank;
  const int64_t inner = g.dims[r - 1];
  int64_t outer = 1;
  for (int d = 0; d < r - 1; d++) outer *= g.dims[d];
  parallelFor(outer, std::max<int64_t>(1, kElementGrain / std::max<int64_t>(1, inner)), [&](int64_t row0, int64_t row1) {
    for (int64_t row = row0; row < row1; row++) {
      int64_t rem = row, offA = 0, offB = 0;
      for (int d = r - 2; d >= 0; d--) {
        const int64_t idx = rem % g.dims[d];
        rem /= g.dims[d];
        offA += idx * g.sa[d];
        offB += idx * g.sb[d];
      }
      innerLoop<Op>(a + offA, b + offB, o + row * inner, inner, g.sa[r - 1], g.sb[r - 1]);
    }
  });
}

// kernelsBinary(op, a, b, out, geometry: Int32Array [rank, dims..., aStrides..., bStrides...])
Napi::Value Binary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto a = viewOf<float>(info[1]);
  const auto b = viewOf<float>(info[2]);
  const auto o = viewOf<float>(info[3]);
  const auto geo = viewOf<int32_t>(info[4]);
  if (!a.ok || !b.ok || !o.ok || !geo.ok || geo.length < 1) return throwError(env, "kernelsBinary(op, a, b, out, geometry)");
  Geometry g;
  g.rank = geo.data[0];
  if (g.rank < 1 || g.rank > kMaxRank || geo.length < 1 + 3 * g.rank) return throwError(env, "kernelsBinary: bad geometry");
  int64_t size = 1, lastA = 0, lastB = 0;
  for (int d = 0; d < g.rank; d++) {
    g.dims[d] = geo.data[1 + d];
    g.sa[d] = geo.data[1 + g.rank + d];
    g.sb[d] = geo.data[1 + 2 * g.rank + d];
    if (g.dims[d] < 1 || g.sa[d] < 0 || g.sb[d] < 0) return throwError(env, "kernelsBinary: bad geometry");
    size *= g.dims[d];
    lastA += (g.dims[d] - 1) * g.sa[d];
    lastB += (g.dims[d] - 1) * g.sb[d];
  }
  if (g.sa[g.rank - 1] > 1 || g.sb[g.rank - 1] > 1) return throwError(env, "kernelsBinary: the innermost axis must be contiguous or broadcast");
  if (o.length < size || a.length <= lastA || b.length <= lastB) return throwError(env, "kernelsBinary: an operand is shorter than the geometry");
  switch (static_cast<int>(intArg(info, 0))) {
    case ADD: binary<Add>(a.data, b.data, o.data, g); break;
    case SUB: binary<Sub>(a.data, b.data, o.data, g); break;
    case MUL: binary<Mul>(a.data, b.data, o.data, g); break;
    case DIV: binary<Div>(a.data, b.data, o.data, g); break;
    case MAXIMUM: binary<Max>(a.data, b.data, o.data, g); break;
    case MINIMUM: binary<Min>(a.data, b.data, o.data, g); break;
    case SQUARED_DIFFERENCE: binary<SqDiff>(a.data, b.data, o.data, g); break;
    default: return throwError(env, "kernelsBinary: unknown op");
  }
  return env.Undefined();
}

enum UnaryOp { EXP = 0, ERF = 1, TANH = 2, SIGMOID = 3, RSQRT = 4, SQRT = 5, SQUARE = 6, FLOOR = 7, NEG = 8, ABS = 9, LOG = 10, RELU = 11, RECIPROCAL = 12 };

float unaryScalar(int op, float x) {
  switch (op) {
    case EXP: return vm::expScalar(x);
    case ERF: return vm::erfScalar(x);
    case TANH: return vm::tanhScalar(x);
    case SIGMOID: return 1.0f / (1.0f + vm::expScalar(-x));
    case RSQRT: return 1.0f / std::sqrt(x);
    case SQRT: return std::sqrt(x);
    case SQUARE: return x * x;
    case FLOOR: return std::floor(x);
    case NEG: return -x;
    case ABS: return std::fabs(x);
    case LOG: return std::log(x);
    case RELU: return x < 0.0f ? 0.0f : x;  // NaN stays NaN
    case RECIPROCAL: return 1.0f / x;
    default: return NAN;
  }
}

void unaryRange(int op, const float* __restrict x, float* __restrict y, int64_t i0, int64_t i1) {
  int64_t i = i0;
#if defined(__AVX2__) && defined(__FMA__)
  if (kernelSimd() >= Simd::Avx2 && (op == EXP || op == ERF || op == TANH || op == SIGMOID)) {
    for (; i + 8 <= i1; i += 8) {
      const __m256 v = _mm256_loadu_ps(x + i);
      __m256 r;
      if (op == EXP) r = vm::exp8(v);
      else if (op == ERF) r = vm::erf8(v);
      else if (op == TANH) r = vm::tanh8(v);
      else r = _mm256_div_ps(_mm256_set1_ps(1.0f), _mm256_add_ps(_mm256_set1_ps(1.0f), vm::exp8(_mm256_sub_ps(_mm256_setzero_ps(), v))));
      _mm256_storeu_ps(y + i, r);
    }
  }
#endif
  switch (op) {
    case SQUARE: for (; i < i1; i++) y[i] = x[i] * x[i]; break;
    case NEG: for (; i < i1; i++) y[i] = -x[i]; break;
    case SQRT: for (; i < i1; i++) y[i] = std::sqrt(x[i]); break;
    case RSQRT: for (; i < i1; i++) y[i] = 1.0f / std::sqrt(x[i]); break;
    case RECIPROCAL: for (; i < i1; i++) y[i] = 1.0f / x[i]; break;
    default: for (; i < i1; i++) y[i] = unaryScalar(op, x[i]);
  }
}

// kernelsUnary(op, x, out)
Napi::Value Unary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto x = viewOf<float>(info[1]);
  const auto y = viewOf<float>(info[2]);
  if (!x.ok || !y.ok || y.length < x.length) return throwError(env, "kernelsUnary(op, x, out)");
  const int op = static_cast<int>(intArg(info, 0));
  if (op < EXP || op > RECIPROCAL) return throwError(env, "kernelsUnary: unknown op");
  parallelFor(x.length, kElementGrain, [&](int64_t i0, int64_t i1) { unaryRange(op, x.data, y.data, i0, i1); });
  return env.Undefined();
}

octet::Registration reg([](Napi::Env env, Napi::Object exports) {
  exports.Set("kernelsBinary", Napi::Function::New(env, Binary, "kernelsBinary"));
  exports.Set("kernelsUnary", Napi::Function::New(env, Unary, "kernelsUnary"));
});

}  // namespace
}  // namespace octet
