// Transpose with any permutation. The caller collapses axes that stay adjacent and passes, for each
// output axis, its size and its stride in the input. When the last output axis is contiguous in the
// input, rows are copied; otherwise the output axis that is contiguous in the input and the last one
// are moved as 16×16 tiles, so both reads and writes stay in cache lines, in blocks of the last axis.
#include <cstdint>
#include <cstring>

#include "../registry.h"
#include "napiArgs.h"
#include "parallel.h"

namespace octet {
namespace {

constexpr int kMaxRank = 8;

// kernelsTranspose(x, out, geometry: Int32Array [rank, outDims..., inStrides...])
Napi::Value Transpose(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto x = viewOf<float>(info[0]);
  const auto y = viewOf<float>(info[1]);
  const auto geo = viewOf<int32_t>(info[2]);
  if (!x.ok || !y.ok || !geo.ok || geo.length < 1) return throwError(env, "kernelsTranspose(x, out, geometry)");
  const int rank = geo.data[0];
  if (rank < 1 || rank > kMaxRank || geo.length < 1 + 2 * rank) return throwError(env, "kernelsTranspose: bad geometry");
  int64_t dims[kMaxRank], strides[kMaxRank];
  int64_t size = 1, last = 0;
  for (int d = 0; d < rank; d++) {
    dims[d] = geo.data[1 + d];
    strides[d] = geo.data[1 + rank + d];
    if (dims[d] < 1 || strides[d] < 0) return throwError(env, "kernelsTranspose: bad geometry");
    size *= dims[d];
    last += (dims[d] - 1) * strides[d];
  }
  if (y.length < size || x.length <= last) return throwError(env, "kernelsTranspose: an operand is shorter than the geometry");
  const float* src = x.data;
  float* dst = y.data;
  const int64_t inner = dims[rank - 1];
  if (strides[rank - 1] == 1 || rank == 1) {
    const int64_t rows = size / inner;
    const int64_t s1 = strides[rank - 1];
    parallelFor(rows, std::max<int64_t>(1, kElementGrain / inner), [&](int64_t r0, int64_t r1) {
      for (int64_t row = r0; row < r1; row++) {
        int64_t rem = row, off = 0;
        for (int d = rank - 2; d >= 0; d--) {
          off += (rem % dims[d]) * strides[d];
          rem /= dims[d];
        }
        if (s1 == 1) std::memcpy(dst + row * inner, src + off, inner * sizeof(float));
        else for (int64_t j = 0; j < inner; j++) dst[row * inner + j] = src[off + j * s1];
      }
    });
    return env.Undefined();
  }
  // q: the output axis that walks the input contiguously (stride 1), if any; else strided gathers.
  int q = -1;
  for (int d = 0; d < rank - 1; d++)
    if (strides[d] == 1) q = d;
  if (q < 0) {
    parallelFor(size, kElementGrain, [&](int64_t i0, int64_t i1) {
      for (int64_t i = i0; i < i1; i++) {
        int64_t rem = i, off = 0;
        for (int d = rank - 1; d >= 0; d--) {
          off += (rem % dims[d]) * strides[d];
          rem /= dims[d];
        }
        dst[i] = src[off];
      }
    });
    return env.Undefined();
  }
  // Output strides, to address dst by (other axes, q, last).
  int64_t outStride[kMaxRank];
  outStride[rank - 1] = 1;
  for (int d = rank - 2; d >= 0; d--) outStride[d] = outStride[d + 1] * dims[d + 1];
  const int64_t nq = dims[q], nl = dims[rank - 1], sl = strides[rank - 1], oq = outStride[q];
  const int64_t planes = size / (nq * nl);
  constexpr int64_t T = 16;
  // Tasks are (plane, block of kBlock positions along the last axis); a task walks all of q in T×T tiles,
  // so the input rows of its block (kBlock strided rows) stay in cache from one tile to the next instead
  // of being fetched again for every T-wide band of q (and a single large matrix splits across threads).
  constexpr int64_t kBlock = 128;
  const int64_t blocks = (nl + kBlock - 1) / kBlock;
  parallelFor(planes * blocks, std::max<int64_t>(1, kElementGrain / (kBlock * nq)), [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; t++) {
      const int64_t p = t / blocks, b0 = (t % blocks) * kBlock, b1 = std::min(nl, b0 + kBlock);
      // Decompose the plane index over every axis but q and the last.
      int64_t rem = p, inOff = 0, outOff = 0;
      for (int d = rank - 2; d >= 0; d--) {
        if (d == q) continue;
        const int64_t idx = rem % dims[d];
        rem /= dims[d];
        inOff += idx * strides[d];
        outOff += idx * outStride[d];
      }
      for (int64_t i0 = 0; i0 < nq; i0 += T) {
        const int64_t i1 = std::min(nq, i0 + T);
        for (int64_t j0 = b0; j0 < b1; j0 += T) {
          const int64_t j1 = std::min(b1, j0 + T);
          for (int64_t i = i0; i < i1; i++)
            for (int64_t j = j0; j < j1; j++) dst[outOff + i * oq + j] = src[inOff + i + j * sl];
        }
      }
    }
  });
  return env.Undefined();
}

octet::Registration reg([](Napi::Env env, Napi::Object exports) {
  exports.Set("kernelsTranspose", Napi::Function::New(env, Transpose, "kernelsTranspose"));
});

}  // namespace
}  // namespace octet
