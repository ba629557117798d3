// N-API exports of the matrix product and of the kernels' runtime settings.
#include "../registry.h"
#include "gemm.h"
#include "napiArgs.h"
#include "pool.h"
#include "simd.h"

namespace octet {
namespace {

// Elements the operand needs: the last batch item's offset + one item.
int64_t span(int64_t batch, int64_t stride, int64_t item) { return (batch - 1) * stride + item; }

// kernelsGemm(a, b, c, batch, m, n, k, transA, transB, strideA, strideB, bias|null, activation, accumulate, threads)
Napi::Value Gemm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 15) return throwError(env, "kernelsGemm expects 15 arguments");
  const auto a = viewOf<float>(info[0]);
  const auto b = viewOf<float>(info[1]);
  const auto c = viewOf<float>(info[2]);
  const auto bias = viewOf<float>(info[11], true);
  if (!a.ok || !b.ok || !c.ok || !bias.ok) return throwError(env, "kernelsGemm: a, b, c must be Float32Arrays (bias: Float32Array or null)");
  GemmArgs g;
  g.a = a.data;
  g.b = b.data;
  g.c = c.data;
  g.batch = intArg(info, 3);
  g.m = intArg(info, 4);
  g.n = intArg(info, 5);
  g.k = intArg(info, 6);
  g.transA = boolArg(info, 7);
  g.transB = boolArg(info, 8);
  g.strideA = intArg(info, 9);
  g.strideB = intArg(info, 10);
  g.strideC = g.m * g.n;
  g.bias = bias.data;
  g.activation = intArg(info, 12) == 1 ? Activation::Relu : Activation::Linear;
  g.accumulate = boolArg(info, 13);
  g.threads = static_cast<int>(intArg(info, 14));
  if (g.batch < 1 || g.m < 0 || g.n < 0 || g.k < 0 || g.strideA < 0 || g.strideB < 0) return throwError(env, "kernelsGemm: bad sizes");
  if (a.length < span(g.batch, g.strideA, g.m * g.k) || b.length < span(g.batch, g.strideB, g.k * g.n) || c.length < g.batch * g.m * g.n ||
      (bias.data && bias.length < g.n))
    return throwError(env, "kernelsGemm: an operand is shorter than its shape");
  gemm(g);
  return env.Undefined();
}

Napi::Value Threads(const Napi::CallbackInfo& info) {
  if (info.Length() > 0 && info[0].IsNumber()) setKernelThreads(static_cast<int>(intArg(info, 0)));
  return Napi::Number::New(info.Env(), kernelThreads());
}

Napi::Value SimdLevel(const Napi::CallbackInfo& info) {
  if (info.Length() > 0 && info[0].IsString()) {
    const std::string s = info[0].As<Napi::String>().Utf8Value();
    setKernelSimd(s == "avx512" ? Simd::Avx512 : s == "avx2" ? Simd::Avx2 : Simd::Scalar);
  }
  return Napi::String::New(info.Env(), simdName(kernelSimd()));
}

octet::Registration reg([](Napi::Env env, Napi::Object exports) {
  exports.Set("kernelsGemm", Napi::Function::New(env, Gemm, "kernelsGemm"));
  exports.Set("kernelsThreads", Napi::Function::New(env, Threads, "kernelsThreads"));
  exports.Set("kernelsSimd", Napi::Function::New(env, SimdLevel, "kernelsSimd"));
});

}  // namespace
}  // namespace octet
