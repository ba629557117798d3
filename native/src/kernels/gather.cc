// Row gather and scatter-add: GatherV2 on an [outer, dim, inner] view (embedding lookups, the loss's
// picked logits, T5's position bias) and UnsortedSegmentSum (their gradient), one memcpy / one add
// pass per row. TensorFlow.js' kernels compute an index per element (≈50× slower on a lookup).
#include <cstdint>
#include <cstring>

#include "../registry.h"
#include "napiArgs.h"
#include "parallel.h"

namespace octet {
namespace {

// kernelsGather(x, indices, out, outer, dim, inner) -> -1, or the position of the first index outside [0, dim)
Napi::Value Gather(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto x = viewOf<float>(info[0]);
  const auto idx = viewOf<int32_t>(info[1]);
  const auto out = viewOf<float>(info[2]);
  const int64_t outer = intArg(info, 3), dim = intArg(info, 4), inner = intArg(info, 5);
  if (!x.ok || !idx.ok || !out.ok || outer < 0 || dim < 0 || inner < 0) return throwError(env, "kernelsGather(x, indices, out, outer, dim, inner)");
  const int64_t n = idx.length;
  if (x.length < outer * dim * inner || out.length < outer * n * inner) return throwError(env, "kernelsGather: an operand is shorter than its shape");
  for (int64_t i = 0; i < n; i++)
    if (idx.data[i] < 0 || idx.data[i] >= dim) return Napi::Number::New(env, static_cast<double>(i));
  parallelFor(outer * n, std::max<int64_t>(1, kElementGrain / std::max<int64_t>(1, inner)), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const int64_t o = r / n, i = r % n;
      std::memcpy(out.data + r * inner, x.data + (o * dim + idx.data[i]) * inner, static_cast<size_t>(inner) * sizeof(float));
    }
  });
  return Napi::Number::New(env, -1);
}

// kernelsScatterAdd(x, ids, out, numSegments, inner): out = 0; out[ids[i], :] += x[i, :] (ids outside [0, numSegments) dropped)
Napi::Value ScatterAdd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto x = viewOf<float>(info[0]);
  const auto ids = viewOf<int32_t>(info[1]);
  const auto out = viewOf<float>(info[2]);
  const int64_t segments = intArg(info, 3), inner = intArg(info, 4);
  if (!x.ok || !ids.ok || !out.ok || segments < 0 || inner < 0) return throwError(env, "kernelsScatterAdd(x, ids, out, numSegments, inner)");
  const int64_t rows = ids.length;
  if (x.length < rows * inner || out.length < segments * inner) return throwError(env, "kernelsScatterAdd: an operand is shorter than its shape");
  parallelFor(segments * inner, 1 << 18, [&](int64_t i0, int64_t i1) { std::memset(out.data + i0, 0, static_cast<size_t>(i1 - i0) * sizeof(float)); });
  // In row order (the order of TensorFlow.js' kernels: same sums), columns split across threads.
  parallelFor(inner, std::max<int64_t>(16, kElementGrain / std::max<int64_t>(1, rows)), [&](int64_t j0, int64_t j1) {
    for (int64_t i = 0; i < rows; i++) {
      const int32_t s = ids.data[i];
      if (s < 0 || s >= segments) continue;
      float* dst = out.data + static_cast<int64_t>(s) * inner;
      const float* src = x.data + i * inner;
      for (int64_t j = j0; j < j1; j++) dst[j] += src[j];
    }
  });
  return env.Undefined();
}

octet::Registration reg([](Napi::Env env, Napi::Object exports) {
  exports.Set("kernelsGather", Napi::Function::New(env, Gather, "kernelsGather"));
  exports.Set("kernelsScatterAdd", Napi::Function::New(env, ScatterAdd, "kernelsScatterAdd"));
});

}  // namespace
}  // namespace octet
