// Single-precision matrix products: C[b] = op(A[b]) · op(B[b]) (+ bias, activation), row-major,
// transposes read in place by the packing routines (no transposed copies).
#pragma once
#include <cstdint>

namespace octet {

enum class Activation { Linear = 0, Relu = 1 };

struct GemmArgs {
  const float* a = nullptr;  // [m, k], or [k, m] when transA
  const float* b = nullptr;  // [k, n], or [n, k] when transB
  float* c = nullptr;        // [m, n]
  int64_t batch = 1, m = 0, n = 0, k = 0;
  bool transA = false, transB = false;
  int64_t strideA = 0, strideB = 0, strideC = 0;  // elements between batch items (0: broadcast a/b)
  int64_t lda = 0, ldb = 0, ldc = 0;              // elements between rows (0: dense, the row's length)
  const float* bias = nullptr;                    // [n], added after the product
  Activation activation = Activation::Linear;
  bool accumulate = false;  // C += product instead of C = product
  // 0: the pool's threads; 1: the calling thread only (data-parallel workers).
  int threads = 0;
};

void gemm(const GemmArgs& args);

}  // namespace octet
