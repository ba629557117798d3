// The addon's one thread pool, shared by the tensor kernels and the optimizer kernels: the calling
// (JavaScript) thread takes part, tasks are claimed one at a time from a ticket that also carries the
// call's generation, and a call returns as soon as every task is done. The caller never waits for a
// worker that has not woken up yet (on a busy machine the scheduler may give it the core only later): a
// worker that wakes late finds the ticket of an old generation or no task left, and goes back to sleep.
// Workers spin briefly before sleeping, because a training step issues hundreds of short parallel calls
// back to back and a futex wake-up costs more than a typical elementwise kernel.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace octet {

inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#else
  std::this_thread::yield();
#endif
}

class ThreadPool {
 public:
  explicit ThreadPool(int threads) {
    for (int i = 1; i < threads; i++) workers_.emplace_back([this] { loop(); });
  }
  int size() const { return static_cast<int>(workers_.size()) + 1; }

  void run(int64_t tasks, const std::function<void(int64_t)>& fn) {
    if (tasks <= 0) return;
    if (workers_.empty() || tasks == 1) {
      for (int64_t t = 0; t < tasks; t++) fn(t);
      return;
    }
    std::lock_guard<std::mutex> call(callMutex_);  // one parallel call at a time
    const uint32_t gen = ++generation_;
    fn_.store(&fn, std::memory_order_relaxed);
    tasks_.store(tasks, std::memory_order_relaxed);
    remaining_.store(tasks, std::memory_order_relaxed);
    ticket_.store(static_cast<uint64_t>(gen) << 32, std::memory_order_release);
    {
      std::lock_guard<std::mutex> g(m_);
      published_.store(gen, std::memory_order_release);
    }
    cv_.notify_all();
    drain(gen);
    // tasks a worker claimed may still run: wait for them (yielding, so a preempted worker gets a core)
    for (int spin = 0; remaining_.load(std::memory_order_acquire) != 0; spin++) {
      if (spin < 1024) cpuRelax();
      else std::this_thread::yield();
    }
  }

 private:
  // Claims the next task of generation gen; false when the generation is over or has no task left.
  bool claim(uint32_t gen, int64_t* task) {
    uint64_t cur = ticket_.load(std::memory_order_acquire);
    for (;;) {
      if (static_cast<uint32_t>(cur >> 32) != gen) return false;
      const int64_t i = static_cast<int64_t>(cur & 0xffffffffu);
      if (i >= tasks_.load(std::memory_order_relaxed)) return false;  // (a newer call's count fails the exchange below)
      if (ticket_.compare_exchange_weak(cur, cur + 1, std::memory_order_acq_rel)) {
        *task = i;
        return true;
      }
    }
  }

  void drain(uint32_t gen) {
    int64_t t;
    while (claim(gen, &t)) {
      // a claimed task keeps its generation from finishing, so fn_ is still this generation's
      (*fn_.load(std::memory_order_relaxed))(t);
      remaining_.fetch_sub(1, std::memory_order_acq_rel);
    }
  }

  void loop() {
    uint32_t seen = 0;
    for (;;) {
      uint32_t gen = published_.load(std::memory_order_acquire);
      for (int spin = 0; gen == seen && spin < 4096; spin++) {  // ~80 µs
        cpuRelax();
        gen = published_.load(std::memory_order_acquire);
      }
      if (gen == seen) {
        std::unique_lock<std::mutex> g(m_);
        cv_.wait(g, [&] { return published_.load(std::memory_order_acquire) != seen; });
        gen = published_.load(std::memory_order_acquire);
      }
      seen = gen;
      drain(gen);
    }
  }

  std::vector<std::thread> workers_;
  std::mutex callMutex_, m_;
  std::condition_variable cv_;
  std::atomic<uint64_t> ticket_{0};  // generation << 32 | next task
  std::atomic<const std::function<void(int64_t)>*> fn_{nullptr};
  std::atomic<int64_t> tasks_{0};
  std::atomic<int64_t> remaining_{0};
  std::atomic<uint32_t> published_{0};
  uint32_t generation_ = 0;
};

// OCTET_THREADS overrides the number of threads (the caller included); default: every core.
int threadsFromEnv();

// The process-wide pool, made on first use and deliberately leaked (workers sleep until the process
// exits). setSharedThreads replaces it (tests and benchmarks compare 1 and 2 threads); < 1 = default.
ThreadPool& sharedPool();
void setSharedThreads(int threads);

}  // namespace octet
