// Thread pool of the tensor kernels. The calling (JavaScript) thread takes part; tasks are claimed
// with an atomic counter. Workers spin for a short while after each parallel call before sleeping,
// because a training step issues hundreds of short parallel calls back to back and a futex wake-up
// costs more than a typical elementwise kernel.
#pragma once
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define OCTET_PAUSE() _mm_pause()
#else
#define OCTET_PAUSE() std::this_thread::yield()
#endif

namespace octet {

class KernelPool {
 public:
  explicit KernelPool(int threads) {
    for (int i = 1; i < threads; i++) workers_.emplace_back([this] { loop(); });
  }
  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs fn(t) for t in [0, tasks). Blocks until every task is done. A worker that has not joined by the
  // time the caller has run out of tasks is not waited for: on a machine whose other cores are busy, a
  // descheduled worker costs nothing (the caller does its share).
  void run(int64_t tasks, const std::function<void(int64_t)>& fn) {
    if (tasks <= 0) return;
    if (workers_.empty() || tasks == 1) {
      for (int64_t t = 0; t < tasks; t++) fn(t);
      return;
    }
    std::lock_guard<std::mutex> call(callMutex_);
    fn_ = &fn;
    tasks_ = tasks;
    next_.store(0, std::memory_order_relaxed);
    const uint64_t g = generation_.load(std::memory_order_relaxed) + 1;
    open_.store(g);
    {
      std::lock_guard<std::mutex> lock(m_);
      generation_.store(g, std::memory_order_release);
    }
    if (sleepers_.load() > 0) cv_.notify_all();
    work();
    open_.store(0);  // closed: late workers skip this call
    for (int spins = 0; inflight_.load() != 0; spins++) {
      if (spins < 4096) OCTET_PAUSE();
      else std::this_thread::yield();
    }
    fn_ = nullptr;
  }

 private:
  void work() {
    for (;;) {
      const int64_t t = next_.fetch_add(1, std::memory_order_relaxed);
      if (t >= tasks_) break;
      (*fn_)(t);
    }
  }
  void loop() {
    uint64_t seen = 0;
    for (;;) {
      // Spin about 100 µs for the next call, then sleep.
      const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(100);
      int spins = 0;
      while (generation_.load(std::memory_order_acquire) == seen) {
        OCTET_PAUSE();
        if (++spins % 64 == 0 && std::chrono::steady_clock::now() > until) {
          std::unique_lock<std::mutex> lock(m_);
          sleepers_.fetch_add(1);
          cv_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
          sleepers_.fetch_sub(1);
          break;
        }
      }
      seen = generation_.load(std::memory_order_acquire);
      // Join the call if it is still open (sequentially consistent with the caller's close).
      inflight_.fetch_add(1);
      if (open_.load() == seen) work();
      inflight_.fetch_sub(1);
    }
  }
  std::vector<std::thread> workers_;
  std::mutex callMutex_, m_;
  std::condition_variable cv_;
  const std::function<void(int64_t)>* fn_ = nullptr;
  int64_t tasks_ = 0;
  std::atomic<int64_t> next_{0};
  std::atomic<uint64_t> generation_{0};
  std::atomic<uint64_t> open_{0};
  std::atomic<int> inflight_{0};
  std::atomic<int> sleepers_{0};
};

// OCTET_THREADS overrides the number of threads (the caller included); default: every core.
inline int kernelThreadsFromEnv() {
  const char* env = std::getenv("OCTET_THREADS");
  if (env && std::atoi(env) > 0) return std::atoi(env);
  const unsigned hc = std::thread::hardware_concurrency();
  return hc == 0 ? 1 : static_cast<int>(hc);
}

// The pool is made on first use and deliberately leaked (workers sleep until the process exits).
// setKernelThreads replaces it (tests and the benchmark compare 1 and 2 threads).
KernelPool& kernelPool();
void setKernelThreads(int threads);
int kernelThreads();

}  // namespace octet
