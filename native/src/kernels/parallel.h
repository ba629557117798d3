// parallelFor over [0, n) in chunks of at least `grain` items, on the kernels' pool when worth it.
#pragma once
#include <algorithm>
#include <cstdint>
#include <functional>
#include <utility>

#include "pool.h"

namespace octet {

namespace detail {
// fn(begin, end) for each of `chunks` ranges (bounds(c)) on the kernels' pool; the whole [0, n) at once
// on this thread when there is one chunk or one thread.
template <typename Bounds, typename F>
void runChunks(int64_t n, int64_t chunks, Bounds&& bounds, F& fn) {
  KernelPool& pool = kernelPool();
  if (pool.size() == 1 || chunks <= 1) {
    fn(int64_t{0}, n);
    return;
  }
  const std::function<void(int64_t)> task = [&](int64_t c) {
    const auto [b, e] = bounds(c);
    if (b < e) fn(b, e);
  };
  pool.run(chunks, task);
}
}  // namespace detail

template <typename F>
void parallelFor(int64_t n, int64_t grain, F&& fn) {
  if (n <= 0) return;
  if (grain < 1) grain = 1;
  // About two chunks per thread (dynamic claiming evens out a busy core), never below the grain.
  const int64_t chunks = n < 2 * grain ? 1 : std::min<int64_t>(n / grain, 2 * kernelThreads());
  detail::runChunks(n, chunks, [&](int64_t t) { return std::pair<int64_t, int64_t>{n * t / chunks, n * (t + 1) / chunks}; }, fn);
}

// parallelFor over [0, n) in chunks of `grain` items claimed one by one: for tasks of tens of
// microseconds (attention's (batch, head) tiles), where two chunks per thread leave one thread idle for
// up to a quarter of the call when the other starts late.
template <typename F>
void parallelChunks(int64_t n, int64_t grain, F&& fn) {
  if (n <= 0) return;
  if (grain < 1) grain = 1;
  detail::runChunks(n, (n + grain - 1) / grain, [&](int64_t c) { return std::pair<int64_t, int64_t>{c * grain, std::min(n, (c + 1) * grain)}; }, fn);
}

// Elements per chunk for streaming elementwise work: below 2× this, one thread.
constexpr int64_t kElementGrain = 1 << 15;

}  // namespace octet
