// Fused attention (common/fusedKernels.ts OctetAttention / OctetAttentionGrad): per (batch, head),
// S = q·kᵀ (·scale) + bias, P = softmax(S), out = (P ∘ M)·v with M tf.dropout's multipliers, and its
// backward. One (batch, head) is one task on one thread, so its [Lq, Lk] scores stay in cache between
// the products and the softmax, instead of 6–15 kernels each streaming the whole [B, H, Lq, Lk] tensor.
// The float operations follow the composed TensorFlow.js ops (models/layers/attention.ts): the same
// softmax (rowOps.h), dropout stream (dropoutStream.h) and gradient formulas, so the results agree
// to float rounding (products: gemm.h with one thread). Each task draws its own stretch of the dropout
// stream, and the gradient keeps which scores were dropped as one bit each (a multiplier is 0 or
// 1/keep): 1/32 of the float multipliers' memory and traffic.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "../registry.h"
#include "dropoutStream.h"
#include "gemm.h"
#include "napiArgs.h"
#include "parallel.h"
#include "rowOps.h"
#include "simd.h"

namespace octet {
namespace {

// [B, H, Lq, Lk, D], the bias' element strides over [B, H, Lq, Lk] (0 where it broadcasts), the
// layout of q, k, v (and their gradients, and the output): [B, H, L, D], or [B, L, H, D] — the
// projections' own layout, so that the model needs no transposes around the kernel — and the mask's
// strides (an additive bias without a gradient: padding and causal masks).
struct Geometry {
  int64_t b, h, lq, lk, d;
  int64_t sb, sh, sq, sk;
  bool headsLast;
  int64_t mb, mh, mq, mk;
  int64_t scores() const { return b * h * lq * lk; }
  int64_t biasSpan() const { return (b - 1) * sb + (h - 1) * sh + (lq - 1) * sq + (lk - 1) * sk + 1; }
  int64_t maskSpan() const { return (b - 1) * mb + (h - 1) * mh + (lq - 1) * mq + (lk - 1) * mk + 1; }
  // Where (batch, head) t's first row of a tensor with `len` rows starts, and the distance between its rows.
  int64_t base(int64_t t, int64_t len) const { return headsLast ? (t / h) * len * h * d + (t % h) * d : t * len * d; }
  int64_t rowStride() const { return headsLast ? h * d : d; }
};

bool readGeometry(const Napi::Value& v, Geometry& g) {
  const auto a = viewOf<int32_t>(v);
  if (!a.ok || a.length != 14) return false;
  g = {a.data[0], a.data[1], a.data[2], a.data[3], a.data[4], a.data[5], a.data[6], a.data[7], a.data[8], a.data[9] != 0,
       a.data[10], a.data[11], a.data[12], a.data[13]};
  return g.b > 0 && g.h > 0 && g.lq > 0 && g.lk > 0 && g.d > 0 && g.sb >= 0 && g.sh >= 0 && g.sq >= 0 && g.sk >= 0 && g.mb >= 0 && g.mh >= 0 &&
         g.mq >= 0 && g.mk >= 0;
}

float* scratch(std::vector<float>& v, int64_t n) {
  if (static_cast<int64_t>(v.size()) < n) v.resize(static_cast<size_t>(n));
  return v.data();
}

// Per-thread buffers of one (batch, head): scores-sized tiles.
struct Scratch {
  std::vector<float> tileA, tileB, tileM;
};
thread_local Scratch tls;

// Adds the bias row (stride 1, or one value broadcast over the keys) to a row of scores.
void addBiasRow(float* __restrict row, const float* __restrict br, int64_t sk, int64_t n) {
  if (sk == 1) {
    for (int64_t j = 0; j < n; j++) row[j] = row[j] + br[j];
  } else {
    const float b = br[0];
    for (int64_t j = 0; j < n; j++) row[j] = row[j] + b;
  }
}

void scaleRow(float* __restrict row, float scale, int64_t n) {
  for (int64_t j = 0; j < n; j++) row[j] = row[j] * scale;
}

// A row of scores before softmax: row = ((row·scale) + bias) + mask, each where given (bias and mask
// rows of stride 1, or one value broadcast over the row: sk, mk 0), and its softmaxMax. One pass on
// the AVX-512 path, else one per operand.
float prepareScores(float* __restrict row, const float* br, int64_t sk, const float* mr, int64_t mk, float scale, bool hasScale, int64_t n) {
#if defined(__AVX512F__)
  if (kernelSimd() >= Simd::Avx512) {
    const __m512 sc = _mm512_set1_ps(scale);
    __m512 m = _mm512_set1_ps(-INFINITY);
    __mmask16 nan = 0;
    for (int64_t j = 0; j < n; j += 16) {
      const __mmask16 k = j + 16 <= n ? static_cast<__mmask16>(0xffff) : static_cast<__mmask16>((1u << (n - j)) - 1);
      __m512 v = _mm512_maskz_loadu_ps(k, row + j);
      if (hasScale) v = _mm512_mul_ps(v, sc);
      if (br) v = _mm512_add_ps(v, sk ? _mm512_maskz_loadu_ps(k, br + j) : _mm512_set1_ps(br[0]));
      if (mr) v = _mm512_add_ps(v, mk ? _mm512_maskz_loadu_ps(k, mr + j) : _mm512_set1_ps(mr[0]));
      _mm512_mask_storeu_ps(row + j, k, v);
      m = _mm512_mask_max_ps(m, k, m, v);
      nan |= _mm512_mask_cmp_ps_mask(k, v, v, _CMP_UNORD_Q);
    }
    return nan ? softmaxMax(row, n) : _mm512_reduce_max_ps(m);
  }
#endif
  if (hasScale) scaleRow(row, scale, n);
  if (br) addBiasRow(row, br, sk, n);
  if (mr) addBiasRow(row, mr, mk, n);
  return softmaxMax(row, n);
}

// (batch, head) t's [len, d] slice of q, k, v, the output or their gradients, read and written in place
// by the products: its first row (rows g.rowStride() apart).
template <class T>
T* headSlice(T* x, const Geometry& g, int64_t t, int64_t len) {
  return x + g.base(t, len);
}

// One product on the calling thread: c[m, n] = op(a)·op(b), rows lda, ldb, ldc apart. (Plain loops over
// the long axis were tried for heads of depth 8: 1.2–2× slower than gemm.h's packed micro-kernel.)
void product(const float* a, int64_t lda, const float* b, int64_t ldb, float* c, int64_t ldc, int64_t m, int64_t n, int64_t k, bool transA, bool transB) {
  GemmArgs g;
  g.a = a;
  g.b = b;
  g.c = c;
  g.m = m;
  g.n = n;
  g.k = k;
  g.lda = lda;
  g.ldb = ldb;
  g.ldc = ldc;
  g.transA = transA;
  g.transB = transB;
  g.threads = 1;
  gemm(g);
}

// Products of a task, with head slices (rows `ld` apart) and dense [Lq, Lk] tiles:
// s = a·bᵀ (a [m, d], b [n, d] slices, s an [m, n] tile)
void timesTransposed(const float* a, const float* b, int64_t ld, float* s, int64_t m, int64_t n, int64_t d) { product(a, ld, b, ld, s, n, m, n, d, false, true); }
// out = p·v (p an [m, n] tile, v an [n, d] slice, out an [m, d] slice)
void times(const float* p, const float* v, int64_t ld, float* out, int64_t m, int64_t n, int64_t d) { product(p, n, v, ld, out, ld, m, d, n, false, false); }
// out = pᵀ·x (p an [m, n] tile, x an [m, d] slice, out an [n, d] slice)
void transposedTimes(const float* p, const float* x, int64_t ld, float* out, int64_t m, int64_t n, int64_t d) { product(p, n, x, ld, out, ld, n, d, m, true, false); }

// kernelsAttention(q, k, v, bias|null, mask|null, out, probs, kept|null, geometry, scale, hasScale, rate, s0, s1, s2, c)
//   probs = softmax((q·kᵀ·scale + bias) + mask); M = dropout multipliers (rate > 0), kept: M ≠ 0 as bits,
//   ⌈Lq·Lk / 32⌉ words per (batch, head); out = (probs ∘ M)·v
Napi::Value Attention(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto q = viewOf<float>(info[0]), k = viewOf<float>(info[1]), v = viewOf<float>(info[2]);
  const auto bias = viewOf<float>(info[3], true), mask = viewOf<float>(info[4], true);
  const auto out = viewOf<float>(info[5]), probs = viewOf<float>(info[6]);
  const auto kept = viewOf<int32_t>(info[7], true);
  Geometry g{};
  if (!q.ok || !k.ok || !v.ok || !bias.ok || !mask.ok || !out.ok || !probs.ok || !kept.ok || !readGeometry(info[8], g))
    return throwError(env, "kernelsAttention(q, k, v, bias, mask, out, probs, kept, geometry, scale, hasScale, rate, s0, s1, s2, c)");
  const float scale = static_cast<float>(numArg(info, 9));
  const bool hasScale = boolArg(info, 10);
  const double rate = numArg(info, 11);
  const int64_t bh = g.b * g.h, tile = g.lq * g.lk, words = keptWords(tile), ld = g.rowStride();
  if (q.length < bh * g.lq * g.d || k.length < bh * g.lk * g.d || v.length < bh * g.lk * g.d || out.length < bh * g.lq * g.d ||
      probs.length < g.scores() || (kept.data && kept.length < bh * words) || (bias.data && bias.length < g.biasSpan()) ||
      (mask.data && mask.length < g.maskSpan()))
    return throwError(env, "kernelsAttention: an operand is shorter than its shape");
  if (kept.data && !(rate > 0.0 && rate < 1.0)) return throwError(env, "kernelsAttention: dropout rate must be in (0, 1)");
  // Where each (batch, head)'s stretch of the one dropout stream over [B, H, Lq, Lk] starts.
  std::vector<AleaStream> starts;
  if (kept.data)
    starts = dropoutStarts(AleaStream::fromSeedrandom(numArg(info, 12), numArg(info, 13), numArg(info, 14), numArg(info, 15)), bh, tile);
  parallelChunks(bh, 1, [&](int64_t t0, int64_t t1) {
    Scratch& w = tls;
    float* s = scratch(w.tileA, tile);
    for (int64_t t = t0; t < t1; t++) {
      const int64_t bi = t / g.h, hi = t % g.h;
      float* p = probs.data + t * tile;
      timesTransposed(headSlice(q.data, g, t, g.lq), headSlice(k.data, g, t, g.lk), ld, s, g.lq, g.lk, g.d);
      for (int64_t i = 0; i < g.lq; i++) {
        float* row = s + i * g.lk;
        const float max = prepareScores(row, bias.data ? bias.data + bi * g.sb + hi * g.sh + i * g.sq : nullptr, g.sk,
                                        mask.data ? mask.data + bi * g.mb + hi * g.mh + i * g.mq : nullptr, g.mk, scale, hasScale, g.lk);
        softmaxFromMax(row, p + i * g.lk, g.lk, max);
      }
      const float* dropped = p;
      if (kept.data) {
        // The scores' tile is free again: it takes probs ∘ M.
        drawMultipliers(starts[t], rate, tile, {nullptr, reinterpret_cast<uint8_t*>(kept.data + t * words), p, s});
        dropped = s;
      }
      times(dropped, headSlice(v.data, g, t, g.lk), ld, headSlice(out.data, g, t, g.lq), g.lq, g.lk, g.d);
    }
  });
  return env.Undefined();
}

// kernelsAttentionGrad(dy, q, k, v, probs, kept|null, dq, dk, dv, dbias|null, geometry, scale, hasScale, rate)
//   mult = the forward's dropout multipliers (from `kept`), dP = (dy·vᵀ) ∘ mult, dS = dP∘P − Σ(dP∘P)·P
//   (softmax), dbias = dS summed over the bias' broadcast axes, dq = (dS·scale)·k, dk = (dS·scale)ᵀ·q,
//   dv = (P ∘ mult)ᵀ·dy
Napi::Value AttentionGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto dy = viewOf<float>(info[0]), q = viewOf<float>(info[1]), k = viewOf<float>(info[2]), v = viewOf<float>(info[3]);
  const auto probs = viewOf<float>(info[4]);
  const auto kept = viewOf<int32_t>(info[5], true);
  const auto dq = viewOf<float>(info[6]), dk = viewOf<float>(info[7]), dv = viewOf<float>(info[8]);
  const auto dbias = viewOf<float>(info[9], true);
  Geometry g{};
  if (!dy.ok || !q.ok || !k.ok || !v.ok || !probs.ok || !kept.ok || !dq.ok || !dk.ok || !dv.ok || !dbias.ok || !readGeometry(info[10], g))
    return throwError(env, "kernelsAttentionGrad(dy, q, k, v, probs, kept, dq, dk, dv, dbias, geometry, scale, hasScale, rate)");
  const float scale = static_cast<float>(numArg(info, 11));
  const bool hasScale = boolArg(info, 12);
  const double rate = numArg(info, 13);
  const int64_t bh = g.b * g.h, qn = bh * g.lq * g.d, kn = bh * g.lk * g.d, tile = g.lq * g.lk, words = keptWords(tile), ld = g.rowStride();
  if (dy.length < qn || q.length < qn || dq.length < qn || k.length < kn || v.length < kn || dk.length < kn || dv.length < kn ||
      probs.length < g.scores() || (kept.data && kept.length < bh * words) || (dbias.data && dbias.length < g.biasSpan()))
    return throwError(env, "kernelsAttentionGrad: an operand is shorter than its shape");
  if (kept.data && !(rate > 0.0 && rate < 1.0)) return throwError(env, "kernelsAttentionGrad: dropout rate must be in (0, 1)");
  const float keptScale = dropoutScale(rate);
  // The bias gradient. A task writes its own slice when the bias has its own (batch, head) slices and
  // every query and key. Otherwise the tasks that share a slice of the bias form a group (all batch
  // items of a head, for T5's position bias) whose rows are summed in double, in task order, by one
  // thread; when all tasks share one slice, each task sums into its own partial and the partials are
  // added in task order at the end. Which way depends on the shapes only, so the sums do not depend
  // on the threads.
  const bool ownSlice = (g.sb > 0 || g.b == 1) && (g.sh > 0 || g.h == 1);
  const bool direct = dbias.data && ownSlice && (g.sq > 0 || g.lq == 1) && (g.sk > 0 || g.lk == 1);
  const int64_t sliceQ = g.sq > 0 ? g.lq : 1, sliceK = g.sk > 0 ? g.lk : 1, slice = sliceQ * sliceK;
  const int64_t groupsB = g.sb > 0 ? g.b : 1, groupsH = g.sh > 0 ? g.h : 1, groups = groupsB * groupsH;
  const bool grouped = dbias.data && !direct && groups > 1;
  std::vector<double> partial(dbias.data && !direct && !grouped ? static_cast<size_t>(bh * slice) : 0, 0.0);

