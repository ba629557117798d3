// The tensor kernels run on the addon's shared thread pool (common/threadPool.h), the same one the
// optimizer kernels use, so the process never has more spinning workers than cores.
#pragma once
#include "../common/threadPool.h"

namespace octet {

using KernelPool = ThreadPool;
inline KernelPool& kernelPool() { return sharedPool(); }
inline void setKernelThreads(int threads) { setSharedThreads(threads); }
inline int kernelThreads() { return sharedPool().size(); }

}  // namespace octet
