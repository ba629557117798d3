// Softmax of one row as TensorFlow.js' Softmax kernel computes it (reduce.cc), shared with the fused
// attention kernel.
#pragma once
#include <cstdint>

namespace octet {

// y = exp(x − max) / Σ exp(x − max); x and y must not overlap.
void softmaxRow(const float* __restrict x, float* __restrict y, int64_t n);

}  // namespace octet