  // One (batch, head): dv, dq, dk, and its bias-gradient rows (written, or added into acc). `next`: the
  // task this thread runs next (−1: none), whose probabilities are fetched while this one computes —
  // they were written layers ago and come from memory (cold, the task ran 1.2× slower).
  auto task = [&](int64_t t, double* acc, int64_t next) {
    Scratch& w = tls;
    float* ds = scratch(w.tileA, tile);
    float* dropped = kept.data ? scratch(w.tileB, tile) : nullptr;
    float* m = kept.data ? scratch(w.tileM, tile) : nullptr;
    if (m) keptMultipliers(reinterpret_cast<const uint8_t*>(kept.data + t * words), tile, keptScale, m);
    const float* ahead = next >= 0 ? probs.data + next * tile : nullptr;
    const int64_t bi = t / g.h, hi = t % g.h;
    const float* p = probs.data + t * tile;
    const float* dyt = headSlice(dy.data, g, t, g.lq);
    timesTransposed(dyt, headSlice(v.data, g, t, g.lk), ld, ds, g.lq, g.lk, g.d);
    if (m)
      for (int64_t j = 0; j < tile; j++) dropped[j] = p[j] * m[j];
    transposedTimes(m ? dropped : p, dyt, ld, headSlice(dv.data, g, t, g.lk), g.lq, g.lk, g.d);
    for (int64_t i = 0; i < g.lq; i++) {
      float* __restrict row = ds + i * g.lk;
      const float* __restrict pr = p + i * g.lk;
      if (ahead)
        for (int64_t j = 0; j < g.lk; j += 16) __builtin_prefetch(ahead + i * g.lk + j);
      if (m) {
        const float* __restrict mr = m + i * g.lk;
        for (int64_t j = 0; j < g.lk; j++) row[j] = (row[j] * mr[j]) * pr[j];
      } else {
        for (int64_t j = 0; j < g.lk; j++) row[j] = row[j] * pr[j];
      }
      const float s = static_cast<float>(sumRow(row, g.lk));
      for (int64_t j = 0; j < g.lk; j++) row[j] = row[j] - s * pr[j];
      if (direct) {
        std::copy(row, row + g.lk, dbias.data + bi * g.sb + hi * g.sh + i * g.sq);
      } else if (acc) {
        double* ar = acc + (g.sq > 0 ? i : 0) * sliceK;
        for (int64_t j = 0; j < g.lk; j++) ar[g.sk > 0 ? j : 0] += static_cast<double>(row[j]);
      }
      if (hasScale) scaleRow(row, scale, g.lk);
    }
    times(ds, headSlice(k.data, g, t, g.lk), ld, headSlice(dq.data, g, t, g.lq), g.lq, g.lk, g.d);
    transposedTimes(ds, headSlice(q.data, g, t, g.lq), ld, headSlice(dk.data, g, t, g.lk), g.lq, g.lk, g.d);
  };
  // Writes a slice of sums to the bias element each one broadcasts from.
  auto writeSlice = [&](int64_t base, const double* sums) {
    for (int64_t i = 0; i < sliceQ; i++)
      for (int64_t j = 0; j < sliceK; j++) dbias.data[base + i * g.sq + j * g.sk] = static_cast<float>(sums[i * sliceK + j]);
  };

