// parallelFor over [0, n) in chunks of at least `grain` items, on the kernels' pool when worth it.
#pragma once
#include <algorithm>
#include <cstdint>
#include <functional>

#include "pool.h"

namespace octet {

template <typename F>
void parallelFor(int64_t n, int64_t grain, F&& fn) {
  if (n <= 0) return;
  if (grain < 1) grain = 1;
  KernelPool& pool = kernelPool();
  const int threads = pool.size();
  if (threads == 1 || n < 2 * grain) {
    fn(int64_t{0}, n);
    return;
  }
  // About two chunks per thread (dynamic claiming evens out a busy core), never below the grain.
  const int64_t chunks = std::max<int64_t>(1, std::min<int64_t>(n / grain, 2 * threads));
  const std::function<void(int64_t)> task = [&](int64_t t) {
    const int64_t b = n * t / chunks;
    const int64_t e = n * (t + 1) / chunks;
    if (b < e) fn(b, e);
  };
  pool.run(chunks, task);
}

// parallelFor over [0, n) in chunks of `grain` items claimed one by one: for tasks of tens of
// microseconds (attention's (batch, head) tiles), where two chunks per thread leave one thread idle for
// up to a quarter of the call when the other starts late.
template <typename F>
void parallelChunks(int64_t n, int64_t grain, F&& fn) {
  if (n <= 0) return;
  if (grain < 1) grain = 1;
  KernelPool& pool = kernelPool();
  const int64_t chunks = (n + grain - 1) / grain;
  if (pool.size() == 1 || chunks == 1) {
    fn(int64_t{0}, n);
    return;
  }
  const std::function<void(int64_t)> task = [&](int64_t c) { fn(c * grain, std::min(n, (c + 1) * grain)); };
  pool.run(chunks, task);
}

// Elements per chunk for streaming elementwise work: below 2× this, one thread.
constexpr int64_t kElementGrain = 1 << 15;

}  // namespace octet
