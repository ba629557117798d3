#include "threadPool.h"

#include <cstdlib>
#include <mutex>

namespace octet {

namespace {
std::mutex g_poolMutex;
ThreadPool* g_pool = nullptr;  // leaked on purpose (see threadPool.h)
}  // namespace

int threadsFromEnv() {
  const char* env = std::getenv("OCTET_THREADS");
  if (env && std::atoi(env) > 0) return std::atoi(env);
  const unsigned hc = std::thread::hardware_concurrency();
  return hc == 0 ? 1 : static_cast<int>(hc);
}

ThreadPool& sharedPool() {
  std::lock_guard<std::mutex> g(g_poolMutex);
  if (!g_pool) g_pool = new ThreadPool(threadsFromEnv());
  return *g_pool;
}

void setSharedThreads(int threads) {
  std::lock_guard<std::mutex> g(g_poolMutex);
  if (threads < 1) threads = threadsFromEnv();
  if (g_pool && g_pool->size() == threads) return;
  // The old pool's workers keep sleeping (they hold no work); leaking them is cheaper than a join protocol.
  g_pool = new ThreadPool(threads);
}

}  // namespace octet