  if (grouped) {
    parallelFor(groups, 1, [&](int64_t g0, int64_t g1) {
      thread_local std::vector<double> sums;
      thread_local std::vector<int64_t> groupTasks;
      for (int64_t G = g0; G < g1; G++) {
        const int64_t x = G / groupsH, y = G % groupsH;
        sums.assign(static_cast<size_t>(slice), 0.0);
        // The group's tasks, in order (each prefetches for the next).
        std::vector<int64_t>& ts = groupTasks;
        ts.clear();
        for (int64_t bi = g.sb > 0 ? x : 0; bi < (g.sb > 0 ? x + 1 : g.b); bi++)
          for (int64_t hi = g.sh > 0 ? y : 0; hi < (g.sh > 0 ? y + 1 : g.h); hi++) ts.push_back(bi * g.h + hi);
        for (size_t e = 0; e < ts.size(); e++) task(ts[e], sums.data(), e + 1 < ts.size() ? ts[e + 1] : -1);
        writeSlice(x * g.sb + y * g.sh, sums.data());
      }
    });
  } else {
    // About eight chunks per thread: fine enough to even out a late thread, long enough to prefetch in.
    parallelChunks(bh, std::max<int64_t>(1, bh / (8 * kernelThreads())), [&](int64_t t0, int64_t t1) {
      for (int64_t t = t0; t < t1; t++) task(t, partial.empty() ? nullptr : partial.data() + t * slice, t + 1 < t1 ? t + 1 : -1);
    });
  }
  if (!partial.empty()) {
    // Sum the tasks' slices into each bias element they broadcast from, in task order.
    std::vector<double> total(static_cast<size_t>(dbias.length), 0.0);
    for (int64_t t = 0; t < bh; t++) {
      const int64_t base = (t / g.h) * g.sb + (t % g.h) * g.sh;
      for (int64_t i = 0; i < sliceQ; i++)
        for (int64_t j = 0; j < sliceK; j++) total[static_cast<size_t>(base + i * g.sq + j * g.sk)] += partial[t * slice + i * sliceK + j];
    }
    for (int64_t i = 0; i < g.biasSpan(); i++) dbias.data[i] = static_cast<float>(total[i]);
  }
  return env.Undefined();
}

octet::Registration reg([](Napi::Env env, Napi::Object exports) {
  exports.Set("kernelsAttention", Napi::Function::New(env, Attention, "kernelsAttention"));
  exports.Set("kernelsAttentionGrad", Napi::Function::New(env, AttentionGrad, "kernelsAttentionGrad"));
});

}  // namespace
}  // namespace octet
