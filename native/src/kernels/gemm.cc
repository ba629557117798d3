// SGEMM in the Goto/BLIS layout: B is packed into KC×NR panels shared by the threads, each thread packs
// MC×KC blocks of A into MR×KC panels and runs an MR×NR register-blocked micro-kernel over them. The
// packing routines read A and B with or without transposition, so transposed operands are never
// copied whole. Batched products run item-parallel when there are enough items (attention), else
// each product is split across the threads by blocks of rows (and of columns when rows are few).
#include "gemm.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <functional>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define OCTET_HAVE_AVX2 1
#endif

#include "pool.h"
#include "simd.h"

namespace octet {
namespace {

constexpr int MR = 6;
constexpr int NR = 16;
constexpr int KC = 256;
constexpr int MC = 144;   // rows of A per block (a multiple of MR): 144 × 256 floats = 144 KiB, in L2
constexpr int NC = 3072;  // columns of B per packed block (a multiple of NR): 256 × 3072 floats = 3 MiB
// Below this many multiply-adds a product runs on the calling thread (a parallel call costs a few µs).
constexpr int64_t kParallelMacs = 1 << 18;

struct AlignedBuffer {
  float* data = nullptr;
  size_t capacity = 0;
  float* get(size_t n) {
    if (n > capacity) {
      std::free(data);
      data = static_cast<float*>(std::aligned_alloc(64, ((n * sizeof(float) + 63) / 64) * 64));
      capacity = n;
    }
    return data;
  }
  ~AlignedBuffer() { std::free(data); }
};
thread_local AlignedBuffer tlsA;
thread_local AlignedBuffer tlsB;
thread_local AlignedBuffer tlsPartial;  // the calling thread's K-split partial products
thread_local AlignedBuffer tlsTransposed;  // the calling thread's Cᵀ of a few rows (runFewRows)

struct Problem {
  const float* a;
  const float* b;
  float* c;
  int64_t m, n, k, lda, ldb, ldc;
  bool transA, transB;
  const float* bias;
  bool relu;
  bool accumulate;
};

// How a micro-tile is written: added to C (later K blocks, or accumulate), then bias and ReLU (last K block).
struct Epilogue {
  bool load;
  const float* bias;  // offset to the tile's first column, or null
  bool relu;
};

inline int64_t roundUp(int64_t x, int64_t m) { return (x + m - 1) / m * m; }

// A block [i0, i0+mc) × [p0, p0+kc) → panels of MR rows: dst[panel][kk][r], zero-padded rows.
void packA(const Problem& P, int64_t i0, int mc, int64_t p0, int kc, float* dst) {
  for (int ip = 0; ip < mc; ip += MR) {
    const int h = std::min(MR, mc - ip);
    float* d = dst + static_cast<int64_t>(ip) * kc;
    if (!P.transA) {
      for (int r = 0; r < h; r++) {
        const float* s = P.a + (i0 + ip + r) * P.lda + p0;
        for (int kk = 0; kk < kc; kk++) d[kk * MR + r] = s[kk];
      }
      for (int r = h; r < MR; r++)
        for (int kk = 0; kk < kc; kk++) d[kk * MR + r] = 0.0f;
    } else {
      for (int kk = 0; kk < kc; kk++) {
        const float* s = P.a + (p0 + kk) * P.lda + i0 + ip;
        float* dd = d + kk * MR;
        int r = 0;
        for (; r < h; r++) dd[r] = s[r];
        for (; r < MR; r++) dd[r] = 0.0f;
      }
    }
  }
}

// Panels [pb, pe) of the B block [p0, p0+kc) × [j0, j0+nc) → dst[panel][kk][c], zero-padded columns.
void packB(const Problem& P, int64_t p0, int kc, int64_t j0, int nc, float* dst, int pb, int pe) {
  for (int jp = pb; jp < pe; jp++) {
    const int j = jp * NR;
    const int w = std::min(NR, nc - j);
    float* d = dst + static_cast<int64_t>(jp) * kc * NR;
    if (!P.transB) {
      for (int kk = 0; kk < kc; kk++) {
        const float* s = P.b + (p0 + kk) * P.ldb + j0 + j;
        float* dd = d + kk * NR;
        if (w == NR) {
          std::memcpy(dd, s, NR * sizeof(float));
        } else {
          int c = 0;
          for (; c < w; c++) dd[c] = s[c];
          for (; c < NR; c++) dd[c] = 0.0f;
        }
      }
    } else {
      for (int c = 0; c < w; c++) {
        const float* s = P.b + (j0 + j + c) * P.ldb + p0;
        for (int kk = 0; kk < kc; kk++) d[kk * NR + c] = s[kk];
      }
      for (int c = w; c < NR; c++)
        for (int kk = 0; kk < kc; kk++) d[kk * NR + c] = 0.0f;
    }
  }
}

// Writes the valid mr × nr part of a tile computed into acc[MR][NR].
void storeTile(const float* acc, float* C, int64_t ldc, int mr, int nr, const Epilogue& e) {
  for (int r = 0; r < mr; r++) {
    float* cr = C + r * ldc;
    for (int c = 0; c < nr; c++) {
      float v = acc[r * NR + c];
      if (e.load) v = cr[c] + v;
      if (e.bias) v = v + e.bias[c];
      if (e.relu) v = v > 0.0f ? v : 0.0f;
      cr[c] = v;
    }
  }
}

// A micro-tile's rows of A: element (r, kk) at A[r·rs + kk·cs] — packed panels (rs 1, cs MR), or A
// read in place (row-major: rs lda, cs 1; transposed: rs 1, cs lda). Rows past mr repeat the last one
// (never read out of bounds; their results are discarded).
struct ARows {
  const float* a;
  int64_t rs, cs;
};

// Row r of a micro-tile's A (rowOf clamps r to the tile's last row).
inline const float* rowOf(const ARows& A, int r, int mr) { return A.a + std::min(r, mr - 1) * A.rs; }

using MicroKernel = void (*)(int kc, const ARows& A, const float* B, float* C, int64_t ldc, int mr, int nr, const Epilogue& e);

void kernelScalar(int kc, const ARows& A, const float* B, float* C, int64_t ldc, int mr, int nr, const Epilogue& e) {
  float acc[MR * NR] = {};
  const float* rows[MR];
  for (int r = 0; r < MR; r++) rows[r] = rowOf(A, r, mr);
  for (int kk = 0; kk < kc; kk++) {
    const float* b = B + kk * NR;
    for (int r = 0; r < MR; r++) {
      const float ar = rows[r][kk * A.cs];
      for (int c = 0; c < NR; c++) acc[r * NR + c] += ar * b[c];
    }
  }
  storeTile(acc, C, ldc, mr, nr, e);
}

#if defined(OCTET_HAVE_AVX2)
inline __m256 epilogue8(__m256 v, const float* cr, const float* bias, const Epilogue& e) {
  if (e.load) v = _mm256_add_ps(_mm256_loadu_ps(cr), v);
  if (bias) v = _mm256_add_ps(v, _mm256_loadu_ps(bias));
  if (e.relu) v = _mm256_max_ps(v, _mm256_setzero_ps());
  return v;
}

void kernelAvx2(int kc, const ARows& A, const float* B, float* C, int64_t ldc, int mr, int nr, const Epilogue& e) {
  const float* a0 = A.a;
  const float* a1 = rowOf(A, 1, mr);
  const float* a2 = rowOf(A, 2, mr);
  const float* a3 = rowOf(A, 3, mr);
  const float* a4 = rowOf(A, 4, mr);
  const float* a5 = rowOf(A, 5, mr);
  const int64_t cs = A.cs;
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps(), c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps(), c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps(), c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  for (int kk = 0; kk < kc; kk++) {
    const __m256 b0 = _mm256_load_ps(B);
    const __m256 b1 = _mm256_load_ps(B + 8);
    __m256 a = _mm256_broadcast_ss(a0);
    c00 = _mm256_fmadd_ps(a, b0, c00);
    c01 = _mm256_fmadd_ps(a, b1, c01);
    a = _mm256_broadcast_ss(a1);
    c10 = _mm256_fmadd_ps(a, b0, c10);
    c11 = _mm256_fmadd_ps(a, b1, c11);
    a = _mm256_broadcast_ss(a2);
    c20 = _mm256_fmadd_ps(a, b0, c20);
    c21 = _mm256_fmadd_ps(a, b1, c21);
    a = _mm256_broadcast_ss(a3);
    c30 = _mm256_fmadd_ps(a, b0, c30);
    c31 = _mm256_fmadd_ps(a, b1, c31);
    a = _mm256_broadcast_ss(a4);
    c40 = _mm256_fmadd_ps(a, b0, c40);
    c41 = _mm256_fmadd_ps(a, b1, c41);
    a = _mm256_broadcast_ss(a5);
    c50 = _mm256_fmadd_ps(a, b0, c50);
    c51 = _mm256_fmadd_ps(a, b1, c51);
    a0 += cs;
    a1 += cs;
    a2 += cs;
    a3 += cs;
    a4 += cs;
    a5 += cs;
    B += NR;
  }
  const __m256 rows[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  if (mr == MR && nr == NR) {
    for (int r = 0; r < MR; r++) {
      float* cr = C + r * ldc;
      _mm256_storeu_ps(cr, epilogue8(rows[r][0], cr, e.bias, e));
      _mm256_storeu_ps(cr + 8, epilogue8(rows[r][1], cr + 8, e.bias ? e.bias + 8 : nullptr, e));
    }
    return;
  }
  alignas(64) float acc[MR * NR];
  for (int r = 0; r < MR; r++) {
    _mm256_store_ps(acc + r * NR, rows[r][0]);
    _mm256_store_ps(acc + r * NR + 8, rows[r][1]);
  }
  storeTile(acc, C, ldc, mr, nr, e);
}

// Products with at most 8 columns (attention's probs·V and its gradients with d_kv ≤ 8): 8 rows × 8
// columns, every multiply-add useful, where the 6×16 kernel spends half of them on the panel's zero
// padding. B is the usual 16-wide panel (its first 8 columns are read), A is read in place.
constexpr int MR_NARROW = 8;

void kernelAvx2Narrow(int kc, const ARows& A, const float* B, float* C, int64_t ldc, int mr, int nr, const Epilogue& e) {
  const float* a0 = A.a;
  const float* a1 = rowOf(A, 1, mr);
  const float* a2 = rowOf(A, 2, mr);
  const float* a3 = rowOf(A, 3, mr);
  const float* a4 = rowOf(A, 4, mr);
  const float* a5 = rowOf(A, 5, mr);
  const float* a6 = rowOf(A, 6, mr);
  const float* a7 = rowOf(A, 7, mr);
  const int64_t cs = A.cs;
  __m256 c0 = _mm256_setzero_ps(), c1 = _mm256_setzero_ps(), c2 = _mm256_setzero_ps(), c3 = _mm256_setzero_ps();
  __m256 c4 = _mm256_setzero_ps(), c5 = _mm256_setzero_ps(), c6 = _mm256_setzero_ps(), c7 = _mm256_setzero_ps();
  for (int kk = 0; kk < kc; kk++) {
    const __m256 b = _mm256_load_ps(B);
    c0 = _mm256_fmadd_ps(_mm256_broadcast_ss(a0), b, c0);
    c1 = _mm256_fmadd_ps(_mm256_broadcast_ss(a1), b, c1);
    c2 = _mm256_fmadd_ps(_mm256_broadcast_ss(a2), b, c2);
    c3 = _mm256_fmadd_ps(_mm256_broadcast_ss(a3), b, c3);
    c4 = _mm256_fmadd_ps(_mm256_broadcast_ss(a4), b, c4);
    c5 = _mm256_fmadd_ps(_mm256_broadcast_ss(a5), b, c5);
    c6 = _mm256_fmadd_ps(_mm256_broadcast_ss(a6), b, c6);
    c7 = _mm256_fmadd_ps(_mm256_broadcast_ss(a7), b, c7);
    a0 += cs;
    a1 += cs;
    a2 += cs;
    a3 += cs;
    a4 += cs;
    a5 += cs;
    a6 += cs;
    a7 += cs;
    B += NR;
  }
  const __m256 rows[MR_NARROW] = {c0, c1, c2, c3, c4, c5, c6, c7};
  if (nr == 8) {
    for (int r = 0; r < mr; r++) _mm256_storeu_ps(C + r * ldc, epilogue8(rows[r], C + r * ldc, e.bias, e));
    return;
  }
  alignas(64) float acc[MR_NARROW * NR];
  for (int r = 0; r < MR_NARROW; r++) _mm256_store_ps(acc + r * NR, rows[r]);
  storeTile(acc, C, ldc, mr, nr, e);
}
#endif

MicroKernel pickKernel() {
#if defined(OCTET_HAVE_AVX2)
  if (kernelSimd() >= Simd::Avx2) return kernelAvx2;
#endif
  return kernelScalar;
}

// Column j's epilogue after its product v: the bias, then ReLU (as the micro-kernels' epilogue).
inline float biasRelu(const Problem& P, float v, int64_t j) {
  if (P.bias) v = v + P.bias[j];
  return P.relu && !(v > 0.0f) ? 0.0f : v;
}

// C = bias / 0 / C when k == 0 (an empty sum), with the activation.
void emptyProduct(const Problem& P) {
  for (int64_t i = 0; i < P.m; i++) {
    float* cr = P.c + i * P.ldc;
    for (int64_t j = 0; j < P.n; j++) {
      cr[j] = biasRelu(P, P.accumulate ? cr[j] : 0.0f, j);
    }
  }
}

// Tasks 0 … tasks − 1 on the pool, or in turn on this thread without one.
template <class F>
void runTasks(KernelPool* pool, int64_t tasks, F&& task) {
  if (pool) pool->run(tasks, task);
  else for (int64_t t = 0; t < tasks; t++) task(t);
}

void runProblem(const Problem& P, KernelPool* pool, MicroKernel kernel) {
  // The 8×8 kernel for a column block of at most 8 (with the AVX2 kernel only).
#if defined(OCTET_HAVE_AVX2)
  const MicroKernel narrowKernel = kernel == kernelAvx2 ? kernelAvx2Narrow : nullptr;
  constexpr int kNarrowRows = MR_NARROW;
#else
  const MicroKernel narrowKernel = nullptr;
  constexpr int kNarrowRows = MR;
#endif
  if (P.m == 0 || P.n == 0) return;
  if (P.k == 0) return emptyProduct(P);
  const int threads = pool ? pool->size() : 1;
  int64_t mc = MC;
  if (threads > 1) mc = std::clamp<int64_t>(roundUp((P.m + 2 * threads - 1) / (2 * threads), MR), MR, MC);
  const int64_t mBlocks = (P.m + mc - 1) / mc;
  for (int64_t jc = 0; jc < P.n; jc += NC) {
    const int nc = static_cast<int>(std::min<int64_t>(NC, P.n - jc));
    const int panels = (nc + NR - 1) / NR;
    const int jGroups = threads > 1 && mBlocks < 2 * threads ? static_cast<int>(std::min<int64_t>(panels, (2 * threads + mBlocks - 1) / mBlocks)) : 1;
    for (int64_t pc = 0; pc < P.k; pc += KC) {
      const int kc = static_cast<int>(std::min<int64_t>(KC, P.k - pc));
      const bool last = pc + kc == P.k;
      float* Bp = tlsB.get(static_cast<size_t>(panels) * kc * NR);
      constexpr int kPanelsPerPackTask = 8;
      const int packTasks = (panels + kPanelsPerPackTask - 1) / kPanelsPerPackTask;
      auto pack = [&](int64_t t) {
        packB(P, pc, kc, jc, nc, Bp, static_cast<int>(t) * kPanelsPerPackTask, std::min(panels, static_cast<int>(t + 1) * kPanelsPerPackTask));
      };
      runTasks(pool, packTasks, pack);
      // A is packed when its panels are reused over many B panels; with up to four (n ≤ 64: the
      // attention's probs·V, the narrow models' projections and weight gradients) the micro-kernel reads
      // it in place: 14–36 % faster there than packing (up to two panels before; more than four were not
      // clearly better).
      const bool packedA = panels > 4;
      auto compute = [&](int64_t t) {
        const int64_t ib = t / jGroups;
        const int jg = static_cast<int>(t % jGroups);
        const int64_t i0 = ib * mc;
        const int mcur = static_cast<int>(std::min<int64_t>(mc, P.m - i0));
        float* Ap = nullptr;
        if (packedA) {
          Ap = tlsA.get(static_cast<size_t>(roundUp(mcur, MR)) * kc);
          packA(P, i0, mcur, pc, kc, Ap);
        }
        const int jp0 = jg * panels / jGroups;
        const int jp1 = (jg + 1) * panels / jGroups;
        for (int jp = jp0; jp < jp1; jp++) {
          const int64_t j = jc + static_cast<int64_t>(jp) * NR;
          const int nr = static_cast<int>(std::min<int64_t>(NR, P.n - j));
          const Epilogue e{P.accumulate || pc > 0, last && P.bias ? P.bias + j : nullptr, last && P.relu};
          const bool narrow = nr <= 8 && !packedA && narrowKernel;
          const int step = narrow ? kNarrowRows : MR;
          for (int ip = 0; ip < mcur; ip += step) {
            const int64_t i = i0 + ip;
            const ARows rows = packedA ? ARows{Ap + static_cast<int64_t>(ip) * kc, 1, MR}
                                       : P.transA ? ARows{P.a + pc * P.lda + i, 1, P.lda} : ARows{P.a + i * P.lda + pc, P.lda, 1};
            (narrow ? narrowKernel : kernel)(kc, rows, Bp + static_cast<int64_t>(jp) * kc * NR, P.c + i * P.ldc + j, P.ldc, std::min(step, mcur - ip), nr, e);
          }
        }
      };
      runTasks(pool, mBlocks * jGroups, compute);
    }
  }
}

// Weight gradients (xᵀ·dy: a few rows and columns, the tokens as K) leave the row and column blocks
// too few to share, and each K block would cost two pool calls: such products are split along K
// instead, into chunks of kChunkK whose count depends on K alone, and on one thread too (in turn), so
// the sum's rounding does not depend on the threads. Each chunk's partial product lands in its own
// buffer; the partials are then added in chunk order, followed by the epilogue.
constexpr int64_t kChunkK = 512;
constexpr int64_t kMaxSplitOutput = 128 * 128;

bool splitsK(const Problem& P) { return P.k >= 2 * kChunkK && P.m * P.n <= kMaxSplitOutput; }

void runSplitK(const Problem& P, KernelPool* pool, MicroKernel kernel) {
  const int64_t chunks = std::min<int64_t>(P.k / kChunkK, 64);
  const int64_t mn = P.m * P.n;
  // Every element is written by its chunk's product (accumulate off): no zeroing needed.
  float* partial = tlsPartial.get(static_cast<size_t>(chunks * mn));
  auto chunk = [&](int64_t t) {
    const int64_t p0 = P.k * t / chunks, p1 = P.k * (t + 1) / chunks;
    Problem sub = P;
    sub.a += P.transA ? p0 * P.lda : p0;
    sub.b += P.transB ? p0 : p0 * P.ldb;
    sub.k = p1 - p0;
    sub.c = partial + t * mn;
    sub.ldc = P.n;
    sub.bias = nullptr;
    sub.relu = false;
    sub.accumulate = false;
    runProblem(sub, nullptr, kernel);
  };
  runTasks(pool, chunks, chunk);
  for (int64_t i = 0; i < P.m; i++) {
    float* cr = P.c + i * P.ldc;
    for (int64_t j = 0; j < P.n; j++) {
      float v = partial[i * P.n + j];
      for (int64_t t = 1; t < chunks; t++) v = v + partial[t * mn + i * P.n + j];
      if (P.accumulate) v = cr[j] + v;
      cr[j] = biasRelu(P, v, j);
    }
  }
}

// A few rows against a wide [n, k] weight, C = A·Bᵀ: generation's lm_head and projections (8 rows ×
// 250k × 512 for mt5-small's head). The SGEMM would pack the whole weight for those few rows; as
// Cᵀ = B·Aᵀ it reads the weight in place (B is then the row operand) and Cᵀ is written back transposed,
// with the bias and ReLU. Measured on 2 threads, 8 rows: 1.8× (250k × 512) to 3.7× (384 × 512) faster.
// Only for a weight worth not packing (at least 64 Ki floats): the attention's products of a 32-query
// head against 128 keys of depth 8 were 10–13 % slower this way.
constexpr int64_t kFewRows = 32, kWideWeight = 1 << 16;

bool fewRowsWideWeight(const GemmArgs& g) {
  return g.batch == 1 && !g.transA && g.transB && !g.accumulate && g.m <= kFewRows && g.n >= 4 * kFewRows && g.n * g.k >= kWideWeight;
}

void runFewRows(const Problem& P, KernelPool* pool, MicroKernel kernel) {
  float* ct = tlsTransposed.get(static_cast<size_t>(P.n * P.m));
  Problem T = P;
  T.a = P.b, T.lda = P.ldb, T.b = P.a, T.ldb = P.lda, T.c = ct, T.ldc = P.m;
  T.m = P.n, T.n = P.m, T.transA = false, T.transB = true, T.bias = nullptr, T.relu = false, T.accumulate = false;
  runProblem(T, pool, kernel);
  constexpr int64_t kBlock = 2048;  // columns of C per task
  const int64_t blocks = (P.n + kBlock - 1) / kBlock;
  auto back = [&](int64_t b) {
    const int64_t j0 = b * kBlock, j1 = std::min(P.n, j0 + kBlock);
    for (int64_t i = 0; i < P.m; i++) {
      float* cr = P.c + i * P.ldc;
      for (int64_t j = j0; j < j1; j++) {
        cr[j] = biasRelu(P, ct[j * P.m + i], j);
      }
    }
  };
  runTasks(pool, blocks, back);
}

}  // namespace

void gemm(const GemmArgs& g) {
  const int64_t lda = g.lda ? g.lda : g.transA ? g.m : g.k, ldb = g.ldb ? g.ldb : g.transB ? g.k : g.n, ldc = g.ldc ? g.ldc : g.n;
  Problem base{g.a, g.b, g.c, g.m, g.n, g.k, lda, ldb, ldc, g.transA, g.transB, g.bias, g.activation == Activation::Relu, g.accumulate};
  const MicroKernel kernel = pickKernel();
  const int64_t macs = g.m * g.n * g.k;
  KernelPool* pool = g.threads == 1 ? nullptr : &kernelPool();
  if (pool && pool->size() == 1) pool = nullptr;
  auto item = [&](int64_t i) {
    Problem p = base;
    p.a += i * g.strideA;
    p.b += i * g.strideB;
    p.c += i * g.strideC;
    return p;
  };
  if (g.batch == 1) {
    if (fewRowsWideWeight(g)) return runFewRows(base, pool && macs >= kParallelMacs ? pool : nullptr, kernel);
    if (macs >= kParallelMacs && splitsK(base)) return runSplitK(base, pool, kernel);
    runProblem(base, pool && macs >= kParallelMacs ? pool : nullptr, kernel);
    return;
  }
  // Many (or small) items: one item per task; few large ones: each split across the threads.
  if (pool && macs * g.batch >= kParallelMacs && (g.batch >= 2 * pool->size() || macs < 4 * kParallelMacs)) {
    pool->run(g.batch, [&](int64_t i) { runProblem(item(i), nullptr, kernel); });
    return;
  }
  for (int64_t i = 0; i < g.batch; i++) runProblem(item(i), pool && macs >= kParallelMacs ? pool : nullptr, kernel);
}

}  // namespace octet
