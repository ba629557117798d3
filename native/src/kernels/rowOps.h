// Row operations of reduce.cc shared with the fused attention kernel (attention.cc).
#pragma once
#include <cstdint>

namespace octet {

// Σ x in double (8 lanes on the AVX2 path), as the Sum kernel adds.
double sumRow(const float* __restrict x, int64_t n);

// y = exp(x − max) / Σ exp(x − max) as TensorFlow.js' Softmax computes it; x and y must not overlap.
void softmaxRow(const float* __restrict x, float* __restrict y, int64_t n);

// The row's maximum as softmax takes it: NaN when the row holds a NaN.
float softmaxMax(const float* x, int64_t n);

// softmaxRow for a row whose softmaxMax is m (a caller that found it in an earlier pass).
void softmaxFromMax(const float* __restrict x, float* __restrict y, int64_t n, float m);

}  // namespace octet
