// Process-wide state of the tensor kernels: the SIMD level (threads: common/threadPool.h).
#include <cstdlib>
#include <cstring>

#include "simd.h"

namespace octet {

namespace {
int g_simd = -1;

Simd compiledMax() {
#if defined(__AVX512F__)
  return Simd::Avx512;
#elif defined(__AVX2__) && defined(__FMA__)
  return Simd::Avx2;
#else
  return Simd::Scalar;
#endif
}
}  // namespace

Simd kernelSimd() {
  if (g_simd < 0) {
    Simd s = compiledMax();
    const char* env = std::getenv("OCTET_NATIVE_SIMD");
    if (env && (std::strcmp(env, "0") == 0 || std::strcmp(env, "scalar") == 0)) s = Simd::Scalar;
    else if (env && std::strcmp(env, "avx2") == 0 && s > Simd::Avx2) s = Simd::Avx2;
    g_simd = static_cast<int>(s);
  }
  return static_cast<Simd>(g_simd);
}

void setKernelSimd(Simd s) {
  const Simd max = compiledMax();
  g_simd = static_cast<int>(s > max ? max : s);
}

const char* simdName(Simd s) {
  switch (s) {
    case Simd::Avx512: return "avx512";
    case Simd::Avx2: return "avx2";
    default: return "scalar";
  }
}

}  // namespace octet
